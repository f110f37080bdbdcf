import { Migration } from '@mikro-orm/migrations';

export class Migration20261129052613 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`anomaly_state\` (\`kind\` text not null, \`severity\` text not null, \`since\` datetime null, \`acknowledged_at\` datetime null, \`acknowledged_severity\` text null, primary key (\`kind\`));`);

    this.addSql(`create table \`dashboard_snapshot\` (\`id\` integer not null, \`summary_epoch\` integer not null, \`generated_at\` datetime not null, \`body\` text not null, primary key (\`id\`));`);

    this.addSql(`create table \`ops_event\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`kind\` text not null, \`actor\` text not null, \`subject\` text null);`);
    this.addSql(`create index \`ops_event_at_index\` on \`ops_event\` (\`at\`);`);

    this.addSql(`create table \`recent_refusal\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`code\` text not null);`);
    this.addSql(`create index \`recent_refusal_at_index\` on \`recent_refusal\` (\`at\`);`);

    this.addSql(`create table \`refusal_week\` (\`week_start\` text not null, \`code\` text not null, \`refusals\` integer not null, primary key (\`week_start\`, \`code\`));`);
  }

}
