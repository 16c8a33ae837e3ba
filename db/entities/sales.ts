import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Department, Employee, newestFirstIndex, recordColumns, trigramIndex } from './org';
import { Contact, Customer, Product, Unit } from './crm';

// Who a record belongs to, for department / own permission levels.
const ownership = (p: typeof defineEntity.properties) => ({
  owner: () => p.manyToOne(Employee).nullable().deleteRule('set null').index(),
  department: () => p.manyToOne(Department).nullable().deleteRule('set null').index(),
});

// Money is exact cents. Quantities, percentages and sort keys are unbounded numerics: any number
// the API accepts fits (no overflow error mid-write), and the sales rules check ranges and places.
/** An index written out in SQL (covering INCLUDE columns, partial WHERE) that the dashboard figures read. */
const sqlIndex = (name: string, sql: string) => ({ name, expression: `create index "${name}" on ${sql}` });
const CONFIRMED = `where status in ('confirmed','shipped','completed')`;

const money = (p: typeof defineEntity.properties) => p.decimal().precision(18).scale(2);
const exact = (p: typeof defineEntity.properties) => p.decimal().columnType('numeric');

/** The pipeline's stages, ordered by sort_order; retired stages stay on the records that hold them. */
export const SalesStage = defineEntity({
  name: 'SalesStage',
  tableName: 'sales_stage',
  properties: (p) => ({
    ...recordColumns(p),
    code: p.string().length(32).nullable().unique(),
    name: p.string().length(100),
    nameEn: p.string().length(100).nullable(),
    sortOrder: exact(p).default(0),
    probability: exact(p).default(0),
    active: p.boolean().default(true),
  }),
});

export const Opportunity = defineEntity({
  name: 'Opportunity',
  tableName: 'opportunity',
  indexes: [
    trigramIndex('opportunity'),
    newestFirstIndex('opportunity'),
    { properties: ['stage', 'status'] },
    // The live sales dashboard's funnel.
    sqlIndex('opportunity_open_funnel', `"opportunity" ("currency", "owner_id") include ("stage_id", "amount", "probability", "department_id") where status = 'open'`),
  ],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200),
    customer: () => p.manyToOne(Customer).deleteRule('restrict').index(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null'),
    stage: () => p.manyToOne(SalesStage).deleteRule('restrict'),
    status: p.string().length(16).default('open'),
    amount: money(p).nullable(),
    currency: p.string().length(3).default('CNY'),
    expectedCloseDate: p.date().nullable(),
    probability: exact(p).nullable(),
    source: p.string().length(32).nullable(),
    competitor: p.string().length(200).nullable(),
    nextStep: p.string().length(500).nullable(),
    lostReason: p.string().length(500).nullable(),
    notes: p.text().nullable(),
    searchText: p.text().default(''),
  }),
});

export const SalesTask = defineEntity({
  name: 'SalesTask',
  tableName: 'sales_task',
  indexes: [newestFirstIndex('sales_task', 'planned_at'), { properties: ['owner', 'plannedAt'] }],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    type: p.string().length(16),
    subject: p.string().length(200),
    content: p.text().nullable(),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('restrict').index(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null'),
    phone: p.string().length(64).nullable(),
    opportunity: () => p.manyToOne(Opportunity).nullable().deleteRule('set null').index(),
    plannedAt: p.datetime(),
    doneAt: p.datetime().nullable(),
    goalReached: p.boolean().nullable(),
    cost: money(p).nullable(),
    currency: p.string().length(3).default('CNY'),
  }),
});

export const Contract = defineEntity({
  name: 'Contract',
  tableName: 'contract',
  indexes: [trigramIndex('contract'), newestFirstIndex('contract')],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    name: p.string().length(200).nullable(),
    customer: () => p.manyToOne(Customer).deleteRule('restrict').index(),
    opportunity: () => p.manyToOne(Opportunity).nullable().deleteRule('set null').index(),
    date: p.date().nullable(),
    signer: () => p.manyToOne(Employee).nullable().deleteRule('set null'),
    customerSigner: () => p.manyToOne(Contact).nullable().deleteRule('set null'),
    amount: money(p).nullable(),
    currency: p.string().length(3).default('CNY'),
    startDate: p.date().nullable(),
    endDate: p.date().nullable(),
    terms: p.text().nullable(),
    status: p.string().length(16).default('draft'),
    attachments: p.json<unknown[]>().default('[]'),
    searchText: p.text().default(''),
  }),
});

export const SalesOrder = defineEntity({
  name: 'SalesOrder',
  tableName: 'sales_order',
  indexes: [
    trigramIndex('sales_order'),
    newestFirstIndex('sales_order'),
    { properties: ['customer', 'date'] },
    { properties: ['date'] },
    // The live sales dashboard reads confirmed order headers only, from these (index-only scans).
    sqlIndex('sales_order_sales_by_date', `"sales_order" ("date") include ("currency", "total", "customer_id", "owner_id", "department_id") ${CONFIRMED}`),
    sqlIndex('sales_order_sales_by_currency_year', `"sales_order" ("currency", (extract(year from "date")), "customer_id") include ("total", "date", "owner_id", "department_id") ${CONFIRMED}`),
    sqlIndex('sales_order_sales_by_owner_date', `"sales_order" ("owner_id", "date") include ("currency", "total", "customer_id", "department_id") ${CONFIRMED}`),
  ],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    date: p.date().nullable(),
    customer: () => p.manyToOne(Customer).deleteRule('restrict'),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null'),
    contract: () => p.manyToOne(Contract).nullable().deleteRule('restrict').index(),
    opportunity: () => p.manyToOne(Opportunity).nullable().deleteRule('set null').index(),
    salesMethod: p.string().length(32).nullable(),
    currency: p.string().length(3).default('CNY'),
    status: p.string().length(16).default('draft'),
    requestedDeliveryDate: p.date().nullable(),
    total: money(p).default(0),
    confirmedAt: p.datetime().nullable(),
    creditOverrideReason: p.string().length(500).nullable(),
    notes: p.text().nullable(),
    searchText: p.text().default(''),
  }),
});

/**
 * Lines of an order. The foreign key to the order is checked at commit (deferred), so adding a
 * line takes no lock on the order before the total's update locks it: two people adding lines
 * to one order at once queue on that lock instead of deadlocking.
 */
export const SalesOrderLine = defineEntity({
  name: 'SalesOrderLine',
  tableName: 'sales_order_line',
  indexes: [{ properties: ['salesOrder', 'lineNo'] }],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    salesOrder: () => p.manyToOne(SalesOrder).deleteRule('cascade').deferMode('deferred'),
    lineNo: exact(p).default(0),
    product: () => p.manyToOne(Product).deleteRule('restrict').index(),
    unit: () => p.manyToOne(Unit).nullable().deleteRule('set null'),
    quantity: exact(p),
    unitPrice: money(p).nullable(),
    discount: exact(p).default(0),
    amount: money(p).default(0),
    requestedDeliveryDate: p.date().nullable(),
    note: p.string().length(500).nullable(),
    /** The order's customer, kept in step: purchased products and "customers who bought X" filters. */
    customer: () => p.manyToOne(Customer).nullable().deleteRule('restrict').index(),
  }),
});

/** What a customer owes for a confirmed order or a signed contract: amount − receipts. Written by the sales rules only. */
export const Receivable = defineEntity({
  name: 'Receivable',
  tableName: 'receivable',
  indexes: [
    newestFirstIndex('receivable'),
    { properties: ['customer', 'status'] },
    sqlIndex('receivable_outstanding', `"receivable" ("owner_id") include ("date", "currency", "balance", "department_id") where status = 'open' and balance > 0`),
  ],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('restrict'),
    salesOrder: () => p.manyToOne(SalesOrder).nullable().deleteRule('cascade').unique(),
    contract: () => p.manyToOne(Contract).nullable().deleteRule('cascade').unique(),
    date: p.date().nullable(),
    dueDate: p.date().nullable(),
    currency: p.string().length(3).nullable(),
    amount: money(p).default(0),
    received: money(p).default(0),
    balance: money(p).default(0),
    status: p.string().length(16).default('open'),
    note: p.string().length(500).nullable(),
  }),
});

/** Money received against an order or a contract. Deferred keys, as for order lines: the rules lock the order row first. */
export const Receipt = defineEntity({
  name: 'Receipt',
  tableName: 'receipt',
  indexes: [
    newestFirstIndex('receipt'),
    { properties: ['customer', 'date'] },
    sqlIndex('receipt_date_covering', `"receipt" ("date") include ("currency", "amount", "owner_id", "department_id")`),
    sqlIndex('receipt_owner_date', `"receipt" ("owner_id", "date") include ("currency", "amount", "department_id")`),
  ],
  properties: (p) => ({
    ...recordColumns(p),
    ...ownership(p),
    code: p.string().length(32).unique(),
    date: p.date().nullable(),
    customer: () => p.manyToOne(Customer).nullable().deleteRule('restrict'),
    salesOrder: () => p.manyToOne(SalesOrder).nullable().deleteRule('restrict').deferMode('deferred').index(),
    contract: () => p.manyToOne(Contract).nullable().deleteRule('restrict').deferMode('deferred').index(),
    amount: money(p),
    method: p.string().length(32).nullable(),
    currency: p.string().length(3).nullable(),
    note: p.string().length(500).nullable(),
  }),
});

export type SalesOrderEntity = InferEntity<typeof SalesOrder>;
