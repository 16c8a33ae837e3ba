import { Migration } from '@mikro-orm/migrations';

export class Migration20261127130852_sales_dashboard_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "opportunity_open_funnel" on "opportunity" ("currency", "owner_id") include ("stage_id", "amount", "probability", "department_id") where status = 'open';`);

    this.addSql(`create index "sales_order_sales_by_date" on "sales_order" ("date") include ("currency", "total", "customer_id", "owner_id", "department_id") where status in ('confirmed','shipped','completed');`);
    this.addSql(`create index "sales_order_sales_by_currency_year" on "sales_order" ("currency", (extract(year from "date")), "customer_id") include ("total", "date", "owner_id", "department_id") where status in ('confirmed','shipped','completed');`);
    this.addSql(`create index "sales_order_sales_by_owner_date" on "sales_order" ("owner_id", "date") include ("currency", "total", "customer_id", "department_id") where status in ('confirmed','shipped','completed');`);

    this.addSql(`create index "receivable_outstanding" on "receivable" ("owner_id") include ("date", "currency", "balance", "department_id") where status = 'open' and balance > 0;`);

    this.addSql(`create index "receipt_date_covering" on "receipt" ("date") include ("currency", "amount", "owner_id", "department_id");`);
    this.addSql(`create index "receipt_owner_date" on "receipt" ("owner_id", "date") include ("currency", "amount", "department_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "opportunity_open_funnel";`);

    this.addSql(`drop index "receipt_date_covering";`);
    this.addSql(`drop index "receipt_owner_date";`);

    this.addSql(`drop index "receivable_outstanding";`);

    this.addSql(`drop index "sales_order_sales_by_date";`);
    this.addSql(`drop index "sales_order_sales_by_currency_year";`);
    this.addSql(`drop index "sales_order_sales_by_owner_date";`);
  }

}
