import { Migration } from '@mikro-orm/migrations';

export class Migration20261127093037_files extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "stored_file" ("id" uuid not null, "name" varchar(255) not null, "type" varchar(100) not null, "size" int not null, "data" bytea not null, "created_by" uuid null, "created_at" timestamptz not null, constraint "stored_file_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stored_file" cascade;`);
  }

}
