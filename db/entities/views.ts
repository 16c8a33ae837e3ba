import { defineEntity } from '@mikro-orm/core';
import { User } from './accounts';

/** A saved list view (columns, sort, grouping, filter) or a query favourite (a named filter), personal or shared. */
export const SavedView = defineEntity({
  name: 'SavedView',
  tableName: 'saved_view',
  indexes: [{ properties: ['object', 'owner'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    object: p.string().length(64),
    kind: p.string().length(16),
    name: p.string().length(100),
    shared: p.boolean().default(false),
    owner: () => p.manyToOne(User).deleteRule('cascade'),
    config: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

/** A user's named folder of records (customers, contacts, …). */
export const Folder = defineEntity({
  name: 'Folder',
  tableName: 'folder',
  indexes: [{ properties: ['owner', 'object'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    object: p.string().length(64),
    name: p.string().length(100),
    owner: () => p.manyToOne(User).deleteRule('cascade'),
    createdAt: p.datetime(),
  }),
});

export const FolderItem = defineEntity({
  name: 'FolderItem',
  tableName: 'folder_item',
  properties: (p) => ({
    folder: () => p.manyToOne(Folder).primary().deleteRule('cascade'),
    recordId: p.uuid().primary(),
    addedAt: p.datetime(),
  }),
});
