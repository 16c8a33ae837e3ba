import { Migration } from '@mikro-orm/migrations';

export class Migration20261127091753_records extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "expense_category" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(100) not null, "parent_id" uuid null, constraint "expense_category_pkey" primary key ("id"));`);
    this.addSql(`alter table "expense_category" add constraint "expense_category_code_unique" unique ("code");`);

    this.addSql(`create table "field_definition" ("id" uuid not null, "object" varchar(64) not null, "name" varchar(64) not null, "definition" jsonb not null, "position" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "field_definition_pkey" primary key ("id"));`);
    this.addSql(`alter table "field_definition" add constraint "field_definition_object_name_unique" unique ("object", "name");`);

    this.addSql(`create table "field_history" ("id" bigserial primary key, "object" varchar(64) not null, "record_id" uuid not null, "field" varchar(64) not null, "old_value" jsonb null, "new_value" jsonb null, "user_id" uuid null, "channel" varchar(16) not null, "at" timestamptz not null);`);
    this.addSql(`create index "field_history_object_record_id_at_index" on "field_history" ("object", "record_id", "at");`);

    this.addSql(`create table "object_definition" ("name" varchar(64) not null, "definition" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "object_definition_pkey" primary key ("name"));`);

    this.addSql(`create table "object_layout" ("object" varchar(64) not null, "layout" jsonb not null, "updated_at" timestamptz not null, constraint "object_layout_pkey" primary key ("object"));`);

    this.addSql(`create table "customer" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "name" varchar(200) not null, "short_name" varchar(100) null, "phone" varchar(64) null, "fax" varchar(64) null, "address" varchar(500) null, "postcode" varchar(16) null, "website" varchar(300) null, "legal_representative" varchar(100) null, "industry" varchar(32) null, "source" varchar(32) null, "grade" varchar(16) null, "credit_limit" numeric(18,2) null, "annual_revenue" numeric(18,2) null, "tags" jsonb not null default '[]', "notes" text null, "search_text" text not null default '', constraint "customer_pkey" primary key ("id"));`);
    this.addSql(`create index "customer_owner_id_index" on "customer" ("owner_id");`);
    this.addSql(`create index "customer_department_id_index" on "customer" ("department_id");`);
    this.addSql(`alter table "customer" add constraint "customer_code_unique" unique ("code");`);
    this.addSql(`create index "customer_name_index" on "customer" ("name");`);
    this.addSql(`create index "customer_search_trgm" on "customer" using gin ("search_text" gin_trgm_ops);`);

    this.addSql(`create table "customer_department" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "customer_id" uuid not null, "parent_id" uuid null, "name" varchar(200) not null, constraint "customer_department_pkey" primary key ("id"));`);
    this.addSql(`create index "customer_department_customer_id_index" on "customer_department" ("customer_id");`);

    this.addSql(`create table "contact" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "code" varchar(32) not null, "name" varchar(100) not null, "gender" varchar(16) null, "phone" varchar(64) null, "extension" varchar(32) null, "mobile" varchar(32) null, "email" varchar(254) null, "im_handles" varchar(500) null, "birthday" date null, "title" varchar(100) null, "role" varchar(100) null, "notes" text null, "customer_id" uuid null, "search_text" text not null default '', constraint "contact_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_owner_id_index" on "contact" ("owner_id");`);
    this.addSql(`create index "contact_department_id_index" on "contact" ("department_id");`);
    this.addSql(`alter table "contact" add constraint "contact_code_unique" unique ("code");`);
    this.addSql(`create index "contact_name_index" on "contact" ("name");`);
    this.addSql(`create index "contact_customer_id_index" on "contact" ("customer_id");`);
    this.addSql(`create index "contact_search_trgm" on "contact" using gin ("search_text" gin_trgm_ops);`);

    this.addSql(`create table "custom_record" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "object" varchar(64) not null, "code" varchar(32) not null, "name" varchar(200) not null, "customer_id" uuid null, "contact_id" uuid null, "data" jsonb not null default '{}', "search_text" text not null default '', constraint "custom_record_pkey" primary key ("id"));`);
    this.addSql(`create index "custom_record_owner_id_index" on "custom_record" ("owner_id");`);
    this.addSql(`create index "custom_record_department_id_index" on "custom_record" ("department_id");`);
    this.addSql(`create index "custom_record_customer_id_index" on "custom_record" ("customer_id");`);
    this.addSql(`create index "custom_record_contact_id_index" on "custom_record" ("contact_id");`);
    this.addSql(`create index "custom_record_search_trgm" on "custom_record" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "custom_record_object_created_at_index" on "custom_record" ("object", "created_at");`);
    this.addSql(`alter table "custom_record" add constraint "custom_record_object_code_unique" unique ("object", "code");`);

    this.addSql(`create table "expense" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "category_id" uuid not null, "amount" numeric(18,2) not null, "currency" varchar(3) not null default 'CNY', "date" date not null, "note" varchar(500) null, "record_id" uuid null, "customer_id" uuid null, constraint "expense_pkey" primary key ("id"));`);
    this.addSql(`create index "expense_owner_id_index" on "expense" ("owner_id");`);
    this.addSql(`create index "expense_department_id_index" on "expense" ("department_id");`);
    this.addSql(`create index "expense_record_id_index" on "expense" ("record_id");`);
    this.addSql(`create index "expense_customer_id_index" on "expense" ("customer_id");`);

    this.addSql(`create table "contact_employment" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "contact_id" uuid not null, "customer_id" uuid not null, "customer_department_id" uuid null, "title" varchar(100) null, "from_date" date null, "to_date" date null, "current" boolean not null default true, constraint "contact_employment_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_employment_contact_id_index" on "contact_employment" ("contact_id");`);
    this.addSql(`create index "contact_employment_customer_id_index" on "contact_employment" ("customer_id");`);

    this.addSql(`create table "activity" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "owner_id" uuid null, "department_id" uuid null, "type" varchar(32) not null, "at" timestamptz not null, "subject" varchar(200) not null, "content" text null, "outcome" varchar(500) null, "customer_id" uuid null, "contact_id" uuid null, constraint "activity_pkey" primary key ("id"));`);
    this.addSql(`create index "activity_owner_id_index" on "activity" ("owner_id");`);
    this.addSql(`create index "activity_department_id_index" on "activity" ("department_id");`);
    this.addSql(`create index "activity_at_index" on "activity" ("at");`);
    this.addSql(`create index "activity_customer_id_index" on "activity" ("customer_id");`);
    this.addSql(`create index "activity_contact_id_index" on "activity" ("contact_id");`);

    this.addSql(`create table "unit" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(100) not null, constraint "unit_pkey" primary key ("id"));`);
    this.addSql(`alter table "unit" add constraint "unit_code_unique" unique ("code");`);

    this.addSql(`create table "product" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(200) not null, "unit_id" uuid null, "specification" varchar(200) null, "list_price" numeric(18,2) null, "pictures" jsonb not null default '[]', "active" boolean not null default true, "search_text" text not null default '', constraint "product_pkey" primary key ("id"));`);
    this.addSql(`alter table "product" add constraint "product_code_unique" unique ("code");`);
    this.addSql(`create index "product_name_index" on "product" ("name");`);
    this.addSql(`create index "product_search_trgm" on "product" using gin ("search_text" gin_trgm_ops);`);

    this.addSql(`alter table "expense_category" add constraint "expense_category_parent_id_foreign" foreign key ("parent_id") references "expense_category" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "customer" add constraint "customer_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "customer" add constraint "customer_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "customer_department" add constraint "customer_department_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "customer_department" add constraint "customer_department_parent_id_foreign" foreign key ("parent_id") references "customer_department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "contact" add constraint "contact_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contact" add constraint "contact_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contact" add constraint "contact_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "custom_record" add constraint "custom_record_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "custom_record" add constraint "custom_record_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "custom_record" add constraint "custom_record_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "custom_record" add constraint "custom_record_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "expense" add constraint "expense_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "expense" add constraint "expense_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "expense" add constraint "expense_category_id_foreign" foreign key ("category_id") references "expense_category" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "expense" add constraint "expense_record_id_foreign" foreign key ("record_id") references "custom_record" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "expense" add constraint "expense_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "contact_employment" add constraint "contact_employment_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_employment" add constraint "contact_employment_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_employment" add constraint "contact_employment_customer_department_id_foreign" foreign key ("customer_department_id") references "customer_department" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "activity" add constraint "activity_owner_id_foreign" foreign key ("owner_id") references "employee" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "activity" add constraint "activity_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "activity" add constraint "activity_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "activity" add constraint "activity_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "product" add constraint "product_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict;`);

    this.addSql(`drop index "employee_name_trgm";`);

    this.addSql(`alter table "employee" add column "search_text" text not null default '';`);
    this.addSql(`create index "employee_search_trgm" on "employee" using gin ("search_text" gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "expense_category" drop constraint "expense_category_parent_id_foreign";`);

    this.addSql(`alter table "expense" drop constraint "expense_category_id_foreign";`);

    this.addSql(`alter table "customer_department" drop constraint "customer_department_customer_id_foreign";`);

    this.addSql(`alter table "contact" drop constraint "contact_customer_id_foreign";`);

    this.addSql(`alter table "custom_record" drop constraint "custom_record_customer_id_foreign";`);

    this.addSql(`alter table "expense" drop constraint "expense_customer_id_foreign";`);

    this.addSql(`alter table "contact_employment" drop constraint "contact_employment_customer_id_foreign";`);

    this.addSql(`alter table "activity" drop constraint "activity_customer_id_foreign";`);

    this.addSql(`alter table "customer_department" drop constraint "customer_department_parent_id_foreign";`);

    this.addSql(`alter table "contact_employment" drop constraint "contact_employment_customer_department_id_foreign";`);

    this.addSql(`alter table "custom_record" drop constraint "custom_record_contact_id_foreign";`);

    this.addSql(`alter table "contact_employment" drop constraint "contact_employment_contact_id_foreign";`);

    this.addSql(`alter table "activity" drop constraint "activity_contact_id_foreign";`);

    this.addSql(`alter table "expense" drop constraint "expense_record_id_foreign";`);

    this.addSql(`alter table "product" drop constraint "product_unit_id_foreign";`);

    this.addSql(`drop table if exists "expense_category" cascade;`);

    this.addSql(`drop table if exists "field_definition" cascade;`);

    this.addSql(`drop table if exists "field_history" cascade;`);

    this.addSql(`drop table if exists "object_definition" cascade;`);

    this.addSql(`drop table if exists "object_layout" cascade;`);

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "customer_department" cascade;`);

    this.addSql(`drop table if exists "contact" cascade;`);

    this.addSql(`drop table if exists "custom_record" cascade;`);

    this.addSql(`drop table if exists "expense" cascade;`);

    this.addSql(`drop table if exists "contact_employment" cascade;`);

    this.addSql(`drop table if exists "activity" cascade;`);

    this.addSql(`drop table if exists "unit" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop index "employee_search_trgm";`);
    this.addSql(`alter table "employee" drop column "search_text";`);

    this.addSql(`create index "employee_name_trgm" on "employee" using gin ("name" gin_trgm_ops);`);
  }

}
