import { Migration } from '@mikro-orm/migrations';

export class Migration20261128140118 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`printer\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`type\` text not null, \`model\` text null, \`serial\` text null, \`host\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`printer_type_index\` on \`printer\` (\`type\`);`);
  }

}
