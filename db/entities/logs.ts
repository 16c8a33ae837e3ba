import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const LoginLog = defineEntity({
  name: 'LoginLog',
  tableName: 'login_log',
  indexes: [{ properties: ['login', 'at'] }, { properties: ['ip', 'at'] }, { properties: ['at'] }],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    at: p.datetime(),
    login: p.string().length(64),
    userId: p.uuid().nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(500).nullable(),
    success: p.boolean(),
    reason: p.string().length(32),
  }),
});

export const OperationLog = defineEntity({
  name: 'OperationLog',
  tableName: 'operation_log',
  indexes: [{ properties: ['object', 'recordId'] }, { properties: ['at'] }, { properties: ['userId', 'at'] }],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    at: p.datetime(),
    userId: p.uuid().nullable(),
    object: p.string().length(64),
    recordId: p.string().length(64),
    action: p.string().length(16),
    changes: p.json<Record<string, { old: unknown; new: unknown }>>().default('{}'),
    channel: p.string().length(16).default('api'),
  }),
});

export type LoginLogEntity = InferEntity<typeof LoginLog>;
export type OperationLogEntity = InferEntity<typeof OperationLog>;

/** Per-object counters behind auto-numbered codes (E0001, D001, …). */
export const RecordCounter = defineEntity({
  name: 'RecordCounter',
  tableName: 'record_counter',
  properties: (p) => ({
    object: p.string().length(64).primary(),
    value: p.integer(),
  }),
});
