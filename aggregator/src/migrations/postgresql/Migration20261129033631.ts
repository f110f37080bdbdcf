import { Migration } from '@mikro-orm/migrations';

export class Migration20261129033631 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "summary_snapshot" ("id" int not null, "epoch" int not null, "body_epoch" int not null, "generated_at" timestamptz null, "body" text null, constraint "summary_snapshot_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "summary_snapshot" cascade;`);
  }

}
