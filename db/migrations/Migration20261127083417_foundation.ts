import { Migration } from '@mikro-orm/migrations';

export class Migration20261127083417_foundation extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "app_group" ("id" uuid not null, "name" varchar(100) not null, "description" varchar(500) not null default '', "builtin" varchar(32) null, "permissions" jsonb not null default '{}', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "app_group_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_group" add constraint "app_group_name_unique" unique ("name");`);
    this.addSql(`alter table "app_group" add constraint "app_group_builtin_unique" unique ("builtin");`);

    this.addSql(`create table "login_log" ("id" bigserial primary key, "at" timestamptz not null, "login" varchar(64) not null, "user_id" uuid null, "ip" varchar(64) null, "user_agent" varchar(500) null, "success" boolean not null, "reason" varchar(32) not null);`);
    this.addSql(`create index "login_log_login_at_index" on "login_log" ("login", "at");`);
    this.addSql(`create index "login_log_ip_at_index" on "login_log" ("ip", "at");`);
    this.addSql(`create index "login_log_at_index" on "login_log" ("at");`);

    this.addSql(`create table "operation_log" ("id" bigserial primary key, "at" timestamptz not null, "user_id" uuid null, "object" varchar(64) not null, "record_id" varchar(64) not null, "action" varchar(16) not null, "changes" jsonb not null default '{}', "channel" varchar(16) not null default 'api');`);
    this.addSql(`create index "operation_log_object_record_id_index" on "operation_log" ("object", "record_id");`);
    this.addSql(`create index "operation_log_at_index" on "operation_log" ("at");`);
    this.addSql(`create index "operation_log_user_id_at_index" on "operation_log" ("user_id", "at");`);

    this.addSql(`create table "organisation" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(200) not null, "parent_id" uuid null, "kind" varchar(32) not null default 'subsidiary', "phone" varchar(64) null, "address" varchar(500) null, constraint "organisation_pkey" primary key ("id"));`);
    this.addSql(`alter table "organisation" add constraint "organisation_code_unique" unique ("code");`);

    this.addSql(`create table "department" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(200) not null, "organisation_id" uuid not null, "parent_id" uuid null, "kind" varchar(32) not null default 'other', "manager_id" uuid null, constraint "department_pkey" primary key ("id"));`);
    this.addSql(`alter table "department" add constraint "department_code_unique" unique ("code");`);

    this.addSql(`create table "employee" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_by" uuid null, "custom" jsonb not null default '{}', "code" varchar(32) not null, "name" varchar(100) not null, "department_id" uuid null, "gender" varchar(16) null, "birthday" date null, "extension" varchar(32) null, "address" varchar(500) null, "email" varchar(254) null, "mobile" varchar(32) null, "im_handles" varchar(500) null, "category" varchar(32) not null default 'fullTime', "active" boolean not null default true, constraint "employee_pkey" primary key ("id"));`);
    this.addSql(`alter table "employee" add constraint "employee_code_unique" unique ("code");`);
    this.addSql(`create index "employee_department_id_index" on "employee" ("department_id");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "login" varchar(64) not null, "password_hash" varchar(255) not null, "employee_id" uuid null, "active" boolean not null default true, "locale" varchar(8) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, "password_changed_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_login_unique" unique ("login");`);
    this.addSql(`alter table "app_user" add constraint "app_user_employee_id_unique" unique ("employee_id");`);

    this.addSql(`create table "session" ("id" varchar(64) not null, "user_id" uuid not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(500) null, constraint "session_pkey" primary key ("id"));`);
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);

    this.addSql(`create table "user_group" ("user_id" uuid not null, "group_id" uuid not null, constraint "user_group_pkey" primary key ("user_id", "group_id"));`);

    this.addSql(`alter table "organisation" add constraint "organisation_parent_id_foreign" foreign key ("parent_id") references "organisation" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "department" add constraint "department_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "department" add constraint "department_parent_id_foreign" foreign key ("parent_id") references "department" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "department" add constraint "department_manager_id_foreign" foreign key ("manager_id") references "employee" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "employee" add constraint "employee_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "app_user" add constraint "app_user_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "user_group" add constraint "user_group_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_group" add constraint "user_group_group_id_foreign" foreign key ("group_id") references "app_group" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "record_counter" ("object" varchar(64) not null, "value" int not null, constraint "record_counter_pkey" primary key ("object"));`);

    // Substring search (including Chinese) runs on trigram indexes.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "employee_name_trgm" on "employee" using gin ("name" gin_trgm_ops);`);
    // Logs are append-only: rows can be inserted and, for retention, deleted — never edited.
    this.addSql(`create or replace function forbid_log_update() returns trigger language plpgsql as $$ begin raise exception 'log rows are append-only'; end $$;`);
    this.addSql(`create trigger login_log_append_only before update on "login_log" for each row execute function forbid_log_update();`);
    this.addSql(`create trigger operation_log_append_only before update on "operation_log" for each row execute function forbid_log_update();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "record_counter" cascade;`);
    this.addSql(`drop trigger if exists login_log_append_only on "login_log";`);
    this.addSql(`drop trigger if exists operation_log_append_only on "operation_log";`);
    this.addSql(`drop function if exists forbid_log_update();`);
    this.addSql(`alter table "user_group" drop constraint "user_group_group_id_foreign";`);

    this.addSql(`alter table "organisation" drop constraint "organisation_parent_id_foreign";`);

    this.addSql(`alter table "department" drop constraint "department_organisation_id_foreign";`);

    this.addSql(`alter table "department" drop constraint "department_parent_id_foreign";`);

    this.addSql(`alter table "employee" drop constraint "employee_department_id_foreign";`);

    this.addSql(`alter table "department" drop constraint "department_manager_id_foreign";`);

    this.addSql(`alter table "app_user" drop constraint "app_user_employee_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_user_id_foreign";`);

    this.addSql(`alter table "user_group" drop constraint "user_group_user_id_foreign";`);

    this.addSql(`drop table if exists "app_group" cascade;`);

    this.addSql(`drop table if exists "login_log" cascade;`);

    this.addSql(`drop table if exists "operation_log" cascade;`);

    this.addSql(`drop table if exists "organisation" cascade;`);

    this.addSql(`drop table if exists "department" cascade;`);

    this.addSql(`drop table if exists "employee" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "session" cascade;`);

    this.addSql(`drop table if exists "user_group" cascade;`);
  }

}
