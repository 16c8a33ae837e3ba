import { Migration } from '@mikro-orm/migrations';

export class Migration20261127092506_views extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "saved_view" ("id" uuid not null, "object" varchar(64) not null, "kind" varchar(16) not null, "name" varchar(100) not null, "shared" boolean not null default false, "owner_id" uuid not null, "config" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "saved_view_pkey" primary key ("id"));`);
    this.addSql(`create index "saved_view_object_owner_id_index" on "saved_view" ("object", "owner_id");`);

    this.addSql(`create table "folder" ("id" uuid not null, "object" varchar(64) not null, "name" varchar(100) not null, "owner_id" uuid not null, "created_at" timestamptz not null, constraint "folder_pkey" primary key ("id"));`);
    this.addSql(`create index "folder_owner_id_object_index" on "folder" ("owner_id", "object");`);

    this.addSql(`create table "folder_item" ("folder_id" uuid not null, "record_id" uuid not null, "added_at" timestamptz not null, constraint "folder_item_pkey" primary key ("folder_id", "record_id"));`);

    this.addSql(`alter table "saved_view" add constraint "saved_view_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "folder" add constraint "folder_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "folder_item" add constraint "folder_item_folder_id_foreign" foreign key ("folder_id") references "folder" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "folder_item" drop constraint "folder_item_folder_id_foreign";`);

    this.addSql(`drop table if exists "saved_view" cascade;`);

    this.addSql(`drop table if exists "folder" cascade;`);

    this.addSql(`drop table if exists "folder_item" cascade;`);
  }

}
