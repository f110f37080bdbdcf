import { Migration } from '@mikro-orm/migrations';

export class Migration20261129052623 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "operator_alert" ("key" varchar(64) not null, "state" varchar(16) not null, "severity" varchar(16) null, "message" text null, "opened_at" timestamptz not null, "changed_at" timestamptz not null, "resolved_at" timestamptz null, "notify_pending" boolean not null, constraint "operator_alert_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "operator_alert" cascade;`);
  }

}
