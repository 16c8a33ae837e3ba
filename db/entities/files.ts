import { defineEntity } from '@mikro-orm/core';

/** Uploaded files (product pictures, attachments), kept in the database so every node serves them. */
export const StoredFile = defineEntity({
  name: 'StoredFile',
  tableName: 'stored_file',
  properties: (p) => ({
    id: p.uuid().primary(),
    name: p.string().length(255),
    type: p.string().length(100),
    size: p.integer(),
    data: p.blob().lazy(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime(),
  }),
});
