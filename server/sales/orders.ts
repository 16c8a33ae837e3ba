import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';
import type { Principal } from '../auth/principal';
import { AppError, invalid, type FieldError } from '../errors';
import { writeOperationLog } from '../logs/service';
import { fetchPage, findRecord, levelFor, lockRecord, scopeCondition, type RecordDto } from '../records/query';
import { createRecord, deleteRecord, registerWriteHook, requireObject, updateRecord, type WriteContext } from '../records/service';
import { todayInZone } from '../time';
import { asRule, fieldError, isRuleWrite, linePrincipal } from './access';
import { fromCents, toCents } from './money';
import type { SalesOrderStatus } from './objects';

export const MAX_LINES = 500;
/** Orders in these states are sales: they carry a receivable and their lines are purchases. */
export const BILLABLE: SalesOrderStatus[] = ['confirmed', 'shipped', 'completed'];
// numeric(18,2) holds less than 10^16: refuse larger amounts as input errors instead of overflowing.
const MAX_AMOUNT_CENTS = 10n ** 18n;

export type OrderAction = 'confirm' | 'ship' | 'complete' | 'cancel';
/** The allowed status changes, one action each. */
export const transitions: Record<OrderAction, { from: SalesOrderStatus[]; to: SalesOrderStatus }> = {
  confirm: { from: ['draft'], to: 'confirmed' },
  ship: { from: ['confirmed'], to: 'shipped' },
  complete: { from: ['confirmed', 'shipped'], to: 'completed' },
  cancel: { from: ['draft', 'confirmed', 'shipped'], to: 'cancelled' },
};

const rule = (ctx: WriteContext): WriteContext => ({ ...ctx, principal: asRule(ctx.principal) });

// Orders whose total is recomputed once after a batch of line writes rather than after each
// line, keyed by the principal object that batch writes with (made for that batch alone, so no
// other request's line writes are ever skipped). The batch writer has checked that the order is
// a draft the user may edit, and holds its row lock.
const deferredTotals = new WeakMap<Principal, Map<string, OrderRow>>();

type OrderRow = { status: SalesOrderStatus; owner_id: string | null; department_id: string | null; customer_id: string; currency: string; total: string; contract_id: string | null; date: string | null };

async function orderRow(em: EntityManager, id: string, lock = ''): Promise<OrderRow | undefined> {
  const [row] = await query<OrderRow>(
    em,
    `select status, owner_id, department_id, customer_id, currency, total::text as total, contract_id, date::text as date from sales_order where id = ? ${lock}`,
    [id],
  );
  return row;
}

/** Recomputes the order total as the exact sum of its line amounts (PostgreSQL numeric). */
async function refreshTotal(ctx: WriteContext, orderId: string): Promise<void> {
  const [row] = await query<{ total: string; current: string | null }>(
    ctx.em,
    `select coalesce((select sum(amount) from sales_order_line where sales_order_id = ?), 0)::text as total, (select total::text from sales_order where id = ?) as current`,
    [orderId, orderId],
  );
  if (row.current == null || toCents(row.total) === toCents(row.current)) return;
  if (toCents(row.total) >= MAX_AMOUNT_CENTS) fieldError('amount', 'too_big', { reason: 'orderTotal' }, 'The order total would be too large.');
  await updateRecord(rule(ctx), 'salesOrder', orderId, { total: row.total }, { derived: ['total'] });
}

/** The line values its amount is worked out from. */
const AMOUNT_INPUTS = ['productId', 'unitId', 'quantity', 'unitPrice', 'discount', 'amount'] as const;

type LineCalc = {
  nonpositive: boolean;
  too_precise: boolean;
  huge: boolean;
  discount_low: boolean;
  discount_high: boolean;
  discount_precise: boolean;
  price_negative: boolean;
  product_active: boolean;
  price: string | null;
  unit_id: string | null;
  amount: string | null;
};

/**
 * A line's derived values: unit price defaults to the product's list price, unit to the
 * product's unit, amount = quantity × price × (1 − discount / 100) rounded to the cent in
 * PostgreSQL numeric; the owner and department are the order's (so the order's permission
 * scope covers its lines), and the customer is the order's once the order is a sale. The order
 * total follows. People may change lines only while the order is a draft and they may edit it.
 */
async function onLineWritten(ctx: WriteContext, line: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) {
  const orderId = line.salesOrderId as string;
  // A rule moving a line's owner, department or customer along with its order (which it holds
  // locked) leaves the amounts and the total as they are.
  if (action === 'update' && before && isRuleWrite(ctx.principal) && AMOUNT_INPUTS.every((k) => before[k] === line[k])) return;
  const batched = ctx.principal ? deferredTotals.get(ctx.principal)?.get(orderId) : undefined;
  // Locked before its status is read: a confirmation running meanwhile cannot miss this line.
  const order = batched ?? (await orderRow(ctx.em, orderId, 'for update'));
  if (!isRuleWrite(ctx.principal) && !batched) {
    if (before && before.salesOrderId !== line.salesOrderId) fieldError('salesOrderId', 'protected_field', undefined, 'A line cannot move to another order.');
    if (order && order.status !== 'draft') fieldError('salesOrderId', 'protected_field', { status: order.status }, 'Lines can change only while the order is a draft.');
    const def = requireObject('salesOrder');
    if (order && !(await findRecord(ctx.em, def, ctx.principal, orderId, levelFor(ctx.principal, def, 'edit')))) throw new AppError('forbidden');
  }
  if (action !== 'delete') {
    const [calc] = await query<LineCalc>(
      ctx.em,
      `select l.quantity <= 0 as nonpositive, scale(l.quantity) > 4 as too_precise, l.quantity >= 1000000000000 as huge,
              l.discount < 0 as discount_low, l.discount > 100 as discount_high, scale(l.discount) > 4 as discount_precise,
              l.unit_price < 0 as price_negative, p.active as product_active,
              coalesce(l.unit_price, p.list_price)::text as price, coalesce(l.unit_id, p.unit_id) as unit_id,
              round(l.quantity * coalesce(l.unit_price, p.list_price) * (1 - l.discount / 100), 2)::text as amount
         from sales_order_line l join product p on p.id = l.product_id where l.id = ?`,
      [line.id],
    );
    const errors: FieldError[] = [];
    if (calc.nonpositive) errors.push({ field: 'quantity', code: 'too_small', params: { min: 0, inclusive: false } });
    else if (calc.huge) errors.push({ field: 'quantity', code: 'too_big', params: { max: 1e12 } });
    else if (calc.too_precise) errors.push({ field: 'quantity', code: 'invalid_format', params: { maxDecimals: 4 } });
    if (calc.discount_low) errors.push({ field: 'discount', code: 'too_small', params: { min: 0 } });
    else if (calc.discount_high) errors.push({ field: 'discount', code: 'too_big', params: { max: 100 } });
    else if (calc.discount_precise) errors.push({ field: 'discount', code: 'invalid_format', params: { maxDecimals: 4 } });
    if (calc.price_negative) errors.push({ field: 'unitPrice', code: 'too_small', params: { min: 0 } });
    if (calc.price == null) errors.push({ field: 'unitPrice', code: 'required', params: { reason: 'noListPrice' } });
    // Products no longer on sale stay on old lines but go on no new ones.
    const productChosen = !before || before.productId !== line.productId;
    if (productChosen && !calc.product_active && !isRuleWrite(ctx.principal)) errors.push({ field: 'productId', code: 'invalid_option', params: { reason: 'inactive' } });
    if (errors.length) throw invalid(errors);
    if (toCents(calc.amount) >= MAX_AMOUNT_CENTS) fieldError('amount', 'too_big', undefined, 'The line amount would be too large.');
    const wanted: Record<string, unknown> = {
      unitPrice: calc.price,
      unitId: calc.unit_id,
      amount: calc.amount,
      ownerId: order?.owner_id ?? null,
      departmentId: order?.department_id ?? null,
      customerId: order && BILLABLE.includes(order.status) ? order.customer_id : null,
    };
    const diff = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => (k === 'unitPrice' || k === 'amount' ? toCents(line[k] ?? 0) !== toCents(v) || line[k] == null : (line[k] ?? null) !== v)));
    if (Object.keys(diff).length) await updateRecord(rule(ctx), 'salesOrderLine', line.id, diff, { derived: ['amount', 'ownerId', 'departmentId', 'customerId'] });
  }
  if (order && !batched) await refreshTotal(ctx, orderId);
}

/**
 * Orders are dated today unless given a date; a confirmed order keeps its customer, currency and
 * contract (its receivable and receipts depend on them); owner and department changes reach the lines and
 * the receivable so they stay in the same permission scope. Only drafts and cancelled orders
 * may be deleted.
 */
async function onOrderWritten(ctx: WriteContext, order: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) {
  if (action === 'delete') {
    if (!['draft', 'cancelled'].includes(order.status as string)) {
      throw new AppError('conflict', 'Only draft or cancelled orders can be deleted; cancel the order first.', { fields: [{ field: 'status', code: 'in_use' }] });
    }
    return;
  }
  if (action === 'create') {
    if (!order.date) await updateRecord(rule(ctx), 'salesOrder', order.id, { date: todayInZone() });
    return;
  }
  if (!before) return;
  if (order.status !== 'draft' && !isRuleWrite(ctx.principal)) {
    for (const f of ['customerId', 'currency', 'contractId'] as const) {
      if (before[f] !== order[f]) fieldError(f, 'protected_field', { status: order.status }, 'The customer, currency and contract of a confirmed order cannot change.');
    }
  }
  if (before.ownerId !== order.ownerId || before.departmentId !== order.departmentId) {
    const owner = { ownerId: order.ownerId ?? null, departmentId: order.departmentId ?? null };
    const derived = { derived: ['ownerId', 'departmentId'] };
    for (const { id } of await query<{ id: string }>(ctx.em, `select id from sales_order_line where sales_order_id = ?`, [order.id])) {
      await updateRecord(rule(ctx), 'salesOrderLine', id, owner, derived);
    }
    const [receivable] = await query<{ id: string }>(ctx.em, `select id from receivable where sales_order_id = ?`, [order.id]);
    if (receivable) await updateRecord(rule(ctx), 'receivable', receivable.id, owner, derived);
  }
}

export function registerOrderRules(): void {
  registerWriteHook('salesOrderLine', onLineWritten);
  registerWriteHook('salesOrder', onOrderWritten);
}

export type ReceivableSummary = { id: string; code: string; amount: string; received: string; balance: string; currency: string | null; status: string };
export type OrderDto = RecordDto & { lines: RecordDto[]; receivable: ReceivableSummary | null };

/** An order with its lines (as the reader may see them) and its receivable; null when unknown or not readable. */
export async function readOrder(em: EntityManager, principal: Principal | null, id: string): Promise<OrderDto | null> {
  const order = await findRecord(em, requireObject('salesOrder'), principal, id);
  if (!order) return null;
  const { items: lines } = await fetchPage(em, requireObject('salesOrderLine'), linePrincipal(principal), {
    filter: { field: 'salesOrderId', op: 'eq', value: id },
    sort: 'lineNo,createdAt',
    limit: MAX_LINES,
    offset: 0,
  });
  const [receivable] = await query<ReceivableSummary>(
    em,
    `select id, code, amount::text as amount, received::text as received, balance::text as balance, currency, status from receivable where sales_order_id = ?`,
    [id],
  );
  return { ...order, lines, receivable: receivable ?? null };
}

/** Splits `lines` off an order body: an array of objects, at most MAX_LINES. */
function splitLines(body: unknown): { header: Record<string, unknown>; lines: Record<string, unknown>[] | undefined } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fieldError('body', 'invalid_type');
  const { lines, ...header } = body as Record<string, unknown>;
  if (lines === undefined) return { header, lines: undefined };
  if (!Array.isArray(lines)) fieldError('lines', 'invalid_type');
  if (lines.length > MAX_LINES) fieldError('lines', 'too_big', { max: MAX_LINES });
  const errors = lines.flatMap((l, i) => (l === null || typeof l !== 'object' || Array.isArray(l) ? [{ field: `lines.${i}`, code: 'invalid_type' as const }] : []));
  if (errors.length) throw invalid(errors);
  return { header, lines: lines as Record<string, unknown>[] };
}

/** Runs a line write; its field errors come back named `lines.<i>.<field>`. */
async function asLine<T>(index: number, errors: FieldError[], write: () => Promise<T>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const fields = err instanceof AppError && err.code === 'validation_failed' ? err.details?.fields : undefined;
    if (!fields) throw err;
    errors.push(...fields.map((f) => ({ ...f, field: `lines.${index}.${f.field}` })));
  }
}

/**
 * Makes the order's lines what `inputs` says: entries with an `id` update that line, entries
 * without one add a line, lines left out are removed. Each line is written through the record
 * service (its own savepoint), so every bad line is reported before anything is kept.
 */
async function writeLines(ctx: WriteContext, orderId: string, inputs: Record<string, unknown>[], existing: string[]): Promise<void> {
  const order = (await orderRow(ctx.em, orderId))!;
  const principal = linePrincipal(ctx.principal);
  const batch = principal && !isRuleWrite(principal) ? { ...principal } : principal;
  if (batch && batch !== principal) deferredTotals.set(batch, new Map([[orderId, order]]));
  const lineCtx = { ...ctx, principal: batch };
  const known = new Set(existing);
  const kept = new Set<string>();
  const errors: FieldError[] = [];
  for (const [i, input] of inputs.entries()) {
    const { id, salesOrderId, ...values } = input;
    const protectedKeys = ['ownerId', 'departmentId'].filter((k) => k in values);
    if (salesOrderId !== undefined && salesOrderId !== orderId) protectedKeys.push('salesOrderId');
    if (protectedKeys.length) {
      errors.push(...protectedKeys.map((k) => ({ field: `lines.${i}.${k}`, code: 'protected_field' as const })));
      continue;
    }
    if (values.lineNo === undefined) values.lineNo = i + 1;
    if (id !== undefined) {
      if (typeof id !== 'string' || !known.has(id) || kept.has(id)) {
        errors.push({ field: `lines.${i}.id`, code: 'invalid_reference' });
        continue;
      }
      kept.add(id);
      const derived = await derivedLineValues(ctx.em, values, id);
      const options = { derived: 'amount' in derived ? ['amount'] : [] };
      await asLine(i, errors, () => updateRecord(lineCtx, 'salesOrderLine', id, { ...values, ...derived }, options));
    } else {
      const derived = await derivedLineValues(ctx.em, values, null);
      const create = { ...values, ...derived, salesOrderId: orderId, ownerId: order.owner_id, departmentId: order.department_id };
      const options = { derived: ['ownerId', 'departmentId', ...('amount' in derived ? ['amount'] : [])] };
      await asLine(i, errors, () => createRecord(lineCtx, 'salesOrderLine', create, options));
    }
  }
  if (errors.length) throw invalid(errors);
  for (const id of existing) if (!kept.has(id)) await deleteRecord(lineCtx, 'salesOrderLine', id);
  await refreshTotal(ctx, orderId);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isMoney = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d{1,16}(\.\d{1,2})?$/.test(v.trim()));

/**
 * The values the line rule would derive (list price, product unit, amount), worked out before
 * the write so the rule finds nothing left to change: one write per line instead of two. Input
 * that does not look right is left alone — validation then names it.
 */
async function derivedLineValues(em: EntityManager, input: Record<string, unknown>, id: string | null): Promise<Record<string, unknown>> {
  if ('amount' in input) return {};
  const [current] = id
    ? await query<{ product_id: string; unit_id: string | null; quantity: string; unit_price: string | null; discount: string }>(
        em,
        `select product_id, unit_id, quantity::text as quantity, unit_price::text as unit_price, discount::text as discount from sales_order_line where id = ?`,
        [id],
      )
    : [undefined];
  const pick = (key: string, fallback: unknown) => (key in input ? input[key] : fallback);
  const productId = pick('productId', current?.product_id);
  const unitId = pick('unitId', current?.unit_id ?? null);
  const quantity = pick('quantity', current?.quantity);
  const unitPrice = pick('unitPrice', current?.unit_price ?? null);
  const discount = pick('discount', current?.discount ?? 0);
  const numeric = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
  if (typeof productId !== 'string' || !UUID.test(productId) || (unitId !== null && (typeof unitId !== 'string' || !UUID.test(unitId)))) return {};
  if (!numeric(quantity) || !numeric(discount) || (unitPrice !== null && unitPrice !== '' && !isMoney(unitPrice))) return {};
  const [row] = await query<{ price: string | null; unit_id: string | null; amount: string | null; fits: boolean | null }>(
    em,
    `select coalesce(?::numeric, p.list_price)::text as price, coalesce(?::uuid, p.unit_id) as unit_id, a.amount::text as amount, abs(a.amount) < 10000000000000000 as fits
       from product p, lateral (select round(?::numeric * coalesce(?::numeric, p.list_price) * (1 - ?::numeric / 100), 2) as amount) a where p.id = ?`,
    [unitPrice === '' ? null : unitPrice, unitId, quantity, unitPrice === '' ? null : unitPrice, discount, productId],
  );
  if (!row) return {};
  const out: Record<string, unknown> = {};
  if ((unitPrice === null || unitPrice === '') && row.price != null) out.unitPrice = row.price;
  if (unitId === null && row.unit_id) out.unitId = row.unit_id;
  if (row.fits) out.amount = row.amount;
  return out;
}

/**
 * Runs a transaction again when PostgreSQL broke a deadlock by aborting it. Rare, but possible:
 * a line edited on its own locks the line and then its order, a whole-order edit the other way.
 */
async function retryingDeadlocks<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || (err as { code?: string }).code !== '40P01') throw err;
    }
  }
}

/** Creates an order with its lines in one transaction. */
export async function createOrder(ctx: WriteContext, body: unknown): Promise<OrderDto> {
  const { header, lines } = splitLines(body);
  return ctx.em.transactional(async (em) => {
    const c = { ...ctx, em };
    const order = await createRecord(c, 'salesOrder', header);
    if (lines?.length) await writeLines(c, order.id, lines, []);
    return (await readOrder(em, ctx.principal, order.id)) ?? { ...order, lines: [], receivable: null };
  });
}

/** Updates an order's header and, when `lines` is given, replaces its lines (drafts only). */
export async function updateOrder(ctx: WriteContext, id: string, body: unknown): Promise<OrderDto> {
  const { header, lines } = splitLines(body);
  return retryingDeadlocks(() => ctx.em.transactional(async (em) => {
    const c = { ...ctx, em };
    // Also checks the user may edit the order, and locks its row for the line writes below.
    const order = await updateRecord(c, 'salesOrder', id, header);
    if (lines) {
      const current = (await orderRow(em, id, 'for update'))!;
      if (current.status !== 'draft') fieldError('lines', 'protected_field', { status: current.status }, 'Lines can change only while the order is a draft.');
      const existing = await query<{ id: string }>(em, `select id from sales_order_line where sales_order_id = ?`, [id]);
      await writeLines(c, id, lines, existing.map((l) => l.id));
    }
    return (await readOrder(em, ctx.principal, id)) ?? { ...order, lines: [], receivable: null };
  }));
}

export type TransitionInput = { override?: boolean; reason?: string };

/** Whoever may set a customer's credit limit may also let an order exceed it. */
async function mayOverrideCredit(em: EntityManager, principal: Principal | null, customerId: string): Promise<boolean> {
  if (!principal) return true;
  const def = requireObject('customer');
  if (principal.permissions.customer?.deny.edit.includes('creditLimit')) return false;
  return Boolean(await findRecord(em, def, principal, customerId, levelFor(principal, def, 'edit')));
}

type CreditCheck = { limit: string; openReceivables: string; orderTotal: string; currency: string };

/**
 * The credit check of a confirmation: the customer's open receivables in the order's currency
 * plus this order must stay within its credit limit (no limit = no check). Amounts in other
 * currencies are not converted: the limit applies per currency. The customer row is locked so
 * two confirmations for one customer cannot both pass on the same headroom.
 */
async function creditCheck(em: EntityManager, order: OrderRow): Promise<CreditCheck | null> {
  const [customer] = await query<{ credit_limit: string | null }>(em, `select credit_limit::text as credit_limit from customer where id = ? for no key update`, [order.customer_id]);
  if (customer.credit_limit == null) return null;
  const [{ open }] = await query<{ open: string }>(
    em,
    `select coalesce(sum(balance), 0)::text as open from receivable where customer_id = ? and status = 'open' and currency = ?`,
    [order.customer_id, order.currency],
  );
  if (toCents(open) + toCents(order.total) <= toCents(customer.credit_limit)) return null;
  return { limit: customer.credit_limit, openReceivables: fromCents(toCents(open)), orderTotal: order.total, currency: order.currency };
}

/**
 * Whether the order's contract already carries the receivable (then the order is paid through it).
 * The contract row is locked so signing it at the same moment cannot bill the same sale twice.
 */
async function billedByContract(em: EntityManager, contractId: string | null): Promise<boolean> {
  if (!contractId) return false;
  await query(em, `select id from contract where id = ? for no key update`, [contractId]);
  const [hit] = await query(em, `select 1 from receivable where contract_id = ?`, [contractId]);
  return Boolean(hit);
}

/**
 * Moves an order along its life: confirm (credit check, then the receivable is created), ship,
 * complete, cancel (only while nothing was received; the receivable goes). The user needs edit
 * rights on the order; the status change is logged under their name.
 */
export async function transitionOrder(ctx: WriteContext, id: string, action: OrderAction, input: TransitionInput): Promise<OrderDto> {
  return retryingDeadlocks(() => ctx.em.transactional(async (em) => {
    const c = { ...ctx, em };
    const def = requireObject('salesOrder');
    // Lines and receipts wait for this lock, so the total and the status read here stay true.
    const locked = await lockRecord(em, def, ctx.principal, id, levelFor(ctx.principal, def, 'edit'));
    if (!locked?.readable) throw new AppError('not_found');
    if (!locked.permitted) throw new AppError('forbidden');
    const order = (await orderRow(em, id))!;
    const { from, to } = transitions[action];
    if (!from.includes(order.status)) fieldError('status', 'invalid_option', { status: order.status, action, allowedFrom: from }, `A ${order.status} order cannot be moved to ${to}.`);
    const values: Record<string, unknown> = { status: to };
    const [receivable] = await query<{ id: string; received: string }>(em, `select id, received::text as received from receivable where sales_order_id = ?`, [id]);
    if (action === 'confirm') {
      const [{ lines }] = await query<{ lines: string }>(em, `select count(*)::text as lines from sales_order_line where sales_order_id = ?`, [id]);
      if (Number(lines) === 0) fieldError('lines', 'required', undefined, 'An order needs at least one line to be confirmed.');
      const viaContract = await billedByContract(em, order.contract_id);
      const over = viaContract ? null : await creditCheck(em, order);
      if (over) {
        if (!input.override) {
          throw invalid(
            [{ field: 'creditLimit', code: 'too_big', params: over }],
            `Open receivables ${over.openReceivables} + this order ${over.orderTotal} ${over.currency} exceed the customer's credit limit ${over.limit}.`,
          );
        }
        if (!(await mayOverrideCredit(em, ctx.principal, order.customer_id))) {
          throw new AppError('forbidden', "Only users who may change the customer's credit limit may override it.", { fields: [{ field: 'override', code: 'protected_field' }] });
        }
        const reason = input.reason?.trim();
        if (!reason) fieldError('reason', 'required', undefined, 'Say why the credit limit is overridden.');
        values.creditOverrideReason = reason;
        await writeOperationLog(em, {
          userId: ctx.principal?.userId ?? null,
          object: 'salesOrder',
          recordId: id,
          action: 'update',
          changes: { creditOverride: { old: null, new: { ...over, reason } } },
          channel: ctx.channel,
        });
      }
      values.confirmedAt = new Date().toISOString();
      await updateRecord(rule(c), 'salesOrder', id, values, { derived: Object.keys(values) });
      if (!viaContract) {
        await createRecord(
          rule(c),
          'receivable',
          {
            customerId: order.customer_id,
            salesOrderId: id,
            date: order.date ?? todayInZone(),
            currency: order.currency,
            amount: order.total,
            received: '0',
            balance: order.total,
            status: toCents(order.total) === 0n ? 'settled' : 'open',
            ownerId: order.owner_id,
            departmentId: order.department_id,
          },
          { derived: ['customerId', 'salesOrderId', 'date', 'currency', 'amount', 'received', 'balance', 'status', 'ownerId', 'departmentId'] },
        );
      }
    } else {
      if (action === 'cancel' && receivable) {
        if (toCents(receivable.received) > 0n) fieldError('status', 'in_use', { received: receivable.received }, 'An order with receipts cannot be cancelled; delete the receipts first.');
        await deleteRecord(rule(c), 'receivable', receivable.id);
      }
      await updateRecord(rule(c), 'salesOrder', id, values, { derived: ['status'] });
    }
    // The lines are purchases of the customer while the order is a sale.
    const customerId = BILLABLE.includes(to) ? order.customer_id : null;
    const lines = await query<{ id: string }>(em, `select id from sales_order_line where sales_order_id = ? and customer_id is distinct from ?`, [id, customerId]);
    for (const line of lines) await updateRecord(rule(c), 'salesOrderLine', line.id, { customerId }, { derived: ['customerId'] });
    return (await readOrder(em, ctx.principal, id))!;
  }));
}

export type PurchasedLine = {
  lineId: string;
  orderId: string;
  orderCode: string;
  date: string | null;
  productId: string;
  productCode: string;
  productName: string;
  unit: string | null;
  quantity: number;
  unitPrice: string | null;
  amount: string | null;
  currency: string;
};
export type PurchasedProduct = { productId: string; productCode: string; productName: string; currency: string; quantity: number; amount: string | null; orders: number; lastDate: string | null };

/**
 * What a customer bought: the lines of its confirmed, shipped and completed orders that the
 * reader may see (newest first, at most 1,000), and per product and currency the quantity,
 * amount, number of orders and last date.
 */
export async function purchasedProducts(em: EntityManager, principal: Principal, customerId: string): Promise<{ lines: PurchasedLine[]; products: PurchasedProduct[] }> {
  if (!(await findRecord(em, requireObject('customer'), principal, customerId))) throw new AppError('not_found');
  const orderDef = requireObject('salesOrder');
  const scope = await scopeCondition(em, orderDef, principal, levelFor(principal, orderDef, 'read'), 'o');
  if (!scope) throw new AppError('forbidden');
  const denied = new Set(linePrincipal(principal)?.permissions.salesOrderLine?.deny.read ?? []);
  const base = `from sales_order_line l join sales_order o on o.id = l.sales_order_id join product p on p.id = l.product_id left join unit u on u.id = l.unit_id
     where o.customer_id = ? and o.status in (${BILLABLE.map(() => '?').join(', ')}) and ${scope.text}`;
  const bindings = [customerId, ...BILLABLE, ...scope.bindings];
  const rows = await query<Record<string, string | null>>(
    em,
    `select l.id, o.id as order_id, o.code as order_code, o.date::text as date, p.id as product_id, p.code as product_code, p.name as product_name,
            u.name as unit, l.quantity::text as quantity, l.unit_price::text as unit_price, l.amount::text as amount, o.currency
       ${base} order by o.date desc nulls last, o.code desc, l.line_no limit 1000`,
    bindings,
  );
  const products = await query<Record<string, string | null>>(
    em,
    `select p.id as product_id, p.code as product_code, p.name as product_name, o.currency, sum(l.quantity)::text as quantity, sum(l.amount)::text as amount,
            count(distinct o.id)::text as orders, max(o.date)::text as last_date
       ${base} group by p.id, p.code, p.name, o.currency order by max(o.date) desc nulls last, p.name`,
    bindings,
  );
  return {
    lines: rows.map((r) => ({
      lineId: r.id!,
      orderId: r.order_id!,
      orderCode: r.order_code!,
      date: r.date,
      productId: r.product_id!,
      productCode: r.product_code!,
      productName: r.product_name!,
      unit: r.unit,
      quantity: Number(r.quantity),
      unitPrice: denied.has('unitPrice') ? null : r.unit_price,
      amount: denied.has('amount') ? null : r.amount,
      currency: r.currency!,
    })),
    products: products.map((r) => ({
      productId: r.product_id!,
      productCode: r.product_code!,
      productName: r.product_name!,
      currency: r.currency!,
      quantity: Number(r.quantity),
      amount: denied.has('amount') ? null : r.amount,
      orders: Number(r.orders),
      lastDate: r.last_date,
    })),
  };
}
