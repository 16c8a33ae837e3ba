import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Employee } from './org';

export type Level = 'all' | 'department' | 'own' | 'none';
export type Action = 'create' | 'read' | 'edit' | 'delete' | 'export';
export type ObjectGrant = Partial<Record<Action, Level>> & { deny?: { read?: string[]; edit?: string[] } };
export type GroupPermissions = Record<string, ObjectGrant>;

export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: (p) => ({
    id: p.uuid().primary(),
    login: p.string().length(64).unique(),
    passwordHash: p.string().length(255).hidden(),
    employee: () => p.manyToOne(Employee).nullable().unique().deleteRule('set null'),
    active: p.boolean().default(true),
    locale: p.string().length(8).nullable(),
    /** The browser's language at the last sign-in or request: server texts use it while `locale` is unset. */
    browserLocale: p.string().length(8).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    lastLoginAt: p.datetime().nullable(),
    passwordChangedAt: p.datetime().nullable(),
    groups: () => p.manyToMany(Group).pivotTable('user_group').owner(),
  }),
});

export const Group = defineEntity({
  name: 'Group',
  tableName: 'app_group',
  properties: (p) => ({
    id: p.uuid().primary(),
    name: p.string().length(100).unique(),
    description: p.string().length(500).default(''),
    builtin: p.string().length(32).nullable().unique(),
    permissions: p.json<GroupPermissions>().default('{}'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    members: () => p.manyToMany(User).mappedBy('groups'),
  }),
});

export const Session = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: (p) => ({
    /** sha256 of the cookie token: a leaked table cannot be replayed. */
    id: p.string().length(64).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    expiresAt: p.datetime(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(500).nullable(),
  }),
});

export type UserEntity = InferEntity<typeof User>;
export type GroupEntity = InferEntity<typeof Group>;
export type SessionEntity = InferEntity<typeof Session>;
