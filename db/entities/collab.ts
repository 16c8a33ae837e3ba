import { defineEntity } from '@mikro-orm/core';

/**
 * The stored state of one co-edited card (`<object>:<id>`): a compacted snapshot plus the
 * updates appended since (collab_update). `writtenBackId` is the last update whose merged
 * values reached the record's columns, so a restart finishes what a killed node left.
 */
export const CollabDoc = defineEntity({
  name: 'CollabDoc',
  tableName: 'collab_doc',
  properties: (p) => ({
    name: p.string().length(120).primary(),
    object: p.string().length(64),
    recordId: p.uuid().index(),
    snapshot: p.blob().nullable(),
    writtenBackId: p.bigint().default(0),
    updatedAt: p.datetime(),
  }),
});

/** Yjs updates appended as they arrive (batched), until compaction folds them into the snapshot. */
export const CollabUpdate = defineEntity({
  name: 'CollabUpdate',
  tableName: 'collab_update',
  indexes: [{ properties: ['docName', 'id'] }],
  properties: (p) => ({
    id: p.bigint().primary().autoincrement(),
    docName: p.string().length(120),
    data: p.blob(),
    /** Who sent it (null for server-made updates: REST diffs, compensations). */
    userId: p.uuid().nullable(),
    createdAt: p.datetime(),
  }),
});
