import { Migration } from '@mikro-orm/migrations';

export class Migration20261128141023 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "installation" ("id" varchar(36) not null, "secret_hash" varchar(64) not null, "first_report_at" timestamptz not null, "last_report_at" timestamptz not null, "latest_period_end" timestamptz not null, "app_version" varchar(32) not null, "platform" varchar(16) not null, "deployment_mode" varchar(16) not null, "country_code" varchar(2) null, "printer_count" int not null, "printer_types" jsonb not null, "features" jsonb not null, "error_count" int not null, constraint "installation_pkey" primary key ("id"));`);
    this.addSql(`create index "installation_last_report_at_index" on "installation" ("last_report_at");`);

    this.addSql(`create table "installation_week" ("week_start" varchar(10) not null, "installation_id" varchar(36) not null, "reports" int not null, "jobs_completed" int not null, "errors" int not null, constraint "installation_week_pkey" primary key ("week_start", "installation_id"));`);
    this.addSql(`create index "installation_week_installation_id_index" on "installation_week" ("installation_id");`);

    this.addSql(`create table "report" ("id" varchar(36) not null, "installation_id" varchar(36) not null, "received_at" timestamptz not null, "schema_version" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "payload_hash" varchar(64) not null, "payload" jsonb not null, constraint "report_pkey" primary key ("id"));`);
    this.addSql(`create index "report_installation_id_index" on "report" ("installation_id");`);
    this.addSql(`create index "report_received_at_index" on "report" ("received_at");`);
  }

}
