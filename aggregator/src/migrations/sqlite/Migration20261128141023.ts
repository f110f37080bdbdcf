import { Migration } from '@mikro-orm/migrations';

export class Migration20261128141023 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`installation\` (\`id\` text not null, \`secret_hash\` text not null, \`first_report_at\` datetime not null, \`last_report_at\` datetime not null, \`latest_period_end\` datetime not null, \`app_version\` text not null, \`platform\` text not null, \`deployment_mode\` text not null, \`country_code\` text null, \`printer_count\` integer not null, \`printer_types\` json not null, \`features\` json not null, \`error_count\` integer not null, primary key (\`id\`));`);
    this.addSql(`create index \`installation_last_report_at_index\` on \`installation\` (\`last_report_at\`);`);

    this.addSql(`create table \`installation_week\` (\`week_start\` text not null, \`installation_id\` text not null, \`reports\` integer not null, \`jobs_completed\` integer not null, \`errors\` integer not null, primary key (\`week_start\`, \`installation_id\`));`);
    this.addSql(`create index \`installation_week_installation_id_index\` on \`installation_week\` (\`installation_id\`);`);

    this.addSql(`create table \`report\` (\`id\` text not null, \`installation_id\` text not null, \`received_at\` datetime not null, \`schema_version\` integer not null, \`period_start\` datetime not null, \`period_end\` datetime not null, \`payload_hash\` text not null, \`payload\` json not null, primary key (\`id\`));`);
    this.addSql(`create index \`report_installation_id_index\` on \`report\` (\`installation_id\`);`);
    this.addSql(`create index \`report_received_at_index\` on \`report\` (\`received_at\`);`);
  }

}
