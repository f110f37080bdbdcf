import { Migration } from '@mikro-orm/migrations';

export class Migration20261128135049 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`deletion_request\` (\`id\` integer not null primary key autoincrement, \`installation_id\` text not null, \`installation_secret\` text not null, \`status\` text not null, \`created_at\` datetime not null, \`attempts\` integer not null, \`next_attempt_at\` datetime null, \`last_error\` text null, \`done_at\` datetime null);`);

    this.addSql(`create table \`submission\` (\`id\` text not null, \`status\` text not null, \`period_start\` datetime not null, \`period_end\` datetime not null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`attempts\` integer not null, \`next_attempt_at\` datetime null, \`last_error\` text null, \`duplicate\` integer not null, \`payload\` json not null, primary key (\`id\`));`);
    this.addSql(`create index \`submission_period_end_index\` on \`submission\` (\`period_end\`);`);

    this.addSql(`create table \`uptime_session\` (\`id\` integer not null primary key autoincrement, \`started_at\` datetime not null, \`last_seen_at\` datetime not null, \`ended_at\` datetime null);`);
    this.addSql(`create index \`uptime_session_started_at_index\` on \`uptime_session\` (\`started_at\`);`);

    this.addSql(`create table \`usage_event\` (\`id\` integer not null primary key autoincrement, \`type\` text not null, \`occurred_at\` datetime not null, \`printer_type\` text null, \`duration_minutes\` integer null, \`file_size_centi_mb\` integer null, \`auto_created\` integer null, \`error_type\` text null, \`component\` text null, \`feature\` text null, \`report_id\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`usage_event_occurred_at_index\` on \`usage_event\` (\`occurred_at\`);`);
    this.addSql(`create index \`usage_event_report_id_occurred_at_index\` on \`usage_event\` (\`report_id\`, \`occurred_at\`);`);
    this.addSql(`create index \`usage_event_type_occurred_at_index\` on \`usage_event\` (\`type\`, \`occurred_at\`);`);

    this.addSql(`create table \`usage_settings\` (\`id\` integer not null, \`consent\` text not null, \`consent_changed_at\` datetime null, \`consented_schema_version\` integer null, \`share_country\` integer not null, \`installation_id\` text null, \`installation_secret\` text null, \`first_seen_on\` text null, \`submission_second_of_day\` integer null, \`report_floor\` datetime null, \`last_submission_at\` datetime null, \`updated_at\` datetime not null, primary key (\`id\`));`);
  }

}
