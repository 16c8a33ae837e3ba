import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127130852_sales_dashboard_indexes } from './Migration20261127130852_sales_dashboard_indexes';
import { Migration20261127144537_user_browser_locale } from './Migration20261127144537_user_browser_locale';
import { Migration20261127110728_collab_messages } from './Migration20261127110728_collab_messages';
import { Migration20261127111804_sales } from './Migration20261127111804_sales';
import { Migration20261127095355_list_indexes } from './Migration20261127095355_list_indexes';
import { Migration20261127093037_files } from './Migration20261127093037_files';
import { Migration20261127092506_views } from './Migration20261127092506_views';
import { Migration20261127083417_foundation } from './Migration20261127083417_foundation';
import { Migration20261127091753_records } from './Migration20261127091753_records';

// Every migration, in order. `npm run db:migration:create` writes a new file; add it here.
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127083417_foundation', class: Migration20261127083417_foundation },
  { name: 'Migration20261127091753_records', class: Migration20261127091753_records },
  { name: 'Migration20261127092506_views', class: Migration20261127092506_views },
  { name: 'Migration20261127093037_files', class: Migration20261127093037_files },
  { name: 'Migration20261127095355_list_indexes', class: Migration20261127095355_list_indexes },
  { name: 'Migration20261127110728_collab_messages', class: Migration20261127110728_collab_messages },
  { name: 'Migration20261127111804_sales', class: Migration20261127111804_sales },
  { name: 'Migration20261127130852_sales_dashboard_indexes', class: Migration20261127130852_sales_dashboard_indexes },
  { name: 'Migration20261127144537_user_browser_locale', class: Migration20261127144537_user_browser_locale },
];
