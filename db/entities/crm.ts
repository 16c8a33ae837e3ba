import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Department, Employee, newestFirstIndex, recordColumns, trigramIndex } from './org';

// Who a record belongs to, for department / own permission levels.
const ownership = (p: typeof defineEntity.properties) => ({
  owner: () => p.manyToOne(Employee).nullable().deleteRule('set null').index(),
  department: () => p.manyToOne(Department).nullable().deleteRule('set null').index(),
});

export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  indexes: [trigramIndex('customer'), newestFirstIndex('customer'), { properties: ['grade', 'industry'] }],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200).index(),
    shortName: p.string().length(100).nullable(),
    phone: p.string().length(64).nullable(),
    fax: p.string().length(64).nullable(),
    address: p.string().length(500).nullable(),
    postcode: p.string().length(16).nullable(),
    website: p.string().length(300).nullable(),
    legalRepresentative: p.string().length(100).nullable(),
    industry: p.string().length(32).nullable(),
    source: p.string().length(32).nullable(),
    grade: p.string().length(16).nullable(),
    creditLimit: p.decimal().precision(18).scale(2).nullable(),
    annualRevenue: p.decimal().precision(18).scale(2).nullable(),
    tags: p.json<string[]>().default('[]'),
    notes: p.text().nullable(),
    searchText: p.text().default(''),
  }),
});

export const CustomerDepartment = defineEntity({
  name: 'CustomerDepartment',
  tableName: 'customer_department',
  properties: (p) => ({
    ...recordColumns(p),
    customer: () => p.manyToOne(Customer).deleteRule('cascade').index(),
    parent: () => p.manyToOne(CustomerDepartment).nullable().deleteRule('restrict'),
    name: p.string().length(200),
  }),
});

export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contact',
  indexes: [trigramIndex('contact'), newestFirstIndex('contact')],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    name: p.string().length(100).index(),
    gender: p.string().length(16).nullable(),
    phone: p.string().length(64).nullable(),
    extension: p.string().length(32).nullable(),
    mobile: p.string().length(32).nullable(),
    email: p.string().length(254).nullable(),
    imHandles: p.string().length(500).nullable(),
    birthday: p.date().nullable(),
    title: p.string().length(100).nullable(),
    role: p.string().length(100).nullable(),
    notes: p.text().nullable(),
    /** The customer of the current employment (kept in step with contact_employment). */
    customer: () => p.manyToOne(Customer).nullable().deleteRule('set null').index(),
    searchText: p.text().default(''),
  }),
});

export const ContactEmployment = defineEntity({
  name: 'ContactEmployment',
  tableName: 'contact_employment',
  properties: (p) => ({
    ...recordColumns(p),
    contact: () => p.manyToOne(Contact).deleteRule('cascade').index(),
    customer: () => p.manyToOne(Customer).deleteRule('cascade').index(),
    customerDepartment: () => p.manyToOne(CustomerDepartment).nullable().deleteRule('set null'),
    title: p.string().length(100).nullable(),
    fromDate: p.date().nullable(),
    toDate: p.date().nullable(),
    current: p.boolean().default(true),
  }),
});

export const Activity = defineEntity({
  name: 'Activity',
  tableName: 'activity',
  indexes: [newestFirstIndex('activity', 'at'), { properties: ['customer', 'at'] }],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    type: p.string().length(32),
    at: p.datetime().index(),
    subject: p.string().length(200),
    content: p.text().nullable(),
    outcome: p.string().length(500).nullable(),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('cascade').index(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(),
  }),
});

export const Unit = defineEntity({
  name: 'Unit',
  tableName: 'unit',
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(100),
  }),
});

export const Product = defineEntity({
  name: 'Product',
  tableName: 'product',
  indexes: [trigramIndex('product')],
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200).index(),
    unit: () => p.manyToOne(Unit).nullable().deleteRule('restrict'),
    specification: p.string().length(200).nullable(),
    listPrice: p.decimal().precision(18).scale(2).nullable(),
    pictures: p.json<unknown[]>().default('[]'),
    active: p.boolean().default(true),
    searchText: p.text().default(''),
  }),
});

export const ExpenseCategory = defineEntity({
  name: 'ExpenseCategory',
  tableName: 'expense_category',
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    parent: () => p.manyToOne(ExpenseCategory).nullable().deleteRule('restrict'),
  }),
});

/** Records of every custom business type share this table; `object` names the type, `data` holds its fields. */
export const CustomRecord = defineEntity({
  name: 'CustomRecord',
  tableName: 'custom_record',
  indexes: [trigramIndex('custom_record'), newestFirstIndex('custom_record'), { properties: ['object', 'createdAt'] }],
  uniques: [{ properties: ['object', 'code'] }],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    object: p.string().length(64),
    code: p.string().length(32),
    name: p.string().length(200),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('set null').index(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(),
    data: p.json<Record<string, unknown>>().default('{}'),
    searchText: p.text().default(''),
  }),
});

export const Expense = defineEntity({
  name: 'Expense',
  tableName: 'expense',
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    category: () => p.manyToOne(ExpenseCategory).deleteRule('restrict'),
    amount: p.decimal().precision(18).scale(2),
    currency: p.string().length(3).default('CNY'),
    date: p.date(),
    note: p.string().length(500).nullable(),
    /** The custom business record the expense belongs to. */
    record: () => p.manyToOne(CustomRecord).nullable().deleteRule('cascade').index(),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('set null').index(),
  }),
});

export type CustomerEntity = InferEntity<typeof Customer>;
