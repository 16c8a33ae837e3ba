import { Migration } from '@mikro-orm/migrations';

export class Migration20261127111804_sales extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "sales_stage" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) null, "name" varchar(100) not null, "name_en" varchar(100) null, "sort_order" numeric not null default 0, "probability" numeric not null default 0, "active" boolean not null default true, constraint "sales_stage_pkey" primary key ("id"));`);
    this.addSql(`alter table "sales_stage" add constraint "sales_stage_code_unique" unique ("code");`);

    this.addSql(`create table "opportunity" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "name" varchar(200) not null, "customer_id" uuid not null, "contact_id" uuid null, "stage_id" uuid not null, "status" varchar(16) not null default 'open', "amount" numeric(18,2) null, "currency" varchar(3) not null default 'CNY', "expected_close_date" date null, "probability" numeric null, "source" varchar(32) null, "competitor" varchar(200) null, "next_step" varchar(500) null, "lost_reason" varchar(500) null, "notes" text null, "search_text" text not null default '', constraint "opportunity_pkey" primary key ("id"));`);
    this.addSql(`create index "opportunity_owner_id_index" on "opportunity" ("owner_id");`);
    this.addSql(`create index "opportunity_department_id_index" on "opportunity" ("department_id");`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_code_unique" unique ("code");`);
    this.addSql(`create index "opportunity_customer_id_index" on "opportunity" ("customer_id");`);
    this.addSql(`create index "opportunity_search_trgm" on "opportunity" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "opportunity_created_at_newest" on "opportunity" ("created_at" desc nulls last, "id");`);
    this.addSql(`create index "opportunity_stage_id_status_index" on "opportunity" ("stage_id", "status");`);

    this.addSql(`create table "contract" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "name" varchar(200) null, "customer_id" uuid not null, "opportunity_id" uuid null, "date" date null, "signer_id" uuid null, "customer_signer_id" uuid null, "amount" numeric(18,2) null, "currency" varchar(3) not null default 'CNY', "start_date" date null, "end_date" date null, "terms" text null, "status" varchar(16) not null default 'draft', "attachments" jsonb not null default '[]', "search_text" text not null default '', constraint "contract_pkey" primary key ("id"));`);
    this.addSql(`create index "contract_owner_id_index" on "contract" ("owner_id");`);
    this.addSql(`create index "contract_department_id_index" on "contract" ("department_id");`);
    this.addSql(`alter table "contract" add constraint "contract_code_unique" unique ("code");`);
    this.addSql(`create index "contract_customer_id_index" on "contract" ("customer_id");`);
    this.addSql(`create index "contract_opportunity_id_index" on "contract" ("opportunity_id");`);
    this.addSql(`create index "contract_search_trgm" on "contract" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "contract_created_at_newest" on "contract" ("created_at" desc nulls last, "id");`);

    this.addSql(`create table "sales_order" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "date" date null, "customer_id" uuid not null, "contact_id" uuid null, "contract_id" uuid null, "opportunity_id" uuid null, "sales_method" varchar(32) null, "currency" varchar(3) not null default 'CNY', "status" varchar(16) not null default 'draft', "requested_delivery_date" date null, "total" numeric(18,2) not null default 0, "confirmed_at" timestamptz null, "credit_override_reason" varchar(500) null, "notes" text null, "search_text" text not null default '', constraint "sales_order_pkey" primary key ("id"));`);
    this.addSql(`create index "sales_order_owner_id_index" on "sales_order" ("owner_id");`);
    this.addSql(`create index "sales_order_department_id_index" on "sales_order" ("department_id");`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_code_unique" unique ("code");`);
    this.addSql(`create index "sales_order_contract_id_index" on "sales_order" ("contract_id");`);
    this.addSql(`create index "sales_order_opportunity_id_index" on "sales_order" ("opportunity_id");`);
    this.addSql(`create index "sales_order_search_trgm" on "sales_order" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "sales_order_created_at_newest" on "sales_order" ("created_at" desc nulls last, "id");`);
    this.addSql(`create index "sales_order_customer_id_date_index" on "sales_order" ("customer_id", "date");`);
    this.addSql(`create index "sales_order_date_index" on "sales_order" ("date");`);

    this.addSql(`create table "receivable" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "customer_id" uuid null, "sales_order_id" uuid null, "contract_id" uuid null, "date" date null, "due_date" date null, "currency" varchar(3) null, "amount" numeric(18,2) not null default 0, "received" numeric(18,2) not null default 0, "balance" numeric(18,2) not null default 0, "status" varchar(16) not null default 'open', "note" varchar(500) null, constraint "receivable_pkey" primary key ("id"));`);
    this.addSql(`create index "receivable_owner_id_index" on "receivable" ("owner_id");`);
    this.addSql(`create index "receivable_department_id_index" on "receivable" ("department_id");`);
    this.addSql(`alter table "receivable" add constraint "receivable_code_unique" unique ("code");`);
    this.addSql(`alter table "receivable" add constraint "receivable_sales_order_id_unique" unique ("sales_order_id");`);
    this.addSql(`alter table "receivable" add constraint "receivable_contract_id_unique" unique ("contract_id");`);
    this.addSql(`create index "receivable_created_at_newest" on "receivable" ("created_at" desc nulls last, "id");`);
    this.addSql(`create index "receivable_customer_id_status_index" on "receivable" ("customer_id", "status");`);

    this.addSql(`create table "receipt" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "date" date null, "customer_id" uuid null, "sales_order_id" uuid null, "contract_id" uuid null, "amount" numeric(18,2) not null, "method" varchar(32) null, "currency" varchar(3) null, "note" varchar(500) null, constraint "receipt_pkey" primary key ("id"));`);
    this.addSql(`create index "receipt_owner_id_index" on "receipt" ("owner_id");`);
    this.addSql(`create index "receipt_department_id_index" on "receipt" ("department_id");`);
    this.addSql(`alter table "receipt" add constraint "receipt_code_unique" unique ("code");`);
    this.addSql(`create index "receipt_sales_order_id_index" on "receipt" ("sales_order_id");`);
    this.addSql(`create index "receipt_contract_id_index" on "receipt" ("contract_id");`);
    this.addSql(`create index "receipt_created_at_newest" on "receipt" ("created_at" desc nulls last, "id");`);
    this.addSql(`create index "receipt_customer_id_date_index" on "receipt" ("customer_id", "date");`);

    this.addSql(`create table "sales_task" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "type" varchar(16) not null, "subject" varchar(200) not null, "content" text null, "customer_id" uuid null, "contact_id" uuid null, "phone" varchar(64) null, "opportunity_id" uuid null, "planned_at" timestamptz not null, "done_at" timestamptz null, "goal_reached" boolean null, "cost" numeric(18,2) null, "currency" varchar(3) not null default 'CNY', constraint "sales_task_pkey" primary key ("id"));`);
    this.addSql(`create index "sales_task_owner_id_index" on "sales_task" ("owner_id");`);
    this.addSql(`create index "sales_task_department_id_index" on "sales_task" ("department_id");`);
    this.addSql(`create index "sales_task_customer_id_index" on "sales_task" ("customer_id");`);
    this.addSql(`create index "sales_task_opportunity_id_index" on "sales_task" ("opportunity_id");`);
    this.addSql(`create index "sales_task_planned_at_newest" on "sales_task" ("planned_at" desc nulls last, "id");`);
    this.addSql(`create index "sales_task_owner_id_planned_at_index" on "sales_task" ("owner_id", "planned_at");`);

    this.addSql(`create table "sales_order_line" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "sales_order_id" uuid not null, "line_no" numeric not null default 0, "product_id" uuid not null, "unit_id" uuid null, "quantity" numeric not null, "unit_price" numeric(18,2) null, "discount" numeric not null default 0, "amount" numeric(18,2) not null default 0, "requested_delivery_date" date null, "note" varchar(500) null, "customer_id" uuid null, constraint "sales_order_line_pkey" primary key ("id"));`);
    this.addSql(`create index "sales_order_line_owner_id_index" on "sales_order_line" ("owner_id");`);
    this.addSql(`create index "sales_order_line_department_id_index" on "sales_order_line" ("department_id");`);
    this.addSql(`create index "sales_order_line_product_id_index" on "sales_order_line" ("product_id");`);
    this.addSql(`create index "sales_order_line_customer_id_index" on "sales_order_line" ("customer_id");`);
    this.addSql(`create index "sales_order_line_sales_order_id_line_no_index" on "sales_order_line" ("sales_order_id", "line_no");`);

    this.addSql(`alter table "opportunity" add constraint "opportunity_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_stage_id_foreign" foreign key ("stage_id") references "sales_stage" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "contract" add constraint "contract_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contract" add constraint "contract_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contract" add constraint "contract_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "contract" add constraint "contract_opportunity_id_foreign" foreign key ("opportunity_id") references "opportunity" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contract" add constraint "contract_signer_id_foreign" foreign key ("signer_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contract" add constraint "contract_customer_signer_id_foreign" foreign key ("customer_signer_id") references "contact" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "sales_order" add constraint "sales_order_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "sales_order" add constraint "sales_order_opportunity_id_foreign" foreign key ("opportunity_id") references "opportunity" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "receivable" add constraint "receivable_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "receivable" add constraint "receivable_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "receivable" add constraint "receivable_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "receivable" add constraint "receivable_sales_order_id_foreign" foreign key ("sales_order_id") references "sales_order" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "receivable" add constraint "receivable_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "receipt" add constraint "receipt_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "receipt" add constraint "receipt_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "receipt" add constraint "receipt_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "receipt" add constraint "receipt_sales_order_id_foreign" foreign key ("sales_order_id") references "sales_order" ("id") on update cascade on delete restrict deferrable initially deferred;`);
    this.addSql(`alter table "receipt" add constraint "receipt_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade on delete restrict deferrable initially deferred;`);

    this.addSql(`alter table "sales_task" add constraint "sales_task_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_task" add constraint "sales_task_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_task" add constraint "sales_task_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "sales_task" add constraint "sales_task_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_task" add constraint "sales_task_opportunity_id_foreign" foreign key ("opportunity_id") references "opportunity" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_sales_order_id_foreign" foreign key ("sales_order_id") references "sales_order" ("id") on update cascade on delete cascade deferrable initially deferred;`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`);

    // The default pipeline (administrators rename, reorder, add and retire stages afterwards).
    const stages: [string, string, string, number][] = [
      ['prospecting', '初步接洽', 'Prospecting', 10],
      ['leadFollowUp', '线索跟进', 'Lead follow-up', 25],
      ['opportunityConfirmed', '商机确认', 'Opportunity confirmed', 50],
      ['contractSigned', '签订合同', 'Contract signed', 75],
      ['receivableTracking', '回款跟踪', 'Receivable tracking', 90],
      ['repeatSale', '重复销售', 'Repeat sale', 100],
    ];
    stages.forEach(([code, name, nameEn, probability], i) => {
      this.addSql(
        `insert into "sales_stage" ("id", "created_at", "updated_at", "code", "name", "name_en", "sort_order", "probability", "active") values (gen_random_uuid(), now(), now(), '${code}', '${name}', '${nameEn}', ${i + 1}, ${probability}, true);`,
      );
    });
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "opportunity" drop constraint "opportunity_stage_id_foreign";`);

    this.addSql(`alter table "contract" drop constraint "contract_opportunity_id_foreign";`);

    this.addSql(`alter table "sales_order" drop constraint "sales_order_opportunity_id_foreign";`);

    this.addSql(`alter table "sales_task" drop constraint "sales_task_opportunity_id_foreign";`);

    this.addSql(`alter table "sales_order" drop constraint "sales_order_contract_id_foreign";`);

    this.addSql(`alter table "receivable" drop constraint "receivable_contract_id_foreign";`);

    this.addSql(`alter table "receipt" drop constraint "receipt_contract_id_foreign";`);

    this.addSql(`alter table "receivable" drop constraint "receivable_sales_order_id_foreign";`);

    this.addSql(`alter table "receipt" drop constraint "receipt_sales_order_id_foreign";`);

    this.addSql(`alter table "sales_order_line" drop constraint "sales_order_line_sales_order_id_foreign";`);

    this.addSql(`drop table if exists "sales_stage" cascade;`);

    this.addSql(`drop table if exists "opportunity" cascade;`);

    this.addSql(`drop table if exists "contract" cascade;`);

    this.addSql(`drop table if exists "sales_order" cascade;`);

    this.addSql(`drop table if exists "receivable" cascade;`);

    this.addSql(`drop table if exists "receipt" cascade;`);

    this.addSql(`drop table if exists "sales_task" cascade;`);

    this.addSql(`drop table if exists "sales_order_line" cascade;`);
  }

}
