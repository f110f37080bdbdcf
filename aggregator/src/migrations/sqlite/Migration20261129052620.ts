import { Migration } from '@mikro-orm/migrations';

export class Migration20261129052620 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`operator_alert\` (\`key\` text not null, \`state\` text not null, \`severity\` text null, \`message\` text null, \`opened_at\` datetime not null, \`changed_at\` datetime not null, \`resolved_at\` datetime null, \`notify_pending\` integer not null, primary key (\`key\`));`);
  }

}
