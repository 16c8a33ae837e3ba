import { defineEntity } from '@mikro-orm/core';

/** Custom business types defined by administrators. */
export const ObjectDefinition = defineEntity({
  name: 'ObjectDefinition',
  tableName: 'object_definition',
  properties: (p) => ({
    name: p.string().length(64).primary(),
    definition: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

/** Custom fields of any object (built-in or custom). */
export const FieldDefinition = defineEntity({
  name: 'FieldDefinition',
  tableName: 'field_definition',
  uniques: [{ properties: ['object', 'name'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    object: p.string().length(64),
    name: p.string().length(64),
    definition: p.json<Record<string, unknown>>(),
    position: p.integer().default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

/** Per-object settings an administrator edits: the card layout. */
export const ObjectLayout = defineEntity({
  name: 'ObjectLayout',
  tableName: 'object_layout',
  properties: (p) => ({
    object: p.string().length(64).primary(),
    layout: p.json<Record<string, unknown>>(),
    updatedAt: p.datetime(),
  }),
});

/** Every change of a tracked field: old, new, who, when, through which channel. */
export const FieldHistory = defineEntity({
  name: 'FieldHistory',
  tableName: 'field_history',
  indexes: [{ properties: ['object', 'recordId', 'at'] }],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    object: p.string().length(64),
    recordId: p.uuid(),
    field: p.string().length(64),
    oldValue: p.json<unknown>().nullable(),
    newValue: p.json<unknown>().nullable(),
    userId: p.uuid().nullable(),
    channel: p.string().length(16),
    at: p.datetime(),
  }),
});
