import { Migration } from '@mikro-orm/migrations';

export class Migration20261128140119 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "printer" ("id" serial primary key, "name" varchar(100) not null, "type" varchar(64) not null, "model" varchar(32) null, "serial" varchar(100) null, "host" varchar(255) null, "created_at" timestamptz not null);`);
    this.addSql(`create index "printer_type_index" on "printer" ("type");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "printer" cascade;`);
  }

}
