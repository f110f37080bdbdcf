import { Migration } from '@mikro-orm/migrations';

export class Migration20261129052618 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "anomaly_state" ("kind" varchar(32) not null, "severity" varchar(16) not null, "since" timestamptz null, "acknowledged_at" timestamptz null, "acknowledged_severity" varchar(16) null, constraint "anomaly_state_pkey" primary key ("kind"));`);

    this.addSql(`create table "dashboard_snapshot" ("id" int not null, "summary_epoch" int not null, "generated_at" timestamptz not null, "body" text not null, constraint "dashboard_snapshot_pkey" primary key ("id"));`);

    this.addSql(`create table "ops_event" ("id" serial primary key, "at" timestamptz not null, "kind" varchar(32) not null, "actor" varchar(16) not null, "subject" varchar(64) null);`);
    this.addSql(`create index "ops_event_at_index" on "ops_event" ("at");`);

    this.addSql(`create table "recent_refusal" ("id" serial primary key, "at" timestamptz not null, "code" varchar(32) not null);`);
    this.addSql(`create index "recent_refusal_at_index" on "recent_refusal" ("at");`);

    this.addSql(`create table "refusal_week" ("week_start" varchar(10) not null, "code" varchar(32) not null, "refusals" int not null, constraint "refusal_week_pkey" primary key ("week_start", "code"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "anomaly_state" cascade;`);

    this.addSql(`drop table if exists "dashboard_snapshot" cascade;`);

    this.addSql(`drop table if exists "ops_event" cascade;`);

    this.addSql(`drop table if exists "recent_refusal" cascade;`);

    this.addSql(`drop table if exists "refusal_week" cascade;`);
  }

}
