import { defineEntity, type InferEntity } from '@mikro-orm/core';

// Columns shared by every record of the engine: identity, audit stamps and custom fields.
export const recordColumns = (p: typeof defineEntity.properties) => ({
  id: p.uuid().primary(),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  createdBy: p.uuid().nullable(),
  custom: p.json<Record<string, unknown>>().default('{}'),
});

/** Newest-first lists page through this index instead of sorting the whole table (the engine's ORDER BY, exactly). */
export const newestFirstIndex = (table: string, column = 'created_at') => ({
  name: `${table}_${column}_newest`,
  expression: `create index "${table}_${column}_newest" on "${table}" ("${column}" desc nulls last, "id")`,
});

/** Substring search (Chinese included, plus pinyin) runs on a trigram index over search_text. */
export const trigramIndex = (table: string) => ({
  name: `${table}_search_trgm`,
  expression: `create index "${table}_search_trgm" on "${table}" using gin ("search_text" gin_trgm_ops)`,
});

export const Organisation = defineEntity({
  name: 'Organisation',
  tableName: 'organisation',
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200),
    parent: () => p.manyToOne(Organisation).nullable().deleteRule('restrict'),
    kind: p.string().length(32).default('subsidiary'),
    phone: p.string().length(64).nullable(),
    address: p.string().length(500).nullable(),
  }),
});

export const Department = defineEntity({
  name: 'Department',
  tableName: 'department',
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200),
    organisation: () => p.manyToOne(Organisation).deleteRule('restrict'),
    parent: () => p.manyToOne(Department).nullable().deleteRule('restrict'),
    kind: p.string().length(32).default('other'),
    manager: () => p.manyToOne(Employee).nullable().deleteRule('set null'),
  }),
});

export const Employee = defineEntity({
  name: 'Employee',
  tableName: 'employee',
  indexes: [trigramIndex('employee')],
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    department: () => p.manyToOne(Department).nullable().deleteRule('restrict').index(),
    gender: p.string().length(16).nullable(),
    birthday: p.date().nullable(),
    extension: p.string().length(32).nullable(),
    address: p.string().length(500).nullable(),
    email: p.string().length(254).nullable(),
    mobile: p.string().length(32).nullable(),
    imHandles: p.string().length(500).nullable(),
    category: p.string().length(32).default('fullTime'),
    active: p.boolean().default(true),
    searchText: p.text().default(''),
  }),
});

export type OrganisationEntity = InferEntity<typeof Organisation>;
export type DepartmentEntity = InferEntity<typeof Department>;
export type EmployeeEntity = InferEntity<typeof Employee>;
