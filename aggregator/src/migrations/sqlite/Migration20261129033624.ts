import { Migration } from '@mikro-orm/migrations';

export class Migration20261129033624 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`summary_snapshot\` (\`id\` integer not null, \`epoch\` integer not null, \`body_epoch\` integer not null, \`generated_at\` datetime null, \`body\` text null, primary key (\`id\`));`);
  }

}
