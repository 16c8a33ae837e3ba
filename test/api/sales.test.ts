import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';
import { todayInZone } from '../../server/time';

// Orders, lines, receivables, receipts and credit: the money side of the sales module.

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
});
afterAll(async () => t?.close());

const uid = () => randomBytes(4).toString('hex');
type Body = Record<string, any>;
const ok = <T = Body>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));

const customer = async (fields: Body = {}, c: Client = admin) => ok(await c.post('/records/customer', { name: `Cust ${uid()}`, ...fields }));
const product = async (fields: Body = {}) => ok(await admin.post('/records/product', { name: `Prod ${uid()}`, listPrice: '10.00', ...fields }));
const order = async (fields: Body, c: Client = admin) => ok(await c.post('/records/salesOrder', fields));
const confirm = async (id: string, body: Body = {}, c: Client = admin) => c.post(`/records/salesOrder/${id}/confirm`, body);
const receivable = async (orderId: string) => ok(await admin.get(`/records/salesOrder/${orderId}`), 200).receivable as Body | null;

/** Exact cents of a decimal string, to compute expectations without floats. */
const cents = (s: string) => {
  const [i, d = ''] = s.split('.');
  return BigInt(i) * 100n + BigInt(d.padEnd(2, '0').slice(0, 2));
};
const money = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

/** Row counts that a rejected write must leave untouched. */
async function snapshot() {
  const count = async (object: string) => ok(await admin.get(`/records/${object}?limit=1`), 200).total as number;
  return {
    orders: await count('salesOrder'),
    lines: await count('salesOrderLine'),
    receipts: await count('receipt'),
    receivables: await count('receivable'),
    ops: ok(await admin.get('/logs/operations?limit=1'), 200).total as number,
  };
}

describe('order lines and totals', () => {
  it('computes line amounts and the total exactly (0.1 × 3 lines is 0.30, not 0.30000000000000004)', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '0.10' });
    const dayBefore = todayInZone();
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }, { productId: p.id, quantity: 1 }, { productId: p.id, quantity: 1 }] });
    expect(0.1 + 0.1 + 0.1).not.toBe(0.3);
    expect(o.total).toBe('0.30');
    expect(o.lines.map((l: Body) => [l.lineNo, l.unitPrice, l.amount])).toEqual([
      [1, '0.10', '0.10'],
      [2, '0.10', '0.10'],
      [3, '0.10', '0.10'],
    ]);
    expect(o.status).toBe('draft');
    expect(o.code).toMatch(/^SO\d{6}$/);
    // Left out, the date is today in the company's time zone (either side of a midnight meanwhile).
    expect([dayBefore, todayInZone()]).toContain(o.date);
    // Fractional quantities and prices stay exact too.
    const o2 = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 0.1, unitPrice: '0.10' }, { productId: p.id, quantity: 0.2, unitPrice: '0.10' }] });
    expect(o2.lines.map((l: Body) => l.amount)).toEqual(['0.01', '0.02']);
    expect(o2.total).toBe('0.03');
  });

  it('sums many lines with discounts to the cent, each line rounded half up', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '19.99' });
    const lines = Array.from({ length: 60 }, (_, i) => ({ productId: p.id, quantity: (i % 7) + 1, discount: [0, 12.5, 33.3333, 5, 100, 0.5][i % 6], ...(i % 5 === 0 ? { unitPrice: '7.77' } : {}) }));
    const o = await order({ customerId: cust.id, currency: 'USD', lines });
    // Expected, in integer arithmetic: amount = round(q × price × (100 − d) / 100) with d to 4 places.
    let total = 0n;
    const expected = lines.map((l) => {
      const price = cents(l.unitPrice ?? '19.99');
      const d = BigInt(Math.round(l.discount * 10_000)); // discount × 10^4
      const num = BigInt(l.quantity) * price * (1_000_000n - d); // cents × 10^6
      const amount = (num + 500_000n) / 1_000_000n;
      total += amount;
      return money(amount);
    });
    expect(o.lines.map((l: Body) => l.amount)).toEqual(expected);
    expect(o.total).toBe(money(total));
    expect(o.currency).toBe('USD');
    // The list and the grouped sum agree with the card.
    const groups = ok(await admin.get(`/records/salesOrderLine/groups?measures=count,sum:amount&filter=${encodeURIComponent(JSON.stringify({ field: 'salesOrderId', op: 'eq', value: o.id }))}`), 200);
    expect(groups.totals.count).toBe(60);
    expect(money(cents(String(groups.totals.measures['sum:amount'])))).toBe(money(total));
  });

  it('takes the unit and list price of the product when left out, and refuses a product without a price', async () => {
    const unit = ok(await admin.post('/records/unit', { name: `箱 ${uid()}` }));
    const p = await product({ listPrice: '88.80', unitId: unit.id });
    const noPrice = await product({ listPrice: null });
    const cust = await customer();
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 2 }] });
    expect(o.lines[0]).toMatchObject({ unitId: unit.id, unitPrice: '88.80', amount: '177.60', _labels: { productId: p.name, unitId: unit.name } });
    const before = await snapshot();
    const res = await admin.post('/records/salesOrder', { customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }, { productId: noPrice.id, quantity: 1 }] });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'lines.1.unitPrice', code: 'required' }]);
    expect(await snapshot()).toEqual(before);
    // With a price given it is fine.
    expect((await order({ customerId: cust.id, lines: [{ productId: noPrice.id, quantity: 1, unitPrice: '5' }] })).total).toBe('5.00');
  });

  it('edits lines through PATCH: update by id, add without id, remove by leaving out; the total follows', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '3.00' });
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }, { productId: p.id, quantity: 2 }, { productId: p.id, quantity: 3 }] });
    expect(o.total).toBe('18.00');
    const [a, , c] = o.lines;
    const patched = ok(await admin.patch(`/records/salesOrder/${o.id}`, { notes: 'rush', lines: [{ id: a.id, quantity: 10 }, { id: c.id }, { productId: p.id, quantity: 0.5, unitPrice: '1.11' }] }), 200);
    expect(patched.notes).toBe('rush');
    expect(patched.lines.map((l: Body) => [l.id === a.id || l.id === c.id ? 'kept' : 'new', l.quantity, l.amount])).toEqual([
      ['kept', 10, '30.00'],
      ['kept', 3, '9.00'],
      ['new', 0.5, '0.56'],
    ]);
    expect(patched.total).toBe('39.56');
    // GET shows the same; the removed line is gone for good.
    const got = ok(await admin.get(`/records/salesOrder/${o.id}`), 200);
    expect(got.lines).toHaveLength(3);
    expect(got.total).toBe('39.56');
    // The header alone leaves the lines as they are.
    expect(ok(await admin.patch(`/records/salesOrder/${o.id}`, { notes: 'x' }), 200).lines).toHaveLength(3);
    // A line of another order cannot be claimed by id.
    const other = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    const res = await admin.patch(`/records/salesOrder/${o.id}`, { lines: [{ id: other.lines[0].id, quantity: 2 }] });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'lines.0.id', code: 'invalid_reference' }]);
    // Lines written directly keep the total in step as well.
    ok(await admin.patch(`/records/salesOrderLine/${a.id}`, { quantity: 1 }), 200);
    expect(ok(await admin.get(`/records/salesOrder/${o.id}`), 200).total).toBe('12.56');
    ok(await admin.del(`/records/salesOrderLine/${a.id}`), 200);
    expect(ok(await admin.get(`/records/salesOrder/${o.id}`), 200).total).toBe('9.56');
  });

  it('refuses bad lines with 400 naming each field, writing nothing', async () => {
    const cust = await customer();
    const p = await product();
    const retired = await product({ active: false });
    const before = await snapshot();
    const cases: [Body, { field: string; code: string }[]][] = [
      [{ lines: [{ productId: retired.id, quantity: 1 }] }, [{ field: 'lines.0.productId', code: 'invalid_option' }]],
      [{ lines: [{ productId: p.id, quantity: -1 }] }, [{ field: 'lines.0.quantity', code: 'too_small' }]],
      [{ lines: [{ productId: p.id, quantity: 0 }] }, [{ field: 'lines.0.quantity', code: 'too_small' }]],
      [{ lines: [{ productId: p.id, quantity: 1.00001 }] }, [{ field: 'lines.0.quantity', code: 'invalid_format' }]],
      [{ lines: [{ productId: p.id, quantity: 1e300 }] }, [{ field: 'lines.0.quantity', code: 'too_big' }]],
      [{ lines: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }] }, [{ field: 'lines.0.productId', code: 'invalid_reference' }]],
      [{ lines: [{ productId: 'nope', quantity: 1 }] }, [{ field: 'lines.0.productId', code: 'invalid_format' }]],
      [{ lines: [{ productId: p.id, quantity: '2' }] }, [{ field: 'lines.0.quantity', code: 'invalid_type' }]],
      [{ lines: [{ productId: p.id, quantity: 1, discount: 101 }] }, [{ field: 'lines.0.discount', code: 'too_big' }]],
      [{ lines: [{ productId: p.id, quantity: 1, unitPrice: '-1' }] }, [{ field: 'lines.0.unitPrice', code: 'too_small' }]],
      [{ lines: [{ productId: p.id, quantity: 1, unitPrice: '1.001' }] }, [{ field: 'lines.0.unitPrice', code: 'invalid_format' }]],
      [{ lines: [{ productId: p.id, quantity: 1, amount: '1.00' }] }, [{ field: 'lines.0.amount', code: 'protected_field' }]],
      [{ lines: [{ productId: p.id, quantity: 1, ownerId: null }] }, [{ field: 'lines.0.ownerId', code: 'protected_field' }]],
      [{ lines: [{ quantity: 1 }] }, [{ field: 'lines.0.productId', code: 'required' }]],
      [{ lines: [{ productId: p.id, quantity: 1 }, { productId: p.id, quantity: -2 }, { productId: p.id, quantity: 1, bogus: 1 }] }, [
        { field: 'lines.1.quantity', code: 'too_small' },
        { field: 'lines.2.bogus', code: 'unknown_field' },
      ]],
      [{ lines: 'many' }, [{ field: 'lines', code: 'invalid_type' }]],
      [{ lines: [5] }, [{ field: 'lines.0', code: 'invalid_type' }]],
      [{ total: '5.00', lines: [] }, [{ field: 'total', code: 'protected_field' }]],
      [{ status: 'confirmed' }, [{ field: 'status', code: 'protected_field' }]],
      [{ currency: 'XXX' }, [{ field: 'currency', code: 'invalid_option' }]],
    ];
    for (const [body, fields] of cases) {
      const res = await admin.post('/records/salesOrder', { customerId: cust.id, ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toEqual(fields);
    }
    expect(await snapshot()).toEqual(before);
    // The same rules hold for a line written on its own.
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    const res = await admin.patch(`/records/salesOrderLine/${o.lines[0].id}`, { quantity: -5 });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'quantity', code: 'too_small' }]);
    expect(ok(await admin.get(`/records/salesOrder/${o.id}`), 200).lines[0].quantity).toBe(1);
  });

  it('does not route /groups and /export of orders to the order card', async () => {
    expect(ok(await admin.get('/records/salesOrder/groups?measures=count'), 200).totals.count).toBeGreaterThan(0);
    const res = await admin.get('/records/salesOrder/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect((await admin.get('/records/salesOrder/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('order life', () => {
  it('moves draft → confirmed → shipped → completed, creating the receivable on confirm; other moves are refused', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '250.00' });
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 2 }] });
    // Nothing to receive before confirmation.
    expect(o.receivable).toBeNull();
    const shipDraft = await admin.post(`/records/salesOrder/${o.id}/ship`, {});
    expect(shipDraft.status).toBe(400);
    expect(fieldsOf(shipDraft)).toEqual([{ field: 'status', code: 'invalid_option' }]);
    const confirmed = ok(await confirm(o.id), 200);
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(String), creditOverrideReason: null });
    expect(confirmed.receivable).toMatchObject({ code: expect.stringMatching(/^AR\d{6}$/), amount: '500.00', received: '0.00', balance: '500.00', currency: 'CNY', status: 'open' });
    // Confirmed lines are the customer's purchases.
    expect(confirmed.lines[0].customerId).toBe(cust.id);
    expect((await confirm(o.id)).status).toBe(400);
    // A confirmed order's lines, customer and currency are fixed.
    const lines = await admin.patch(`/records/salesOrder/${o.id}`, { lines: [] });
    expect(fieldsOf(lines)).toEqual([{ field: 'lines', code: 'protected_field' }]);
    const line = await admin.patch(`/records/salesOrderLine/${o.lines[0].id}`, { quantity: 1 });
    expect(fieldsOf(line)).toEqual([{ field: 'salesOrderId', code: 'protected_field' }]);
    const moved = await admin.patch(`/records/salesOrder/${o.id}`, { customerId: (await customer()).id });
    expect(fieldsOf(moved)).toEqual([{ field: 'customerId', code: 'protected_field' }]);
    const currency = await admin.patch(`/records/salesOrder/${o.id}`, { currency: 'USD' });
    expect(fieldsOf(currency)).toEqual([{ field: 'currency', code: 'protected_field' }]);
    const contract = ok(await admin.post('/records/contract', { customerId: cust.id }));
    expect(fieldsOf(await admin.patch(`/records/salesOrder/${o.id}`, { contractId: contract.id }))).toEqual([{ field: 'contractId', code: 'protected_field' }]);
    // Other header fields stay editable.
    expect(ok(await admin.patch(`/records/salesOrder/${o.id}`, { requestedDeliveryDate: '2030-01-31' }), 200).requestedDeliveryDate).toBe('2030-01-31');
    expect(ok(await admin.post(`/records/salesOrder/${o.id}/ship`, {}), 200).status).toBe('shipped');
    expect(ok(await admin.post(`/records/salesOrder/${o.id}/complete`, {}), 200).status).toBe('completed');
    expect((await admin.post(`/records/salesOrder/${o.id}/cancel`, {})).status).toBe(400);
    expect((await admin.post(`/records/salesOrder/${o.id}/reopen`, {})).status).toBe(400);
    // The status changes are in the field history.
    const history = ok(await admin.get(`/records/salesOrder/${o.id}/history`), 200).items as Body[];
    expect(history.filter((h) => h.field === 'status').map((h) => h.new)).toEqual(['completed', 'shipped', 'confirmed', 'draft']);
    // Only drafts and cancelled orders may be deleted.
    const del = await admin.del(`/records/salesOrder/${o.id}`);
    expect(del.status).toBe(409);
  });

  it('needs a line to confirm; cancelling removes the receivable unless money came in', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '100.00' });
    const empty = await order({ customerId: cust.id });
    const res = await confirm(empty.id);
    expect(fieldsOf(res)).toEqual([{ field: 'lines', code: 'required' }]);
    // A draft can be cancelled and then deleted, lines and all.
    ok(await admin.post(`/records/salesOrder/${empty.id}/cancel`, {}), 200);
    ok(await admin.del(`/records/salesOrder/${empty.id}`), 200);

    const a = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    const receivableId = ok(await confirm(a.id), 200).receivable.id;
    const cancelled = ok(await admin.post(`/records/salesOrder/${a.id}/cancel`, {}), 200);
    expect(cancelled).toMatchObject({ status: 'cancelled', receivable: null });
    expect(cancelled.lines[0].customerId).toBeNull();
    expect((await admin.get(`/records/receivable/${receivableId}`)).status).toBe(404);

    const b = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    ok(await confirm(b.id), 200);
    ok(await admin.post('/records/receipt', { salesOrderId: b.id, amount: '10' }));
    const refused = await admin.post(`/records/salesOrder/${b.id}/cancel`, {});
    expect(fieldsOf(refused)).toEqual([{ field: 'status', code: 'in_use' }]);
    expect((await receivable(b.id))!.status).toBe('open');
  });

  it('keeps receivables to the sales rules', async () => {
    const cust = await customer();
    const p = await product();
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    const r = ok(await confirm(o.id), 200).receivable;
    const before = await snapshot();
    expect((await admin.post('/records/receivable', { note: 'by hand' })).status).toBe(403);
    expect(fieldsOf(await admin.patch(`/records/receivable/${r.id}`, { balance: '0' }))).toEqual([{ field: 'balance', code: 'protected_field' }]);
    expect((await admin.del(`/records/receivable/${r.id}`)).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // The due date and a note are for people.
    expect(ok(await admin.patch(`/records/receivable/${r.id}`, { dueDate: '2031-03-31', note: '月底付款' }), 200)).toMatchObject({ dueDate: '2031-03-31', balance: '10.00' });
  });
});

describe('receipts', () => {
  it('fills customer and currency from the order, tracks the balance, recomputes on change and delete', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '1000.00' });
    const o = await order({ customerId: cust.id, currency: 'USD', lines: [{ productId: p.id, quantity: 1 }] });
    ok(await confirm(o.id), 200);
    const defaults = ok(await admin.get(`/sales/receipt-defaults?salesOrderId=${o.id}`), 200);
    expect(defaults).toMatchObject({ customerId: cust.id, customerName: cust.name, currency: 'USD', balance: '1000.00' });
    const r1 = ok(await admin.post('/records/receipt', { salesOrderId: o.id, amount: '300.50', method: 'bankTransfer' }));
    expect(r1).toMatchObject({ customerId: cust.id, currency: 'USD', amount: '300.50', code: expect.stringMatching(/^RC\d{6}$/), date: expect.any(String) });
    expect(await receivable(o.id)).toMatchObject({ received: '300.50', balance: '699.50', status: 'open' });
    expect(ok(await admin.get(`/sales/receipt-defaults?salesOrderId=${o.id}`), 200).balance).toBe('699.50');
    const r2 = ok(await admin.post('/records/receipt', { salesOrderId: o.id, customerId: cust.id, currency: 'USD', amount: '699.50' }));
    expect(await receivable(o.id)).toMatchObject({ received: '1000.00', balance: '0.00', status: 'settled' });
    // Overpaying by a cent is refused, naming the amount and what is left.
    const over = await admin.post('/records/receipt', { salesOrderId: o.id, amount: '0.01' });
    expect(over.status).toBe(400);
    expect(over.body.error.details.fields).toEqual([{ field: 'amount', code: 'too_big', params: { max: '0.00', currency: 'USD' } }]);
    // Changing a receipt recomputes; so does deleting one.
    ok(await admin.patch(`/records/receipt/${r2.id}`, { amount: '99.50' }), 200);
    expect(await receivable(o.id)).toMatchObject({ received: '400.00', balance: '600.00', status: 'open' });
    const tooMuch = await admin.patch(`/records/receipt/${r2.id}`, { amount: '700' });
    expect(tooMuch.body.error.details.fields).toEqual([{ field: 'amount', code: 'too_big', params: { max: '699.50', currency: 'USD' } }]);
    ok(await admin.del(`/records/receipt/${r1.id}`), 200);
    expect(await receivable(o.id)).toMatchObject({ received: '99.50', balance: '900.50', status: 'open' });
  });

  it('refuses receipts for another customer, in another currency, for a draft or for nothing; nothing written', async () => {
    const cust = await customer();
    const other = await customer();
    const p = await product({ listPrice: '50.00' });
    const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    const draft = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
    ok(await confirm(o.id), 200);
    const before = await snapshot();
    const cases: [Body, { field: string; code: string }[]][] = [
      [{ salesOrderId: o.id, customerId: other.id, amount: '5' }, [{ field: 'salesOrderId', code: 'invalid_reference' }]],
      [{ salesOrderId: o.id, currency: 'EUR', amount: '5' }, [{ field: 'currency', code: 'invalid_option' }]],
      [{ salesOrderId: draft.id, amount: '5' }, [{ field: 'salesOrderId', code: 'invalid_reference' }]],
      [{ amount: '5', customerId: cust.id }, [{ field: 'salesOrderId', code: 'required' }]],
      [{ salesOrderId: o.id, amount: '0' }, [{ field: 'amount', code: 'too_small' }]],
      [{ salesOrderId: o.id, amount: '-5' }, [{ field: 'amount', code: 'too_small' }]],
      [{ salesOrderId: o.id, amount: '5.001' }, [{ field: 'amount', code: 'invalid_format' }]],
      [{ salesOrderId: o.id, amount: '50.01' }, [{ field: 'amount', code: 'too_big' }]],
      [{ salesOrderId: o.id }, [{ field: 'amount', code: 'invalid_type' }]],
      [{ salesOrderId: '00000000-0000-4000-8000-000000000000', amount: '5' }, [{ field: 'salesOrderId', code: 'invalid_reference' }]],
    ];
    for (const [body, fields] of cases) {
      const res = await admin.post('/records/receipt', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toEqual(fields);
    }
    expect(await snapshot()).toEqual(before);
    expect(await receivable(o.id)).toMatchObject({ received: '0.00', balance: '50.00' });
    expect((await admin.get(`/sales/receipt-defaults?salesOrderId=${draft.id}`)).status).toBe(400);
  });

  it('two receipts at once against one order cannot overpay', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '100.00' });
    for (let round = 0; round < 3; round++) {
      const o = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
      ok(await confirm(o.id), 200);
      // Everything given by hand: the code counter or filling in defaults would otherwise queue the two writes by themselves.
      const receipt = (x: string) => ({ salesOrderId: o.id, amount: '60', code: `R-${uid()}-${x}`, customerId: cust.id, currency: 'CNY', date: '2026-11-27' });
      const results = await Promise.all(['a', 'b'].map((x) => admin.post('/records/receipt', receipt(x))));
      expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
      const refused = results.find((r) => r.status === 400)!;
      expect(refused.body.error.details.fields).toEqual([{ field: 'amount', code: 'too_big', params: { max: '40.00', currency: 'CNY' } }]);
      expect(await receivable(o.id)).toMatchObject({ received: '60.00', balance: '40.00' });
      const filter = encodeURIComponent(JSON.stringify({ field: 'salesOrderId', op: 'eq', value: o.id }));
      expect(ok(await admin.get(`/records/receipt?filter=${filter}`), 200).total).toBe(1);
    }
  });
});

describe('concurrent edits', () => {
  it('lines added at once all count in the total; a line racing a confirmation is either in the receivable or refused', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '1.10' });
    const o = await order({ customerId: cust.id });
    const added = await Promise.all(Array.from({ length: 6 }, (_, i) => admin.post('/records/salesOrderLine', { salesOrderId: o.id, productId: p.id, quantity: i + 1 })));
    expect(added.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(ok(await admin.get(`/records/salesOrder/${o.id}`), 200).total).toBe('23.10');

    for (let round = 0; round < 3; round++) {
      const race = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 1 }] });
      const [confirmed, line] = await Promise.all([confirm(race.id), admin.post('/records/salesOrderLine', { salesOrderId: race.id, productId: p.id, quantity: 2 })]);
      expect(confirmed.status).toBe(200);
      const after = ok(await admin.get(`/records/salesOrder/${race.id}`), 200);
      if (line.status === 201) expect(after.total).toBe('3.30');
      else {
        expect(fieldsOf(line)).toEqual([{ field: 'salesOrderId', code: 'protected_field' }]);
        expect(after.total).toBe('1.10');
      }
      expect(after.receivable.amount).toBe(after.total);
      expect(after.lines).toHaveLength(line.status === 201 ? 2 : 1);
    }
  });
});

describe('contracts', () => {
  it('a signed contract with an amount carries the receivable; orders under it are paid through it', async () => {
    const cust = await customer();
    const p = await product({ listPrice: '40.00' });
    const c = ok(await admin.post('/records/contract', { customerId: cust.id, name: '年度框架合同', amount: '1200.00', currency: 'CNY', startDate: '2026-01-01', endDate: '2026-12-31' }));
    expect(c.code).toMatch(/^HT\d{6}$/);
    const none = encodeURIComponent(JSON.stringify({ field: 'contractId', op: 'eq', value: c.id }));
    expect(ok(await admin.get(`/records/receivable?filter=${none}`), 200).total).toBe(0);
    ok(await admin.patch(`/records/contract/${c.id}`, { status: 'signed', date: '2026-01-05' }), 200);
    const [r] = ok(await admin.get(`/records/receivable?filter=${none}`), 200).items;
    expect(r).toMatchObject({ customerId: cust.id, amount: '1200.00', balance: '1200.00', date: '2026-01-05', status: 'open' });
    ok(await admin.post('/records/receipt', { contractId: c.id, amount: '200' }));
    expect(ok(await admin.get(`/records/receivable/${r.id}`), 200)).toMatchObject({ received: '200.00', balance: '1000.00' });
    // The amount follows the contract but never drops below what was received.
    ok(await admin.patch(`/records/contract/${c.id}`, { amount: '1500.00' }), 200);
    expect(ok(await admin.get(`/records/receivable/${r.id}`), 200)).toMatchObject({ amount: '1500.00', balance: '1300.00' });
    expect(fieldsOf(await admin.patch(`/records/contract/${c.id}`, { amount: '100.00' }))).toEqual([{ field: 'amount', code: 'too_small' }]);
    expect(fieldsOf(await admin.patch(`/records/contract/${c.id}`, { status: 'draft' }))).toEqual([{ field: 'status', code: 'in_use' }]);
    expect(fieldsOf(await admin.patch(`/records/contract/${c.id}`, { endDate: '2025-12-31' }))).toEqual([{ field: 'endDate', code: 'too_small' }]);
    // An order under the contract is billed through it: no second receivable, receipts go to the contract.
    const o = await order({ customerId: cust.id, contractId: c.id, lines: [{ productId: p.id, quantity: 5 }] });
    expect(ok(await confirm(o.id), 200).receivable).toBeNull();
    expect(fieldsOf(await admin.post('/records/receipt', { salesOrderId: o.id, amount: '1' }))).toEqual([{ field: 'salesOrderId', code: 'invalid_reference' }]);
    expect(fieldsOf(await admin.post('/records/receipt', { salesOrderId: o.id, contractId: c.id, amount: '1' }))).toEqual([{ field: 'contractId', code: 'invalid_reference' }]);
    // An unsigned contract takes no receipts; un-signing one without receipts removes its receivable.
    const c2 = ok(await admin.post('/records/contract', { customerId: cust.id, amount: '10.00', status: 'signed' }));
    const filter2 = encodeURIComponent(JSON.stringify({ field: 'contractId', op: 'eq', value: c2.id }));
    expect(ok(await admin.get(`/records/receivable?filter=${filter2}`), 200).total).toBe(1);
    ok(await admin.patch(`/records/contract/${c2.id}`, { status: 'terminated' }), 200);
    expect(ok(await admin.get(`/records/receivable?filter=${filter2}`), 200).total).toBe(0);
    expect(fieldsOf(await admin.post('/records/receipt', { contractId: c2.id, amount: '1' }))).toEqual([{ field: 'contractId', code: 'invalid_reference' }]);
  });
});

describe('credit limit', () => {
  it('refuses a confirmation over the limit, naming creditLimit; a user who may set the limit overrides it with a reason, logged', async () => {
    const cust = await customer({ creditLimit: '1000.00', grade: 'B' });
    const p = await product({ listPrice: '100.00' });
    const first = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 8 }] });
    ok(await confirm(first.id), 200);
    // Another currency has its own headroom.
    const usd = await order({ customerId: cust.id, currency: 'USD', lines: [{ productId: p.id, quantity: 9 }] });
    ok(await confirm(usd.id), 200);
    const second = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 3 }] });
    const refused = await confirm(second.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toEqual([
      { field: 'creditLimit', code: 'too_big', params: { limit: '1000.00', openReceivables: '800.00', orderTotal: '300.00', currency: 'CNY' } },
    ]);
    expect(ok(await admin.get(`/records/salesOrder/${second.id}`), 200)).toMatchObject({ status: 'draft', receivable: null });

    // A salesperson who may not change credit limits cannot override.
    const dept = await f.department();
    const sales = await userWith(
      t,
      admin,
      { customer: { read: 'all', edit: 'all', deny: { edit: ['creditLimit'] } }, salesOrder: { create: 'all', read: 'all', edit: 'all' }, product: { read: 'all' } },
      dept.id,
    );
    const denied = await confirm(second.id, { override: true, reason: 'good customer' }, sales.client);
    expect(denied.status).toBe(403);
    expect(fieldsOf(denied)).toEqual([{ field: 'override', code: 'protected_field' }]);
    // A manager who may edit the limit can, with a reason.
    const manager = await userWith(t, admin, { customer: { read: 'all', edit: 'all' }, salesOrder: { read: 'all', edit: 'all' } }, dept.id);
    expect(fieldsOf(await confirm(second.id, { override: true }, manager.client))).toEqual([{ field: 'reason', code: 'required' }]);
    expect(fieldsOf(await confirm(second.id, { override: true, reason: '   ' }, manager.client))).toEqual([{ field: 'reason', code: 'required' }]);
    expect((await confirm(second.id, { override: 'yes' }, manager.client)).status).toBe(400);
    const overridden = ok(await confirm(second.id, { override: true, reason: '老客户，月底回款' }, manager.client), 200);
    expect(overridden).toMatchObject({ status: 'confirmed', creditOverrideReason: '老客户，月底回款' });
    const log = ok(await admin.get(`/logs/operations?object=salesOrder&recordId=${second.id}`), 200).items as Body[];
    const entry = log.find((e) => e.changes.creditOverride);
    expect(entry).toMatchObject({ userId: manager.user.id, action: 'update' });
    expect(entry!.changes.creditOverride.new).toEqual({ limit: '1000.00', openReceivables: '800.00', orderTotal: '300.00', currency: 'CNY', reason: '老客户，月底回款' });
    expect(log.some((e) => e.userId === manager.user.id && e.changes.status?.new === 'confirmed' && e.changes.creditOverrideReason?.new === '老客户，月底回款')).toBe(true);

    // Receipts free headroom again: 1100 open, 700 received → 400 open; a 600 order fits.
    ok(await admin.post('/records/receipt', { salesOrderId: first.id, amount: '700' }));
    const third = await order({ customerId: cust.id, lines: [{ productId: p.id, quantity: 6 }] });
    expect(ok(await confirm(third.id), 200).creditOverrideReason).toBeNull();
    // No limit means no check.
    const free = await customer();
    const big = await order({ customerId: free.id, lines: [{ productId: p.id, quantity: 100000 }] });
    ok(await confirm(big.id), 200);
  });
});

describe('permissions', () => {
  it('a salesperson with own level sees and confirms only their own orders; lines follow the order', async () => {
    const dept = await f.department();
    const grants = {
      employee: { read: 'all' },
      customer: { read: 'all' },
      product: { read: 'all' },
      salesOrder: { create: 'own', read: 'own', edit: 'own', delete: 'own' },
      receipt: { create: 'own', read: 'own' },
      receivable: { read: 'own' },
    } as const;
    const alice = await userWith(t, admin, grants, dept.id);
    const bob = await userWith(t, admin, grants, dept.id);
    const cust = await customer();
    const p = await product({ listPrice: '12.00' });
    const mine = await order({ customerId: cust.id, ownerId: alice.employee.id, lines: [{ productId: p.id, quantity: 1 }] }, alice.client);
    expect(mine.lines).toHaveLength(1);
    const theirs = await order({ customerId: cust.id, ownerId: bob.employee.id, lines: [{ productId: p.id, quantity: 2 }] }, bob.client);
    // Not their own: refused on create.
    const foreign = await alice.client.post('/records/salesOrder', { customerId: cust.id, ownerId: bob.employee.id, lines: [{ productId: p.id, quantity: 1 }] });
    expect(fieldsOf(foreign)).toEqual(expect.arrayContaining([{ field: 'ownerId', code: 'out_of_scope' }]));
    const list = ok(await alice.client.get('/records/salesOrder'), 200);
    expect(list.items.map((o: Body) => o.id)).toEqual([mine.id]);
    expect((await alice.client.get(`/records/salesOrder/${theirs.id}`)).status).toBe(404);
    expect((await alice.client.patch(`/records/salesOrder/${theirs.id}`, { lines: [] })).status).toBe(404);
    expect((await confirm(theirs.id, {}, alice.client)).status).toBe(404);
    // Lines of other orders stay out of sight, and of reach, without a grant on lines.
    expect((await alice.client.get('/records/salesOrderLine')).status).toBe(403);
    expect((await alice.client.patch(`/records/salesOrderLine/${theirs.lines[0].id}`, { quantity: 5 })).status).toBe(404);
    // Own order: lines editable through the order, confirmable, receipts against it.
    const edited = ok(await alice.client.patch(`/records/salesOrder/${mine.id}`, { lines: [{ id: mine.lines[0].id, quantity: 4 }, { productId: p.id, quantity: 1 }] }), 200);
    expect(edited.total).toBe('60.00');
    ok(await confirm(mine.id, {}, alice.client), 200);
    ok(await alice.client.post('/records/receipt', { salesOrderId: mine.id, amount: '10', ownerId: alice.employee.id }));
    expect(fieldsOf(await alice.client.post('/records/receipt', { salesOrderId: theirs.id, amount: '1', ownerId: alice.employee.id }))).toEqual([
      { field: 'salesOrderId', code: 'invalid_reference' },
    ]);
    const receivables = ok(await alice.client.get('/records/receivable'), 200);
    expect(receivables.items.map((r: Body) => r.salesOrderId)).toEqual([mine.id]);
    // Reassigning the order moves its lines and receivable with it.
    ok(await admin.patch(`/records/salesOrder/${mine.id}`, { ownerId: bob.employee.id }), 200);
    expect((await alice.client.get(`/records/salesOrder/${mine.id}`)).status).toBe(404);
    expect(ok(await bob.client.get(`/records/salesOrder/${mine.id}`), 200).lines).toHaveLength(2);
    expect(ok(await bob.client.get('/records/receivable'), 200).items.map((r: Body) => r.salesOrderId)).toEqual([mine.id]);
    expect(ok(await alice.client.get('/records/receivable'), 200).total).toBe(0);
  });
});

describe('customer card', () => {
  it('lists purchased products and the receivable balance per currency; the "bought this month" favourite works', async () => {
    const cust = await customer();
    const idle = await customer();
    const a = await product({ listPrice: '5.00' });
    const b = await product({ listPrice: '7.50' });
    const o1 = await order({ customerId: cust.id, lines: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 1 }] });
    ok(await confirm(o1.id), 200);
    const o2 = await order({ customerId: cust.id, currency: 'HKD', lines: [{ productId: a.id, quantity: 3 }] });
    ok(await confirm(o2.id), 200);
    // A draft is not a purchase.
    await order({ customerId: cust.id, lines: [{ productId: b.id, quantity: 100 }] });
    await order({ customerId: idle.id, lines: [{ productId: b.id, quantity: 100 }] });
    ok(await admin.post('/records/receipt', { salesOrderId: o1.id, amount: '10' }));

    const bought = ok(await admin.get(`/sales/customers/${cust.id}/purchased-products`), 200);
    expect(bought.lines).toHaveLength(3);
    expect(bought.products.map((x: Body) => [x.productName, x.currency, x.quantity, x.amount, x.orders]).sort()).toEqual(
      [
        [a.name, 'CNY', 2, '10.00', 1],
        [a.name, 'HKD', 3, '15.00', 1],
        [b.name, 'CNY', 1, '7.50', 1],
      ].sort(),
    );
    const balance = ok(await admin.get(`/sales/customers/${cust.id}/receivables`), 200);
    expect(balance.currencies).toEqual([
      { currency: 'CNY', receivables: 1, amount: '17.50', received: '10.00', balance: '7.50', open: 1 },
      { currency: 'HKD', receivables: 1, amount: '15.00', received: '0.00', balance: '15.00', open: 1 },
    ]);
    expect((await admin.get('/sales/customers/00000000-0000-4000-8000-000000000000/receivables')).status).toBe(404);

    // Related lists on the card: the sales records pointing at the customer.
    const layout = ok(await admin.get('/meta/objects/customer/layout'), 200);
    const related = (layout.layout ?? layout).tabs.filter((tab: Body) => tab.kind === 'related').map((tab: Body) => `${tab.object}.${tab.via}`);
    expect(related).toEqual(expect.arrayContaining(['opportunity.customerId', 'salesTask.customerId', 'contract.customerId', 'salesOrder.customerId', 'salesOrderLine.customerId', 'receivable.customerId', 'receipt.customerId']));
    const lines = encodeURIComponent(JSON.stringify({ field: 'customerId', op: 'eq', value: cust.id }));
    expect(ok(await admin.get(`/records/salesOrderLine?filter=${lines}`), 200).total).toBe(3);

    const favourites = ok(await admin.get('/views?object=customer'), 200).items as Body[];
    const fav = favourites.find((v) => v.id === 'builtin:customersBoughtThisMonth');
    expect(fav).toBeTruthy();
    const ids = ok(await admin.get(`/records/customer?limit=500&filter=${encodeURIComponent(JSON.stringify(fav!.config.filter))}`), 200).items.map((c: Body) => c.id);
    expect(ids).toContain(cust.id);
    expect(ids).not.toContain(idle.id);
  });
});
