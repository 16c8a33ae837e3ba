import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';

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
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));

const objects = ['customer', 'contact', 'activity', 'product', 'unit', 'expenseCategory', 'expense'];
async function total(object: string) {
  const res = await admin.get(`/records/${object}?limit=1`);
  expect(res.status).toBe(200);
  return res.body.total as number;
}
/** Snapshot of what a rejected write must leave untouched. */
async function snapshot() {
  const out: Record<string, number> = {};
  for (const o of objects) out[o] = await total(o);
  out.ops = (await admin.get('/logs/operations?limit=1')).body.total;
  return out;
}
const ok = <T = Record<string, any>>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const customer = async (fields: Record<string, unknown> = {}, c: Client = admin) => ok(await c.post('/records/customer', { name: `Cust ${uid()}`, ...fields }));
const history = async (object: string, id: string) => ok(await admin.get(`/records/${object}/${id}/history`), 200).items as Record<string, any>[];

describe('codes', () => {
  // Runs first in a fresh database, so the counters start at one.
  it('numbers customers, contacts and products from one', async () => {
    expect((await customer()).code).toBe('C000001');
    expect((await customer()).code).toBe('C000002');
    expect(ok(await admin.post('/records/contact', { name: '联系人 一' })).code).toBe('P000001');
    expect(ok(await admin.post('/records/product', { name: `Prod ${uid()}` })).code).toBe('PR00001');
    expect(ok(await admin.post('/records/unit', { name: `Unit ${uid()}` })).code).toBe('U001');
    expect(ok(await admin.post('/records/expenseCategory', { name: `Cat ${uid()}` })).code).toBe('EC001');
    // A code typed by hand is kept.
    expect((await customer({ code: `MAN-${uid()}` })).code).toMatch(/^MAN-/);
  });
});

describe('CRUD', () => {
  it('creates, reads, updates and deletes a customer', async () => {
    const owner = await f.employee();
    const dept = await f.department();
    const res = await admin.post('/records/customer', {
      name: '汕头市某某贸易有限公司',
      shortName: '某某贸易',
      phone: '0754-8888 1234',
      website: 'https://example.com',
      industry: 'trade',
      source: 'referral',
      grade: 'A',
      creditLimit: '50000.00',
      annualRevenue: '1200000.50',
      ownerId: owner.id,
      departmentId: dept.id,
      tags: ['key', 'vip'],
      notes: '长文本\n第二行',
    });
    expect(res.status).toBe(201);
    const c = res.body;
    expect(c).toMatchObject({
      id: expect.any(String),
      code: expect.stringMatching(/^C\d{6}$/),
      name: '汕头市某某贸易有限公司',
      industry: 'trade',
      grade: 'A',
      creditLimit: '50000.00',
      annualRevenue: '1200000.50',
      ownerId: owner.id,
      departmentId: dept.id,
      tags: ['key', 'vip'],
    });
    expect(c._labels).toMatchObject({ ownerId: owner.name, departmentId: dept.name });
    expect((await admin.get(`/records/customer/${c.id}`)).body).toEqual(c);

    const upd = ok(await admin.patch(`/records/customer/${c.id}`, { grade: 'B', tags: ['new'], website: null }), 200);
    expect(upd).toMatchObject({ grade: 'B', tags: ['new'], website: null, name: c.name });
    expect((await admin.get(`/records/customer/${c.id}`)).body).toEqual(upd);

    expect(ok(await admin.del(`/records/customer/${c.id}`), 200)).toEqual({ ok: true });
    expect((await admin.get(`/records/customer/${c.id}`)).status).toBe(404);
    expect((await admin.del(`/records/customer/${c.id}`)).status).toBe(404);
  });

  it('creates, reads, updates and deletes contacts and activities', async () => {
    const cust = await customer();
    const contact = ok(await admin.post('/records/contact', { name: '李四', mobile: '13800001111', email: 'lisi@example.com', gender: 'male', birthday: '1988-08-08' }));
    expect(contact).toMatchObject({ code: expect.stringMatching(/^P\d{6}$/), name: '李四', birthday: '1988-08-08', customerId: null });
    const act = ok(
      await admin.post('/records/activity', { type: 'visit', at: '2026-01-02T03:04:05.000Z', subject: 'First visit', customerId: cust.id, contactId: contact.id, content: 'notes' }),
    );
    expect(act).toMatchObject({ type: 'visit', at: '2026-01-02T03:04:05.000Z', customerId: cust.id, contactId: contact.id });
    expect(act._labels).toMatchObject({ customerId: cust.name, contactId: '李四' });
    expect((await admin.get(`/records/activity/${act.id}`)).body).toEqual(act);
    expect(ok(await admin.patch(`/records/activity/${act.id}`, { outcome: 'Signed' }), 200).outcome).toBe('Signed');
    expect(ok(await admin.patch(`/records/contact/${contact.id}`, { title: '经理' }), 200).title).toBe('经理');
    // The company of a contact is set by the system, not by a plain edit.
    const before = await snapshot();
    const ro = await admin.patch(`/records/contact/${contact.id}`, { customerId: cust.id });
    expect(ro.status).toBe(400);
    expect(fieldsOf(ro)).toEqual([{ field: 'customerId', code: 'protected_field' }]);
    expect(await snapshot()).toEqual(before);
    for (const [object, id] of [['activity', act.id], ['contact', contact.id]]) {
      expect((await admin.del(`/records/${object}/${id}`)).status).toBe(200);
      expect((await admin.get(`/records/${object}/${id}`)).status).toBe(404);
    }
  });

  it('creates, reads, updates and deletes units, products, expense categories and expenses', async () => {
    const unit = ok(await admin.post('/records/unit', { name: '箱' }));
    expect(unit.code).toMatch(/^U\d{3}$/);
    const product = ok(await admin.post('/records/product', { name: '工业阀门', specification: 'DN50', unitId: unit.id, listPrice: '1999.90' }));
    expect(product).toMatchObject({ code: expect.stringMatching(/^PR\d{5}$/), unitId: unit.id, listPrice: '1999.90', active: true, pictures: [] });
    expect(product._labels.unitId).toBe('箱');
    expect(ok(await admin.patch(`/records/product/${product.id}`, { active: false, listPrice: 2100 }), 200)).toMatchObject({ active: false, listPrice: '2100.00' });
    const parent = ok(await admin.post('/records/expenseCategory', { name: '差旅' }));
    const cat = ok(await admin.post('/records/expenseCategory', { name: '交通', parentId: parent.id }));
    expect(cat._labels.parentId).toBe('差旅');
    const exp = ok(await admin.post('/records/expense', { categoryId: cat.id, amount: '0.10', date: '2026-03-01', note: 'taxi' }));
    expect(exp).toMatchObject({ amount: '0.10', currency: 'CNY', date: '2026-03-01', recordId: null });
    expect((await admin.get(`/records/expense/${exp.id}`)).body).toEqual(exp);
    expect(ok(await admin.patch(`/records/expense/${exp.id}`, { currency: 'USD' }), 200).currency).toBe('USD');
    // A category still in use cannot go.
    const before = await snapshot();
    expect((await admin.del(`/records/expenseCategory/${cat.id}`)).status).toBe(409);
    expect(await snapshot()).toEqual(before);
    for (const [object, id] of [['expense', exp.id], ['expenseCategory', cat.id], ['expenseCategory', parent.id], ['product', product.id], ['unit', unit.id]]) {
      expect((await admin.del(`/records/${object}/${id}`)).status, `${object}`).toBe(200);
      expect((await admin.get(`/records/${object}/${id}`)).status).toBe(404);
    }
  });
});

describe('money', () => {
  it('keeps decimals exact and returns them as strings', async () => {
    const m = `money${uid()}`;
    const a = await customer({ name: `${m} a`, creditLimit: '0.10', annualRevenue: '0.20' });
    const b = await customer({ name: `${m} b`, creditLimit: '0.20', annualRevenue: 0.1 });
    expect([a.creditLimit, a.annualRevenue, b.creditLimit, b.annualRevenue]).toEqual(['0.10', '0.20', '0.20', '0.10']);
    const g = ok(await admin.get(`/records/customer/groups?by=grade&measures=sum:creditLimit,sum:annualRevenue&filter=${enc({ field: 'name', op: 'startsWith', value: m })}`), 200);
    expect(g.totals.measures['sum:creditLimit']).toBe('0.30');
    expect(g.totals.measures['sum:annualRevenue']).toBe('0.30');
    const big = await customer({ creditLimit: '9999999999999.99' });
    expect(big.creditLimit).toBe('9999999999999.99');
    const eq = ok(await admin.get(`/records/customer?filter=${enc({ field: 'creditLimit', op: 'eq', value: '0.10' })}&q=${m}`), 200);
    expect(eq.items.map((i: any) => i.id)).toEqual([a.id]);
  });

  it('rejects malformed amounts and writes nothing', async () => {
    const c = await customer();
    const before = await snapshot();
    for (const value of ['abc', '1,000', '1e5', '0x10', '1.2.3', true]) {
      const res = await admin.post('/records/customer', { name: `Bad ${uid()}`, creditLimit: value });
      expect(res.status, String(value)).toBe(400);
      expect(fieldsOf(res)[0].field).toBe('creditLimit');
      expect((await admin.patch(`/records/customer/${c.id}`, { annualRevenue: value })).status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('treats 1200000 and "1200000.00" as the same value: no write, no history, no log', async () => {
    const c = await customer({ annualRevenue: 1200000 });
    expect(c.annualRevenue).toBe('1200000.00');
    const h0 = await history('customer', c.id);
    expect(h0.map((h) => h.field)).toEqual(['annualRevenue']);
    const before = await snapshot();
    const same = ok(await admin.patch(`/records/customer/${c.id}`, { annualRevenue: '1200000.00' }), 200);
    expect(same.updatedAt).toBe(c.updatedAt);
    const same2 = ok(await admin.patch(`/records/customer/${c.id}`, { annualRevenue: 1200000 }), 200);
    expect(same2.updatedAt).toBe(c.updatedAt);
    expect(await history('customer', c.id)).toEqual(h0);
    expect(await snapshot()).toEqual(before);
    const changed = ok(await admin.patch(`/records/customer/${c.id}`, { annualRevenue: '1300000.50' }), 200);
    expect(changed.annualRevenue).toBe('1300000.50');
    const h1 = await history('customer', c.id);
    expect(h1).toHaveLength(2);
    expect(h1[0]).toMatchObject({ field: 'annualRevenue', old: '1200000.00', new: '1300000.50', channel: 'api', userLogin: 'admin' });
  });
});

describe('select and multiSelect', () => {
  it('accepts known tags and rejects unknown or duplicate ones', async () => {
    const c = await customer({ tags: ['key', 'vip'] });
    expect(c.tags).toEqual(['key', 'vip']);
    expect(ok(await admin.patch(`/records/customer/${c.id}`, { tags: [] }), 200).tags).toEqual([]);
    const before = await snapshot();
    const unknown = await admin.post('/records/customer', { name: `T ${uid()}`, tags: ['key', 'gold'] });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toHaveLength(1);
    expect(fieldsOf(unknown)[0].field).toMatch(/^tags/);
    expect(fieldsOf(unknown)[0].code).toBe('invalid_option');
    const dup = await admin.post('/records/customer', { name: `T ${uid()}`, tags: ['vip', 'vip'] });
    expect(dup.status).toBe(400);
    expect(fieldsOf(dup)).toHaveLength(1);
    expect(fieldsOf(dup)[0].field).toMatch(/^tags/);
    const notArray = await admin.patch(`/records/customer/${c.id}`, { tags: 'key' });
    expect(notArray.status).toBe(400);
    expect(fieldsOf(notArray)[0].field).toBe('tags');
    const dupPatch = await admin.patch(`/records/customer/${c.id}`, { tags: ['key', 'key'] });
    expect(dupPatch.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/customer/${c.id}`)).body.tags).toEqual([]);
  });

  it('rejects a select value outside its options', async () => {
    const c = await customer({ grade: 'A' });
    const before = await snapshot();
    for (const [field, value] of [['grade', 'E'], ['industry', 'space'], ['source', 'MANUFACTURING']]) {
      const res = await admin.post('/records/customer', { name: `S ${uid()}`, [field]: value });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual([{ field, code: 'invalid_option' }]);
      const upd = await admin.patch(`/records/customer/${c.id}`, { [field]: value });
      expect(fieldsOf(upd)).toEqual([{ field, code: 'invalid_option' }]);
    }
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/customer/${c.id}`)).body.grade).toBe('A');
  });
});

describe('size limits', () => {
  it('answers 413 for a 10 MB body and writes nothing', async () => {
    const before = await snapshot();
    const rawBody = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) });
    const res = await t.request('POST', '/records/customer', { rawBody, cookie: admin.cookie });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await snapshot()).toEqual(before);
  });

  it('answers 400 too_long for a 201-character name and writes nothing', async () => {
    const c = await customer();
    const before = await snapshot();
    const res = await admin.post('/records/customer', { name: 'x'.repeat(201) });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'name', code: 'too_long' }]);
    const upd = await admin.patch(`/records/customer/${c.id}`, { name: '名'.repeat(201) });
    expect(fieldsOf(upd)).toEqual([{ field: 'name', code: 'too_long' }]);
    expect(await snapshot()).toEqual(before);
    // Exactly 200 is fine.
    expect((await customer({ name: '名'.repeat(200) })).name).toBe('名'.repeat(200));
  });
});

describe('SQL-looking input is plain data', () => {
  const values = ["'; drop table customer; --", 'a<"+UNION+SELECT+pg_sleep(6)--', "x' or '1'='1", 'Robert"); DELETE FROM customer;--'];

  it('stores and finds such values back, quickly', async () => {
    const created: Record<string, any>[] = [];
    for (const name of values) created.push(await customer({ name, address: name, notes: name }));
    for (const [i, name] of values.entries()) {
      expect(created[i].name).toBe(name);
      expect((await admin.get(`/records/customer/${created[i].id}`)).body.name).toBe(name);
      const started = Date.now();
      const q = ok(await admin.get(`/records/customer?q=${encodeURIComponent(name)}`), 200);
      const byFilter = ok(await admin.get(`/records/customer?filter=${enc({ field: 'name', op: 'eq', value: name })}`), 200);
      const contains = ok(await admin.get(`/records/customer?filter=${enc({ field: 'notes', op: 'contains', value: name })}`), 200);
      const search = ok(await admin.get(`/search?q=${encodeURIComponent(name)}`), 200);
      const groups = ok(await admin.get(`/records/customer/groups?by=grade&q=${encodeURIComponent(name)}`), 200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(q.items.map((r: any) => r.id), JSON.stringify(q)).toEqual([created[i].id]);
      expect(byFilter.items.map((r: any) => r.id)).toEqual([created[i].id]);
      expect(contains.items.map((r: any) => r.id)).toEqual([created[i].id]);
      expect(search.hits.filter((h: any) => h.object === 'customer').map((h: any) => h.id)).toEqual([created[i].id]);
      expect(groups.totals.count).toBe(1);
    }
    // The table is still there, with everything in it.
    expect(await total('customer')).toBeGreaterThanOrEqual(values.length);
  });

  it('rejects injection through sort, filter field and operator with 400', async () => {
    const started = Date.now();
    const sort = await admin.get(`/records/customer?sort=${encodeURIComponent('name;select pg_sleep(6)--')}`);
    expect(sort.status).toBe(400);
    const field = await admin.get(`/records/customer?filter=${enc({ field: 'name" from customer; select pg_sleep(6)--', op: 'eq', value: 'x' })}`);
    expect(field.status).toBe(400);
    const op = await admin.get(`/records/customer?filter=${enc({ field: 'name', op: '= 1 or pg_sleep(6) is null --', value: 'x' })}`);
    expect(op.status).toBe(400);
    const by = await admin.get(`/records/customer/groups?by=${encodeURIComponent('grade,pg_sleep(6)')}`);
    expect(by.status).toBe(400);
    const measure = await admin.get(`/records/customer/groups?by=grade&measures=${encodeURIComponent('sum:pg_sleep(6)')}`);
    expect(measure.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('permissions', () => {
  const m = `perm${uid()}`;
  let A: Record<string, any>, A1: Record<string, any>, B: Record<string, any>;
  let other: Record<string, any>;
  let ownUser: Awaited<ReturnType<typeof userWith>>;
  let deptUser: Awaited<ReturnType<typeof userWith>>;
  let mine: Record<string, any>, notMine: Record<string, any>, inA: Record<string, any>, inA1: Record<string, any>, inB: Record<string, any>;
  const marker = { field: 'name', op: 'startsWith', value: m };

  beforeAll(async () => {
    A = await f.department();
    A1 = await f.department({ organisationId: A.organisationId, parentId: A.id });
    B = await f.department();
    other = await f.employee({ departmentId: B.id });
    ownUser = await userWith(t, admin, { customer: { read: 'own', create: 'own', edit: 'own' }, activity: { read: 'all', create: 'all' }, employee: { read: 'all' } }, B.id);
    deptUser = await userWith(t, admin, { customer: { read: 'department', edit: 'department', export: 'department' }, employee: { read: 'all' } }, A.id);
    mine = await customer({ name: `${m} mine`, ownerId: ownUser.employee.id, departmentId: B.id, annualRevenue: '100.00' });
    notMine = await customer({ name: `${m} not mine`, ownerId: other.id, departmentId: B.id, annualRevenue: '200.00' });
    inA = await customer({ name: `${m} in A`, departmentId: A.id, annualRevenue: '300.00' });
    inA1 = await customer({ name: `${m} in A1`, departmentId: A1.id, annualRevenue: '400.00' });
    inB = await customer({ name: `${m} in B`, departmentId: B.id, annualRevenue: '500.00' });
  });

  const listIds = async (c: Client) => {
    const res = ok(await c.get(`/records/customer?limit=500&filter=${enc(marker)}`), 200);
    expect(res.items).toHaveLength(res.total);
    return res.items.map((i: any) => i.id).sort();
  };

  it("'own' sees only customers it owns: list, get, groups, search", async () => {
    const c = ownUser.client;
    expect(await listIds(c)).toEqual([mine.id]);
    expect((await c.get(`/records/customer/${mine.id}`)).body.id).toBe(mine.id);
    const hidden = await c.get(`/records/customer/${notMine.id}`);
    const ghost = await c.get(`/records/customer/${randomUUID()}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(ghost.body);
    expect((await c.get(`/records/customer/${notMine.id}/history`)).status).toBe(404);
    const g = ok(await c.get(`/records/customer/groups?by=grade&measures=sum:annualRevenue&filter=${enc(marker)}`), 200);
    expect(g.totals).toEqual({ count: 1, measures: { count: 1, 'sum:annualRevenue': '100.00' } });
    const s = ok(await c.get(`/search?q=${m}`), 200);
    expect(s.hits.map((h: any) => h.id)).toEqual([mine.id]);
    expect(ok(await c.get(`/records/customer?q=${encodeURIComponent(notMine.name)}`), 200).total).toBe(0);
  });

  it("'department' sees its department subtree and its own customers", async () => {
    const c = deptUser.client;
    const own = await customer({ name: `${m} dept own`, ownerId: deptUser.employee.id, departmentId: B.id });
    expect(await listIds(c)).toEqual([inA.id, inA1.id, own.id].sort());
    for (const r of [inA, inA1, own]) expect((await c.get(`/records/customer/${r.id}`)).status).toBe(200);
    for (const r of [inB, mine, notMine]) expect((await c.get(`/records/customer/${r.id}`)).status).toBe(404);
    const g = ok(await c.get(`/records/customer/groups?by=departmentId&measures=sum:annualRevenue&filter=${enc(marker)}`), 200);
    expect(g.totals.count).toBe(3);
    expect(g.totals.measures['sum:annualRevenue']).toBe('700.00');
    expect(g.groups.map((n: any) => n.value).sort()).toEqual([A.id, A1.id, B.id].sort());
    const s = ok(await c.get(`/search?q=${m}`), 200);
    expect(s.hits.map((h: any) => h.id).sort()).toEqual([inA.id, inA1.id, own.id].sort());
    expect((await admin.del(`/records/customer/${own.id}`)).status).toBe(200);
  });

  it('rejects a relation to a customer the user may not see exactly like a random id', async () => {
    const before = await snapshot();
    const hidden = await ownUser.client.post('/records/activity', { type: 'call', at: '2026-01-01T00:00:00Z', subject: 'x', customerId: notMine.id });
    const ghost = await ownUser.client.post('/records/activity', { type: 'call', at: '2026-01-01T00:00:00Z', subject: 'x', customerId: randomUUID() });
    expect(hidden.status).toBe(400);
    expect(fieldsOf(hidden)).toEqual([{ field: 'customerId', code: 'invalid_reference' }]);
    expect(hidden.body).toEqual(ghost.body);
    expect(await snapshot()).toEqual(before);
    // A visible one is fine.
    const fine = ok(await ownUser.client.post('/records/activity', { type: 'call', at: '2026-01-01T00:00:00Z', subject: 'x', customerId: mine.id }));
    expect(fine.customerId).toBe(mine.id);
  });

  it("'own' may not hand a customer to someone else (out_of_scope) and writes nothing", async () => {
    const before = await snapshot();
    const res = await ownUser.client.patch(`/records/customer/${mine.id}`, { ownerId: other.id });
    expect(res.status).toBe(400);
    expect(fieldsOf(res).map((e) => e.code)).toContain('out_of_scope');
    expect((await admin.get(`/records/customer/${mine.id}`)).body.ownerId).toBe(ownUser.employee.id);
    expect(await snapshot()).toEqual(before);
  });

  it('bulk-assigns customers and logs every change', async () => {
    const target = await f.employee({ departmentId: A.id });
    const cs = [await customer({ name: `${m} bulk 1` }), await customer({ name: `${m} bulk 2` }), await customer({ name: `${m} bulk 3`, ownerId: other.id })];
    // Each announcement comes after the commit: a listener reading on its own connection sees the new owner.
    const seen: Promise<string | null>[] = [];
    const off = t.services.bus.on('record.changed', (e) => {
      seen.push(t.services.db.orm.em.fork().getConnection().execute<{ owner_id: string | null }[]>('select owner_id from customer where id = ?', [e.id]).then((r) => r[0]?.owner_id ?? null));
    });
    const res = await admin.post('/records/customer/bulk-assign', { ids: cs.map((c) => c.id), ownerId: target.id });
    off();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 3 });
    expect(await Promise.all(seen)).toEqual([target.id, target.id, target.id]);
    for (const c of cs) {
      const got = (await admin.get(`/records/customer/${c.id}`)).body;
      expect(got.ownerId).toBe(target.id);
      expect(got._labels.ownerId).toBe(target.name);
      const log = ok(await admin.get(`/logs/operations?object=customer&recordId=${c.id}&action=update`), 200);
      expect(log.total).toBe(1);
      expect(log.items[0].changes.ownerId).toEqual({ old: c.ownerId, new: target.id });
      expect(log.items[0].userLogin).toBe('admin');
    }
  });

  it('bulk assign by a department user moves what it may edit', async () => {
    const target = await f.employee({ departmentId: A1.id });
    const a = await customer({ name: `${m} bulk A`, departmentId: A.id });
    const a1 = await customer({ name: `${m} bulk A1`, departmentId: A1.id });
    const res = await deptUser.client.post('/records/customer/bulk-assign', { ids: [a.id, a1.id], ownerId: target.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const c of [a, a1]) expect((await admin.get(`/records/customer/${c.id}`)).body.ownerId).toBe(target.id);
  });

  it('fails the whole bulk assign when one record is not editable, and changes nothing', async () => {
    const target = await f.employee({ departmentId: A.id });
    const editor = await userWith(t, admin, { customer: { read: 'all', edit: 'department' }, employee: { read: 'all' } }, A.id);
    const a = await customer({ name: `${m} all-or-nothing A`, departmentId: A.id });
    const b = await customer({ name: `${m} all-or-nothing B`, departmentId: B.id });
    const before = await snapshot();
    const viewA = (await admin.get(`/records/customer/${a.id}`)).body;
    const viewB = (await admin.get(`/records/customer/${b.id}`)).body;
    // Nothing is announced for a write that was rolled back (a: updated, then undone with b's failure).
    const announced: string[] = [];
    const off = t.services.bus.on('record.changed', (e) => announced.push(e.id));
    const res = await editor.client.post('/records/customer/bulk-assign', { ids: [a.id, b.id], ownerId: target.id });
    off();
    expect(announced).toEqual([]);
    expect([403, 404]).toContain(res.status);
    expect((await admin.get(`/records/customer/${a.id}`)).body).toEqual(viewA);
    expect((await admin.get(`/records/customer/${b.id}`)).body).toEqual(viewB);
    expect(await snapshot()).toEqual(before);
    // A record the user cannot see at all fails it as well.
    const hidden = await deptUser.client.post('/records/customer/bulk-assign', { ids: [inA.id, inB.id], ownerId: target.id });
    expect(hidden.status).toBe(404);
    expect((await admin.get(`/records/customer/${inA.id}`)).body.ownerId).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a bulk assign without a target or with bad ids', async () => {
    const c = await customer();
    const before = await snapshot();
    expect((await admin.post('/records/customer/bulk-assign', { ids: [c.id] })).status).toBe(400);
    expect((await admin.post('/records/customer/bulk-assign', { ids: [], ownerId: other.id })).status).toBe(400);
    expect((await admin.post('/records/customer/bulk-assign', { ids: ['nope'], ownerId: other.id })).status).toBe(400);
    const ghostOwner = await admin.post('/records/customer/bulk-assign', { ids: [c.id], ownerId: randomUUID() });
    expect(ghostOwner.status).toBe(400);
    expect(fieldsOf(ghostOwner)).toEqual([{ field: 'ownerId', code: 'invalid_reference' }]);
    expect(await snapshot()).toEqual(before);
  });
});

describe('money precision', () => {
  it('refuses more decimals than a money column keeps instead of rounding silently', async () => {
    const admin2 = await t.admin();
    const res = await admin2.post('/records/customer', { name: `精度 ${Date.now()}`, creditLimit: '0.125' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([{ field: 'creditLimit', code: 'invalid_format' }]);
    const ok = await admin2.post('/records/customer', { name: `精度 ${Date.now()}b`, creditLimit: '0.13' });
    expect(ok.status).toBe(201);
    expect(ok.body.creditLimit).toBe('0.13');
  });
});
