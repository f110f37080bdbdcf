import { Migration } from '@mikro-orm/migrations';

export class Migration20261128135049 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "deletion_request" ("id" serial primary key, "installation_id" varchar(36) not null, "installation_secret" varchar(64) not null, "status" varchar(16) not null, "created_at" timestamptz not null, "attempts" int not null, "next_attempt_at" timestamptz null, "last_error" text null, "done_at" timestamptz null);`);

    this.addSql(`create table "submission" ("id" varchar(36) not null, "status" varchar(16) not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "created_at" timestamptz not null, "sent_at" timestamptz null, "attempts" int not null, "next_attempt_at" timestamptz null, "last_error" text null, "duplicate" boolean not null, "payload" jsonb not null, constraint "submission_pkey" primary key ("id"));`);
    this.addSql(`create index "submission_period_end_index" on "submission" ("period_end");`);

    this.addSql(`create table "uptime_session" ("id" serial primary key, "started_at" timestamptz not null, "last_seen_at" timestamptz not null, "ended_at" timestamptz null);`);
    this.addSql(`create index "uptime_session_started_at_index" on "uptime_session" ("started_at");`);

    this.addSql(`create table "usage_event" ("id" serial primary key, "type" varchar(32) not null, "occurred_at" timestamptz not null, "printer_type" varchar(64) null, "duration_minutes" int null, "file_size_centi_mb" int null, "auto_created" boolean null, "error_type" varchar(64) null, "component" varchar(64) null, "feature" varchar(64) null, "report_id" varchar(36) null, "created_at" timestamptz not null);`);
    this.addSql(`create index "usage_event_occurred_at_index" on "usage_event" ("occurred_at");`);
    this.addSql(`create index "usage_event_report_id_occurred_at_index" on "usage_event" ("report_id", "occurred_at");`);
    this.addSql(`create index "usage_event_type_occurred_at_index" on "usage_event" ("type", "occurred_at");`);

    this.addSql(`create table "usage_settings" ("id" int not null, "consent" varchar(16) not null, "consent_changed_at" timestamptz null, "consented_schema_version" int null, "share_country" boolean not null, "installation_id" varchar(36) null, "installation_secret" varchar(64) null, "first_seen_on" varchar(10) null, "submission_second_of_day" int null, "report_floor" timestamptz null, "last_submission_at" timestamptz null, "updated_at" timestamptz not null, constraint "usage_settings_pkey" primary key ("id"));`);
  }

}
