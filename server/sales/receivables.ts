import type { EntityManager } from '@mikro-orm/postgresql';
import { query, runSql } from '../../db/sql';
import type { Principal } from '../auth/principal';
import { AppError } from '../errors';
import { findRecord, readableWhere, type RecordDto } from '../records/query';
import { createRecord, deleteRecord, registerWriteHook, requireObject, updateRecord, type WriteContext } from '../records/service';
import { todayInZone } from '../time';
import { asRule, fieldError, isRuleWrite } from './access';
import { fromCents, toCents } from './money';

type Source = { kind: 'salesOrder' | 'contract'; id: string; field: 'salesOrderId' | 'contractId' };
type ReceivableRow = {
  id: string;
  customer_id: string;
  currency: string;
  amount: string;
  received: string;
  balance: string;
  status: 'open' | 'settled' | 'cancelled';
  owner_id: string | null;
  department_id: string | null;
  date: string | null;
};

const tableOf = { salesOrder: 'sales_order', contract: 'contract' } as const;
const columnOf = { salesOrder: 'sales_order_id', contract: 'contract_id' } as const;
const rule = (ctx: WriteContext): WriteContext => ({ ...ctx, principal: asRule(ctx.principal) });

function sourceOf(record: RecordDto): Source | null {
  if (record.salesOrderId) return { kind: 'salesOrder', id: record.salesOrderId as string, field: 'salesOrderId' };
  if (record.contractId) return { kind: 'contract', id: record.contractId as string, field: 'contractId' };
  return null;
}

async function receivableOf(em: EntityManager, source: Pick<Source, 'kind' | 'id'>): Promise<ReceivableRow | undefined> {
  const [row] = await query<ReceivableRow>(
    em,
    `select id, customer_id, currency, amount::text as amount, received::text as received, balance::text as balance, status, owner_id, department_id, date::text as date
       from receivable where ${columnOf[source.kind]} = ?`,
    [source.id],
  );
  return row;
}

const statusFor = (balance: bigint, current: ReceivableRow['status']) => (current === 'cancelled' ? 'cancelled' : balance === 0n ? 'settled' : 'open');

/**
 * Re-adds the receipts of a source into its receivable. `receipt` is the receipt being written:
 * when the sum goes over the amount, it is that receipt's amount which is refused.
 */
async function recompute(ctx: WriteContext, source: Source, receipt: RecordDto | null): Promise<void> {
  const r = await receivableOf(ctx.em, source);
  if (!r) return;
  const [{ received }] = await query<{ received: string }>(ctx.em, `select coalesce(sum(amount), 0)::text as received from receipt where ${columnOf[source.kind]} = ?`, [source.id]);
  const over = toCents(received) - toCents(r.amount);
  if (over > 0n) {
    const max = receipt ? fromCents(toCents(receipt.amount) - over) : '0.00';
    fieldError('amount', 'too_big', { max, currency: r.currency }, `Only ${max} ${r.currency} is still receivable: the receipt would overpay.`);
  }
  const balance = toCents(r.amount) - toCents(received);
  await updateRecord(rule(ctx), 'receivable', r.id, { received, balance: fromCents(balance), status: statusFor(balance, r.status) }, { derived: ['received', 'balance', 'status'] });
}

/**
 * A receipt pays an order or a contract (exactly one) that has something receivable, of the same
 * customer and currency; the receipt takes the customer, currency, date and owner from it when
 * left empty. The receivable is re-added under a row lock on the order or contract, so two
 * receipts at once cannot both take the last of the balance: the second sees the first and is
 * refused as an overpayment.
 */
async function onReceiptWritten(ctx: WriteContext, receipt: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) {
  const source = action === 'delete' ? null : sourceOf(receipt);
  if (action !== 'delete') {
    if (receipt.salesOrderId && receipt.contractId) fieldError('contractId', 'invalid_reference', { reason: 'oneSource' }, 'A receipt pays an order or a contract, not both.');
    if (!source) fieldError('salesOrderId', 'required', undefined, 'Choose the order or the contract this receipt pays.');
    if (toCents(receipt.amount) <= 0n) fieldError('amount', 'too_small', { min: '0.01' });
  }
  const touched = new Map<string, Source>();
  for (const s of [before ? sourceOf(before) : null, source]) if (s) touched.set(`${s.kind}:${s.id}`, s);
  // Lock in a fixed order: two receipts moving between the same two orders cannot deadlock.
  // NO KEY UPDATE leaves other writers' foreign-key checks on the row alone.
  for (const key of [...touched.keys()].sort()) {
    const s = touched.get(key)!;
    await query(ctx.em, `select id from ${tableOf[s.kind]} where id = ? for no key update`, [s.id]);
  }
  if (source) {
    const r = await receivableOf(ctx.em, source);
    const what = source.kind === 'salesOrder' ? 'order' : 'contract';
    if (!r || r.status === 'cancelled') {
      const hint = source.kind === 'salesOrder' ? 'confirm the order first, or pay its contract' : 'sign the contract with an amount first';
      fieldError(source.field, 'invalid_reference', { reason: 'nothingReceivable' }, `Nothing is receivable on this ${what}: ${hint}.`);
    }
    if (receipt.customerId && receipt.customerId !== r.customer_id) fieldError(source.field, 'invalid_reference', { reason: 'otherCustomer' }, `The ${what} belongs to another customer.`);
    if (receipt.currency && receipt.currency !== r.currency) fieldError('currency', 'invalid_option', { expected: r.currency }, `The ${what} is in ${r.currency}.`);
    const fill: Record<string, unknown> = {};
    if (!receipt.customerId) fill.customerId = r.customer_id;
    if (!receipt.currency) fill.currency = r.currency;
    if (!receipt.date) fill.date = todayInZone();
    if (!receipt.ownerId && !receipt.departmentId) Object.assign(fill, { ownerId: r.owner_id, departmentId: r.department_id });
    if (Object.values(fill).some((v) => v != null)) await updateRecord(rule(ctx), 'receipt', receipt.id, fill);
  }
  for (const s of touched.values()) {
    const isThis = source && s.kind === source.kind && s.id === source.id;
    await recompute(ctx, s, isThis ? receipt : null);
  }
}

/** Receivables are made and kept by the sales rules; people may only set the due date and a note. */
async function onReceivableWritten(ctx: WriteContext, _r: RecordDto, action: 'create' | 'update' | 'delete') {
  if (action !== 'update' && !isRuleWrite(ctx.principal)) {
    throw new AppError('forbidden', 'Receivables come from confirmed orders and signed contracts; they are not created or deleted by hand.');
  }
}

const EFFECTIVE = ['signed', 'executing', 'completed'];

/**
 * A contract signed (or in progress, or completed) with an amount carries a receivable — unless
 * orders under it already carry their own (then those are paid instead). Its amount, customer
 * and currency follow the contract; once money was received the customer and currency stay and
 * the amount cannot drop below what was received, and the contract cannot go back to draft or
 * be terminated.
 */
async function onContractWritten(ctx: WriteContext, contract: RecordDto, action: 'create' | 'update' | 'delete') {
  if (action === 'delete') return;
  if (contract.amount != null && toCents(contract.amount) < 0n) fieldError('amount', 'too_small', { min: 0 });
  if (contract.startDate && contract.endDate && (contract.endDate as string) < (contract.startDate as string)) fieldError('endDate', 'too_small', { min: contract.startDate });
  const r = await receivableOf(ctx.em, { kind: 'contract', id: contract.id });
  const effective = EFFECTIVE.includes(contract.status as string) && contract.amount != null && toCents(contract.amount) > 0n;
  const received = r ? toCents(r.received) : 0n;
  if (!effective) {
    if (!r) return;
    if (received > 0n) {
      const field = EFFECTIVE.includes(contract.status as string) ? 'amount' : 'status';
      fieldError(field, 'in_use', { received: r.received }, 'Money was received on this contract: it stays signed with an amount.');
    }
    await deleteRecord(rule(ctx), 'receivable', r.id);
    return;
  }
  const values = {
    customerId: contract.customerId,
    currency: contract.currency,
    amount: contract.amount,
    date: contract.date ?? r?.date ?? todayInZone(),
    ownerId: contract.ownerId ?? null,
    departmentId: contract.departmentId ?? null,
  };
  const derived = { derived: ['customerId', 'contractId', 'currency', 'amount', 'date', 'ownerId', 'departmentId', 'received', 'balance', 'status'] };
  if (!r) {
    const [ordersBilled] = await query(ctx.em, `select 1 from receivable r join sales_order o on o.id = r.sales_order_id where o.contract_id = ?`, [contract.id]);
    if (ordersBilled) return;
    await createRecord(rule(ctx), 'receivable', { ...values, contractId: contract.id, received: '0', balance: contract.amount, status: 'open' }, derived);
    return;
  }
  if (received > 0n) {
    if (r.customer_id !== contract.customerId) fieldError('customerId', 'protected_field', { reason: 'hasReceipts' }, 'Money was received from this customer on the contract.');
    if (r.currency !== contract.currency) fieldError('currency', 'protected_field', { reason: 'hasReceipts' }, 'Money was received in this currency on the contract.');
  }
  if (toCents(contract.amount) < received) fieldError('amount', 'too_small', { min: r.received }, `${r.received} ${r.currency} was already received on this contract.`);
  const balance = toCents(contract.amount) - received;
  await updateRecord(rule(ctx), 'receivable', r.id, { ...values, balance: fromCents(balance), status: statusFor(balance, r.status) }, derived);
}

export function registerReceivableRules(): void {
  registerWriteHook('receipt', onReceiptWritten);
  registerWriteHook('receivable', onReceivableWritten);
  registerWriteHook('contract', onContractWritten);
}

export type ReceiptDefaults = {
  customerId: string;
  customerName: string | null;
  currency: string;
  amount: string;
  received: string;
  balance: string;
  receivableId: string;
  status: string;
};

/** What a new receipt against this order or contract gets: its customer, currency and the amount still receivable. */
export async function receiptDefaults(em: EntityManager, principal: Principal, source: { salesOrderId?: string; contractId?: string }): Promise<ReceiptDefaults> {
  const s: Source | null = source.salesOrderId
    ? { kind: 'salesOrder', id: source.salesOrderId, field: 'salesOrderId' }
    : source.contractId
      ? { kind: 'contract', id: source.contractId, field: 'contractId' }
      : null;
  if (!s) fieldError('salesOrderId', 'required');
  if (!(await findRecord(em, requireObject(s.kind), principal, s.id))) throw new AppError('not_found');
  const r = await receivableOf(em, s);
  if (!r || r.status === 'cancelled') fieldError(s.field, 'invalid_reference', { reason: 'nothingReceivable' }, `Nothing is receivable on this ${s.kind === 'salesOrder' ? 'order' : 'contract'}.`);
  const [customer] = await query<{ name: string }>(em, `select name from customer where id = ?`, [r.customer_id]);
  return { customerId: r.customer_id, customerName: customer?.name ?? null, currency: r.currency, amount: r.amount, received: r.received, balance: r.balance, receivableId: r.id, status: r.status };
}

export type CurrencyBalance = { currency: string; receivables: number; amount: string; received: string; balance: string; open: number };

/** A customer's receivables per currency (those the reader may see, cancelled ones left out). */
export async function customerBalance(em: EntityManager, principal: Principal, customerId: string): Promise<CurrencyBalance[]> {
  if (!(await findRecord(em, requireObject('customer'), principal, customerId))) throw new AppError('not_found');
  const where = await readableWhere(em, requireObject('receivable'), principal, { filter: { field: 'customerId', op: 'eq', value: customerId } });
  const rows = await runSql<{ currency: string; receivables: string; amount: string; received: string; balance: string; open: string }>(em, {
    text: `select t.currency, count(*)::text as receivables, sum(t.amount)::text as amount, sum(t.received)::text as received, sum(t.balance)::text as balance,
                  count(*) filter (where t.status = 'open')::text as open
             from receivable t where ${where.text} and t.status <> 'cancelled' group by t.currency order by t.currency`,
    bindings: where.bindings,
  });
  return rows.map((r) => ({ currency: r.currency, receivables: Number(r.receivables), amount: r.amount, received: r.received, balance: r.balance, open: Number(r.open) }));
}
