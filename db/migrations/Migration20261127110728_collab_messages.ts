import { Migration } from '@mikro-orm/migrations';

export class Migration20261127110728_collab_messages extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "collab_doc" ("name" varchar(120) not null, "object" varchar(64) not null, "record_id" uuid not null, "snapshot" bytea null, "written_back_id" bigint not null default 0, "updated_at" timestamptz not null, constraint "collab_doc_pkey" primary key ("name"));`);
    this.addSql(`create index "collab_doc_record_id_index" on "collab_doc" ("record_id");`);

    this.addSql(`create table "collab_update" ("id" bigserial primary key, "doc_name" varchar(120) not null, "data" bytea not null, "user_id" uuid null, "created_at" timestamptz not null);`);
    this.addSql(`create index "collab_update_doc_name_id_index" on "collab_update" ("doc_name", "id");`);

    this.addSql(`create table "conversation" ("id" uuid not null, "kind" varchar(16) not null, "title" varchar(200) null, "direct_key" varchar(80) null, "created_by" uuid not null, "created_at" timestamptz not null, "last_message_at" timestamptz null, constraint "conversation_pkey" primary key ("id"));`);
    this.addSql(`alter table "conversation" add constraint "conversation_direct_key_unique" unique ("direct_key");`);

    this.addSql(`create table "conversation_member" ("conversation_id" uuid not null, "user_id" uuid not null, "joined_at" timestamptz not null, "last_read_id" bigint not null default 0, "last_read_at" timestamptz null, constraint "conversation_member_pkey" primary key ("conversation_id", "user_id"));`);
    this.addSql(`create index "conversation_member_user_id_index" on "conversation_member" ("user_id");`);

    this.addSql(`create table "message" ("id" bigserial primary key, "conversation_id" uuid not null, "sender_id" uuid not null, "body" text not null, "attachments" jsonb not null default '[]', "mentions" jsonb not null default '[]', "created_at" timestamptz not null);`);
    this.addSql(`create index "message_conversation_id_id_index" on "message" ("conversation_id", "id");`);
    this.addSql(`create index "message_body_trgm" on "message" using gin ("body" gin_trgm_ops);`);

    this.addSql(`create table "notification" ("id" uuid not null, "user_id" uuid not null, "kind" varchar(32) not null, "title" varchar(300) not null, "body" text not null default '', "link" varchar(500) null, "data" jsonb not null default '{}', "dedupe_key" varchar(120) null, "notify_at" timestamptz not null, "sent_at" timestamptz null, "read_at" timestamptz null, "created_at" timestamptz not null, constraint "notification_pkey" primary key ("id"));`);
    this.addSql(`create index "notification_user_id_notify_at_index" on "notification" ("user_id", "notify_at");`);
    this.addSql(`create index "notification_sent_at_notify_at_index" on "notification" ("sent_at", "notify_at");`);
    this.addSql(`alter table "notification" add constraint "notification_user_id_dedupe_key_unique" unique ("user_id", "dedupe_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "collab_doc" cascade;`);

    this.addSql(`drop table if exists "collab_update" cascade;`);

    this.addSql(`drop table if exists "conversation" cascade;`);

    this.addSql(`drop table if exists "conversation_member" cascade;`);

    this.addSql(`drop table if exists "message" cascade;`);

    this.addSql(`drop table if exists "notification" cascade;`);
  }

}
