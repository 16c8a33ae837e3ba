import { Migration } from '@mikro-orm/migrations';

export class Migration20261127144537_user_browser_locale extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "browser_locale" varchar(8) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop column "browser_locale";`);
  }

}
