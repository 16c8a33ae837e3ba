import { Migration } from '@mikro-orm/migrations';

export class Migration20261127095355_list_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "customer_created_at_newest" on "customer" ("created_at" desc nulls last, "id");`);
    this.addSql(`create index "customer_grade_industry_index" on "customer" ("grade", "industry");`);

    this.addSql(`create index "contact_created_at_newest" on "contact" ("created_at" desc nulls last, "id");`);

    this.addSql(`create index "custom_record_created_at_newest" on "custom_record" ("created_at" desc nulls last, "id");`);

    this.addSql(`create index "activity_at_newest" on "activity" ("at" desc nulls last, "id");`);
    this.addSql(`create index "activity_customer_id_at_index" on "activity" ("customer_id", "at");`);

    // search_text now also holds two-character Chinese words: blank it so the start-up backfill rewrites it.
    for (const table of ['customer', 'contact', 'product', 'employee', 'custom_record']) this.addSql(`update "${table}" set "search_text" = '';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "activity_at_newest";`);
    this.addSql(`drop index "activity_customer_id_at_index";`);

    this.addSql(`drop index "contact_created_at_newest";`);

    this.addSql(`drop index "custom_record_created_at_newest";`);

    this.addSql(`drop index "customer_created_at_newest";`);
    this.addSql(`drop index "customer_grade_industry_index";`);
  }

}
