import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;
let staff: Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  // Full rights on customers, but no administrator.
  staff = (await userWith(t, admin, { customer: { create: 'all', read: 'all', edit: 'all', delete: 'all', export: 'all' }, employee: { read: 'all' } })).client;
});
afterAll(async () => t?.close());

const uid = () => randomBytes(4).toString('hex');
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));
const ok = <T = Record<string, any>>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const lbl = (en: string, zh = en) => ({ en, 'zh-CN': zh });
const opts = (...values: string[]) => values.map((v) => ({ value: v, label: lbl(v) }));

async function meta(object = 'customer', c: Client = admin) {
  return ok(await c.get(`/meta/objects/${object}`), 200) as { fields: Record<string, any>[] };
}
async function snapshot() {
  const count = async (o: string) => (await admin.get(`/records/${o}?limit=1`)).body.total as number;
  const customer = await meta();
  return {
    customers: await count('customer'),
    expenses: await count('expense'),
    ops: (await admin.get('/logs/operations?limit=1')).body.total as number,
    customerFields: customer.fields.map((x) => JSON.stringify(x)),
    objects: (await admin.get('/meta/objects')).body.items.map((o: any) => o.name),
  };
}

describe('custom fields on customer', () => {
  let employee: Record<string, any>;
  const fileRef = { id: randomUUID(), name: 'contract.pdf', size: 1234, type: 'application/pdf' };
  // One field of each type, with a valid and an invalid value.
  const fields: { name: string; type: string; extra?: Record<string, unknown>; good: () => unknown; bad: unknown }[] = [
    { name: 'tier', type: 'select', extra: { options: opts('gold', 'silver') }, good: () => 'gold', bad: 'platinum' },
    { name: 'wechat', type: 'text', extra: { tracked: true, maxLength: 50 }, good: () => 'wx_zhangsan', bad: 'x'.repeat(51) },
    { name: 'memo', type: 'longText', good: () => '第一行\n第二行', bad: 12 },
    { name: 'score', type: 'number', extra: { indexed: true }, good: () => 42.5, bad: 'abc' },
    { name: 'budget', type: 'money', good: () => '1234.5678', bad: '12.345.6' },
    { name: 'ratio', type: 'percent', good: () => 12.5, bad: 5000 },
    { name: 'since', type: 'date', good: () => '2020-02-29', bad: '2021-02-29' },
    { name: 'lastSeen', type: 'dateTime', good: () => '2026-01-02T03:04:05.000Z', bad: 'yesterday' },
    { name: 'vip', type: 'boolean', good: () => true, bad: 'yes' },
    { name: 'hobbies', type: 'multiSelect', extra: { options: opts('golf', 'tea', 'chess') }, good: () => ['tea', 'golf'], bad: ['tea', 'tea'] },
    { name: 'hotline', type: 'phone', good: () => '400-800-8888', bad: 'call me' },
    { name: 'mailbox', type: 'email', good: () => 'boss@example.com', bad: 'boss' },
    { name: 'homepage', type: 'url', good: () => 'https://example.com/a', bad: 'javascript:alert(1)' },
    { name: 'accountManager', type: 'relation', extra: { target: 'employee' }, good: () => employee.id, bad: randomUUID() },
    { name: 'attachments', type: 'file', good: () => [fileRef], bad: [{ id: 'x' }] },
  ];
  const goodValues = () => Object.fromEntries(fields.map((x) => [x.name, x.good()]));

  beforeAll(async () => {
    employee = await f.employee({ name: '客户经理' });
  });

  it('lets an administrator add a field of every type', async () => {
    for (const x of fields) {
      const res = await admin.post('/meta/objects/customer/fields', { name: x.name, type: x.type, label: lbl(`L ${x.name}`, `字段 ${x.name}`), ...(x.extra ?? {}) });
      expect(res.status, `${x.name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body).toMatchObject({ name: x.name, type: x.type, custom: true, editable: true, label: { en: `L ${x.name}` } });
    }
    const m = await meta();
    for (const x of fields) expect(m.fields.find((y) => y.name === x.name), x.name).toMatchObject({ type: x.type, custom: true });
    expect(m.fields.find((y) => y.name === 'wechat')).toMatchObject({ tracked: true, maxLength: 50 });
    expect(m.fields.find((y) => y.name === 'tier')!.options.map((o: any) => o.value)).toEqual(['gold', 'silver']);
    expect(m.fields.find((y) => y.name === 'accountManager')!.relation).toBe('employee');
    // Non-administrators see the new fields too.
    expect((await meta('customer', staff)).fields.map((y) => y.name)).toEqual(expect.arrayContaining(fields.map((x) => x.name)));
  });

  it('stores and returns custom values flat', async () => {
    const c = ok(await staff.post('/records/customer', { name: `CF ${uid()}`, ...goodValues() }));
    expect(c).toMatchObject(goodValues());
    expect(c).not.toHaveProperty('custom');
    expect(c._labels.accountManager).toBe('客户经理');
    const got = ok(await staff.get(`/records/customer/${c.id}`), 200);
    expect(got).toEqual(c);
    // Values left out read back as null.
    const empty = ok(await staff.post('/records/customer', { name: `CF ${uid()}` }));
    for (const x of fields) expect(empty[x.name] ?? null, x.name).toBeNull();
    // A value read back can be sent again unchanged: nothing is written.
    const same = ok(await staff.patch(`/records/customer/${c.id}`, Object.fromEntries(fields.map((x) => [x.name, got[x.name]]))), 200);
    expect(same.updatedAt).toBe(c.updatedAt);
    // Clearing one custom value keeps the others.
    const cleared = ok(await staff.patch(`/records/customer/${c.id}`, { tier: null, score: 7 }), 200);
    expect(cleared).toMatchObject({ ...goodValues(), tier: null, score: 7 });
  });

  it.each([
    'tier', 'wechat', 'memo', 'score', 'budget', 'ratio', 'since', 'lastSeen', 'vip', 'hobbies', 'hotline', 'mailbox', 'homepage', 'accountManager', 'attachments',
  ])('rejects a wrong %s value naming the field, and writes nothing', async (name) => {
    const x = fields.find((y) => y.name === name)!;
    const c = ok(await admin.post('/records/customer', { name: `CF ${uid()}`, ...goodValues() }));
    const before = await snapshot();
    const create = await staff.post('/records/customer', { name: `CF ${uid()}`, [name]: x.bad });
    expect(create.status).toBe(400);
    expect(fieldsOf(create).length).toBeGreaterThan(0);
    for (const e of fieldsOf(create)) expect(e.field.split('.')[0]).toBe(name);
    const update = await staff.patch(`/records/customer/${c.id}`, { [name]: x.bad });
    expect(update.status).toBe(400);
    for (const e of fieldsOf(update)) expect(e.field.split('.')[0]).toBe(name);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/customer/${c.id}`)).body).toEqual(c);
  });

  it('filters, sorts and groups by custom fields', async () => {
    const m = `cfq${uid()}`;
    const a = ok(await admin.post('/records/customer', { name: `${m} a`, tier: 'gold', score: 10, budget: '100.10', since: '2020-01-01', vip: true, hobbies: ['tea'] }));
    const b = ok(await admin.post('/records/customer', { name: `${m} b`, tier: 'silver', score: 30, budget: '200.20', since: '2021-01-01', vip: false }));
    const c = ok(await admin.post('/records/customer', { name: `${m} c`, tier: 'gold', score: 20, budget: '300.30', since: '2022-01-01' }));
    const mine = { field: 'name', op: 'startsWith', value: m };
    const list = async (filter: unknown, sort = 'name') => ok(await staff.get(`/records/customer?filter=${enc({ and: [mine, filter] })}&sort=${sort}`), 200).items.map((i: any) => i.id);
    expect(await list({ field: 'tier', op: 'eq', value: 'gold' })).toEqual([a.id, c.id]);
    expect(await list({ field: 'score', op: 'gt', value: 15 }, '-score')).toEqual([b.id, c.id]);
    expect(await list({ field: 'since', op: 'between', value: ['2020-06-01', '2022-06-01'] })).toEqual([b.id, c.id]);
    expect(await list({ field: 'vip', op: 'eq', value: true })).toEqual([a.id]);
    expect(await list({ field: 'budget', op: 'gte', value: '200.20' })).toEqual([b.id, c.id]);
    expect(await list({ field: 'tier', op: 'isNull' })).toEqual([]);
    expect(await list({ and: [] }, 'score')).toEqual([a.id, c.id, b.id]);
    expect(await list({ and: [] }, '-since')).toEqual([c.id, b.id, a.id]);
    const bad = await staff.get(`/records/customer?filter=${enc({ field: 'tier', op: 'eq', value: 'platinum' })}`);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual([{ field: 'filter.value', code: 'invalid_type' }]);
    const g = ok(await staff.get(`/records/customer/groups?by=tier&measures=sum:score,sum:budget&filter=${enc(mine)}`), 200);
    expect(g.groups.map((n: any) => [n.value, n.count, n.measures['sum:score'], n.measures['sum:budget']])).toEqual([
      ['gold', 2, 30, '400.40'],
      ['silver', 1, 30, '200.20'],
    ]);
    expect(g.totals).toMatchObject({ count: 3, measures: { 'sum:score': 60, 'sum:budget': '600.60' } });
  });

  it('keeps the history of a tracked custom field', async () => {
    const c = ok(await admin.post('/records/customer', { name: `CF ${uid()}`, wechat: 'old_id', memo: 'untracked' }));
    ok(await staff.patch(`/records/customer/${c.id}`, { wechat: 'new_id', memo: 'changed' }), 200);
    const h = ok(await admin.get(`/records/customer/${c.id}/history`), 200).items;
    expect(h.map((e: any) => [e.field, e.old, e.new])).toEqual([
      ['wechat', 'old_id', 'new_id'],
      ['wechat', null, 'old_id'],
    ]);
  });

  it('forbids non-administrators to change fields (403) and writes nothing', async () => {
    const before = await snapshot();
    const add = await staff.post('/meta/objects/customer/fields', { name: `f${uid()}`, type: 'text', label: lbl('X') });
    expect(add.status).toBe(403);
    expect(add.body.error.code).toBe('forbidden');
    expect((await staff.patch('/meta/objects/customer/fields/tier', { label: lbl('Hacked') })).status).toBe(403);
    expect((await staff.del('/meta/objects/customer/fields/tier')).status).toBe(403);
    expect((await staff.post('/meta/objects', { name: 'sneaky', label: lbl('S'), pluralLabel: lbl('S') })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('rejects duplicate, built-in and malformed field names, and bad definitions', async () => {
    const before = await snapshot();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'tier', type: 'text', label: lbl('Dup') }, 'name', 'not_unique'],
      [{ name: 'name', type: 'text', label: lbl('Dup') }, 'name', 'not_unique'],
      [{ name: 'createdAt', type: 'text', label: lbl('Dup') }, 'name', 'not_unique'],
      [{ name: 'Bad', type: 'text', label: lbl('X') }, 'name', 'invalid_format'],
      [{ name: 'has-dash', type: 'text', label: lbl('X') }, 'name', 'invalid_format'],
      [{ name: "x') or 1=1 --", type: 'text', label: lbl('X') }, 'name', 'invalid_format'],
      [{ name: '1abc', type: 'text', label: lbl('X') }, 'name', 'invalid_format'],
      [{ name: 'okName', type: 'colour', label: lbl('X') }, 'type', 'invalid_option'],
      [{ name: 'okName', type: 'select', label: lbl('X') }, 'options', 'required'],
      [{ name: 'okName', type: 'relation', label: lbl('X'), target: 'spaceship' }, 'target', 'invalid_reference'],
      [{ name: 'okName', type: 'select', label: lbl('X'), options: opts('a', 'a') }, 'options', 'not_unique'],
    ];
    for (const [body, field, code] of cases) {
      const res = await admin.post('/meta/objects/customer/fields', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toContainEqual({ field, code });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('changes label and options with PATCH', async () => {
    const res = await admin.patch('/meta/objects/customer/fields/tier', { label: lbl('Tier', '等级'), options: [...opts('gold', 'silver'), { value: 'bronze', label: lbl('Bronze', '铜牌') }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.label).toEqual(lbl('Tier', '等级'));
    const field = (await meta()).fields.find((x) => x.name === 'tier')!;
    expect(field.label).toEqual(lbl('Tier', '等级'));
    expect(field.options.map((o: any) => o.value)).toEqual(['gold', 'silver', 'bronze']);
    expect(ok(await staff.post('/records/customer', { name: `CF ${uid()}`, tier: 'bronze' })).tier).toBe('bronze');
    // Removing all options of a select is refused.
    const before = await snapshot();
    const empty = await admin.patch('/meta/objects/customer/fields/tier', { options: [] });
    expect(empty.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    // Built-in fields cannot be changed or removed.
    expect((await admin.patch('/meta/objects/customer/fields/name', { label: lbl('X') })).status).toBe(409);
    expect((await admin.del('/meta/objects/customer/fields/name')).status).toBe(409);
    expect((await admin.patch('/meta/objects/customer/fields/nope', { label: lbl('X') })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('removes a field and its values with DELETE', async () => {
    ok(await admin.post('/meta/objects/customer/fields', { name: 'doomed', type: 'text', label: lbl('Doomed') }));
    const c = ok(await admin.post('/records/customer', { name: `CF ${uid()}`, doomed: 'bye', tier: 'gold' }));
    expect(c.doomed).toBe('bye');
    expect(ok(await admin.del('/meta/objects/customer/fields/doomed'), 200)).toEqual({ ok: true });
    expect((await meta()).fields.map((x) => x.name)).not.toContain('doomed');
    const got = ok(await admin.get(`/records/customer/${c.id}`), 200);
    expect(got).not.toHaveProperty('doomed');
    expect(got.tier).toBe('gold');
    const write = await admin.post('/records/customer', { name: `CF ${uid()}`, doomed: 'again' });
    expect(fieldsOf(write)).toEqual([{ field: 'doomed', code: 'unknown_field' }]);
    expect((await admin.get(`/records/customer?filter=${enc({ field: 'doomed', op: 'isNotNull' })}`)).status).toBe(400);
    // Re-adding the same name starts empty: the old values are gone.
    ok(await admin.post('/meta/objects/customer/fields', { name: 'doomed', type: 'text', label: lbl('Doomed') }));
    expect((await admin.get(`/records/customer/${c.id}`)).body.doomed ?? null).toBeNull();
    expect((await admin.del('/meta/objects/customer/fields/doomed')).status).toBe(200);
    expect((await admin.del('/meta/objects/customer/fields/doomed')).status).toBe(404);
  });
});

describe('custom business type', () => {
  let complaint: Record<string, any>;
  let cust: Record<string, any>;
  const m = `cbt${uid()}`;

  beforeAll(async () => {
    cust = await ok(await admin.post('/records/customer', { name: `Complainer ${uid()}` }));
  });

  it('is created by an administrator and listed in the metadata', async () => {
    const res = await admin.post('/meta/objects', {
      name: 'complaint',
      label: lbl('Complaint', '投诉'),
      pluralLabel: lbl('Complaints', '投诉'),
      fields: [
        { name: 'severity', type: 'select', label: lbl('Severity', '严重程度'), options: opts('low', 'high'), tracked: true },
        { name: 'compensation', type: 'money', label: lbl('Compensation', '赔偿') },
        { name: 'hotline', type: 'phone', label: lbl('Hotline', '热线') },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: 'complaint', custom: true, titleField: 'name' });
    expect(res.body.fields.map((x: any) => x.name)).toEqual(expect.arrayContaining(['code', 'name', 'customerId', 'ownerId', 'severity', 'compensation']));
    // The administrator sees it at once, without a new group grant.
    const all = ok(await admin.get('/meta/objects'), 200);
    expect(all.items.map((o: any) => o.name)).toContain('complaint');
    expect((await meta('complaint')).fields.find((x) => x.name === 'severity')!.tracked).toBe(true);
    // Names are unique, built-in names included.
    for (const name of ['complaint', 'customer']) {
      const dup = await admin.post('/meta/objects', { name, label: lbl('X'), pluralLabel: lbl('X') });
      expect(dup.status).toBe(400);
      expect(fieldsOf(dup)).toEqual([{ field: 'name', code: 'not_unique' }]);
    }
    const badField = await admin.post('/meta/objects', { name: 'other', label: lbl('X'), pluralLabel: lbl('X'), fields: [{ name: 'kind', type: 'select', label: lbl('K') }] });
    expect(badField.status).toBe(400);
    expect(fieldsOf(badField)).toEqual([{ field: 'fields.0.options', code: 'required' }]);
    expect((await admin.get('/meta/objects')).body.items.map((o: any) => o.name)).not.toContain('other');
  });

  it('gets records with codes, list, filter, group, history and search', async () => {
    complaint = ok(await admin.post('/records/complaint', { name: `${m} 产品质量投诉`, severity: 'high', customerId: cust.id, compensation: '99.90', hotline: '0754-8888 1234' }));
    expect(complaint).toMatchObject({ code: 'COM-00001', severity: 'high', compensation: '99.90', customerId: cust.id });
    expect(complaint._labels.customerId).toBe(cust.name);
    const second = ok(await admin.post('/records/complaint', { name: `${m} 物流延误`, severity: 'low' }));
    expect(second.code).toBe('COM-00002');
    const third = ok(await admin.post('/records/complaint', { name: `${m} 服务态度`, severity: 'low', compensation: '0.10' }));
    expect((await admin.get(`/records/complaint/${complaint.id}`)).body).toEqual(complaint);
    const list = ok(await admin.get(`/records/complaint?sort=code`), 200);
    expect(list.items.map((i: any) => i.id)).toEqual([complaint.id, second.id, third.id]);
    expect(list.total).toBe(3);
    const low = ok(await admin.get(`/records/complaint?filter=${enc({ field: 'severity', op: 'eq', value: 'low' })}&sort=code`), 200);
    expect(low.items.map((i: any) => i.id)).toEqual([second.id, third.id]);
    const g = ok(await admin.get('/records/complaint/groups?by=severity&measures=sum:compensation'), 200);
    expect(g.groups.map((n: any) => [n.value, n.count, n.measures['sum:compensation']])).toEqual([
      ['high', 1, '99.90'],
      ['low', 2, '0.10'],
    ]);
    ok(await admin.patch(`/records/complaint/${second.id}`, { severity: 'high' }), 200);
    const h = ok(await admin.get(`/records/complaint/${second.id}/history`), 200).items;
    expect(h.map((e: any) => [e.field, e.old, e.new])).toEqual([
      ['severity', 'low', 'high'],
      ['severity', null, 'low'],
    ]);
    const q = ok(await admin.get(`/records/complaint?q=${encodeURIComponent('质量')}`), 200);
    expect(q.items.map((i: any) => i.id)).toEqual([complaint.id]);
    const s = ok(await admin.get(`/search?q=${encodeURIComponent('物流延误')}`), 200);
    expect(s.hits.map((x: any) => [x.object, x.id])).toContainEqual(['complaint', second.id]);
    const byPhone = ok(await admin.get(`/search?q=075488881234`), 200);
    expect(byPhone.hits.map((x: any) => x.id)).toContain(complaint.id);
    // Records of other types sharing the table never leak in.
    const ids = (await admin.get('/records/complaint?limit=500')).body.items.map((i: any) => i.id);
    expect(ids).toHaveLength(3);
    // Validation like any object.
    const bad = await admin.post('/records/complaint', { name: 'x', severity: 'medium' });
    expect(fieldsOf(bad)).toEqual([{ field: 'severity', code: 'invalid_option' }]);
    const noName = await admin.post('/records/complaint', { severity: 'low' });
    expect(fieldsOf(noName)).toEqual([{ field: 'name', code: 'required' }]);
    expect((await admin.get('/records/complaint?limit=1')).body.total).toBe(3);
  });

  it('is invisible to users without rights on it, visible once granted', async () => {
    const before = await snapshot();
    const list = await staff.get('/records/complaint');
    expect(list.status).toBe(403);
    expect((await staff.get(`/records/complaint/${complaint.id}`)).status).toBe(404);
    expect((await staff.get('/records/complaint/groups?by=severity')).status).toBe(403);
    expect((await staff.get('/meta/objects/complaint')).status).toBe(404);
    expect((await staff.get('/meta/objects')).body.items.map((o: any) => o.name)).not.toContain('complaint');
    const s = ok(await staff.get(`/search?q=${encodeURIComponent('质量')}`), 200);
    expect(s.hits.map((x: any) => x.object)).not.toContain('complaint');
    const create = await staff.post('/records/complaint', { name: 'nope' });
    expect(create.status).toBe(403);
    expect((await staff.patch(`/records/complaint/${complaint.id}`, { severity: 'low' })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/complaint/${complaint.id}`)).body).toEqual(complaint);

    const reader = (await userWith(t, admin, { complaint: { read: 'all' } })).client;
    expect(ok(await reader.get('/records/complaint'), 200).total).toBe(3);
  });

  it('adds custom fields to the custom type later', async () => {
    ok(await admin.post('/meta/objects/complaint/fields', { name: 'rootCause', type: 'text', label: lbl('Root cause') }));
    const upd = ok(await admin.patch(`/records/complaint/${complaint.id}`, { rootCause: '包装破损' }), 200);
    expect(upd.rootCause).toBe('包装破损');
    expect((await admin.get(`/records/complaint?filter=${enc({ field: 'rootCause', op: 'contains', value: '破损' })}`)).body.total).toBe(1);
    // The customer object does not get it.
    expect((await admin.post('/records/customer', { name: 'x', rootCause: 'y' })).status).toBe(400);
  });

  it('lets expenses point at custom records and totals them in the ledger', async () => {
    const cat = ok(await admin.post('/records/expenseCategory', { name: `差旅 ${uid()}` }));
    const cat2 = ok(await admin.post('/records/expenseCategory', { name: `招待 ${uid()}` }));
    const e1 = await admin.post('/records/expense', { categoryId: cat.id, amount: '0.10', date: '2026-02-01', recordId: complaint.id, customerId: cust.id });
    expect(e1.status, JSON.stringify(e1.body)).toBe(201);
    expect(e1.body.recordId).toBe(complaint.id);
    expect(e1.body._labels.recordId).toBe(complaint.name);
    ok(await admin.post('/records/expense', { categoryId: cat.id, amount: '0.20', date: '2026-02-02', recordId: complaint.id }));
    ok(await admin.post('/records/expense', { categoryId: cat2.id, amount: '100.00', date: '2026-02-03', recordId: complaint.id }));
    ok(await admin.post('/records/expense', { categoryId: cat2.id, amount: '7.50', currency: 'USD', date: '2026-02-04', recordId: complaint.id }));
    const onRecord = enc({ field: 'recordId', op: 'eq', value: complaint.id });
    const g = ok(await admin.get(`/records/expense/groups?by=categoryId&measures=sum:amount&filter=${onRecord}`), 200);
    // Money is summed per currency, never across currencies.
    expect(g.groups.map((n: any) => [n.value, n.label, n.count, n.measures['sum:amount']])).toEqual(
      expect.arrayContaining([
        [cat.id, cat.name, 2, { CNY: '0.30' }],
        [cat2.id, cat2.name, 2, { CNY: '100.00', USD: '7.50' }],
      ]),
    );
    expect(g.totals).toMatchObject({ count: 4, measures: { 'sum:amount': { CNY: '100.30', USD: '7.50' } } });
    // Someone who may not see the currency gets no money sums at all (they could not be read).
    const blind = (await userWith(t, admin, { expense: { read: 'all', deny: { read: ['currency'] } }, expenseCategory: { read: 'all' } })).client;
    expect(ok(await blind.get(`/records/expense/groups?by=categoryId&measures=sum:amount&filter=${onRecord}`), 200).totals).toMatchObject({ count: 4, measures: { 'sum:amount': null } });
    const spender = (await userWith(t, admin, { expense: { create: 'all', read: 'all' }, expenseCategory: { read: 'all' } })).client;
    // A reference to something that is not a custom record is refused.
    const before = await snapshot();
    const bad = await admin.post('/records/expense', { categoryId: cat.id, amount: '1', date: '2026-02-01', recordId: cust.id });
    expect(fieldsOf(bad)).toEqual([{ field: 'recordId', code: 'invalid_reference' }]);
    // …and so is a custom record the user may not see, exactly like a random id.
    const hidden = await spender.post('/records/expense', { categoryId: cat.id, amount: '1', date: '2026-02-01', recordId: complaint.id });
    const ghost = await spender.post('/records/expense', { categoryId: cat.id, amount: '1', date: '2026-02-01', recordId: randomUUID() });
    expect(hidden.status).toBe(400);
    expect(fieldsOf(hidden)).toEqual([{ field: 'recordId', code: 'invalid_reference' }]);
    expect(hidden.body).toEqual(ghost.body);
    expect(await snapshot()).toEqual(before);
  });
});

describe('removing a custom business type', () => {
  it('is refused while records exist, then removes the type with its fields; built-in objects cannot be removed', async () => {
    const admin = await t.admin();
    const name = `tmp${Date.now().toString(36)}`;
    expect((await admin.post('/meta/objects', { name, label: { en: 'Temp', 'zh-CN': '临时' }, pluralLabel: { en: 'Temps', 'zh-CN': '临时' }, fields: [{ name: 'note', type: 'text', label: { en: 'Note', 'zh-CN': '备注' } }] })).status).toBe(201);
    const record = await admin.post(`/records/${name}`, { name: '一条记录', note: 'x' });
    expect(record.status).toBe(201);
    const refused = await admin.del(`/meta/objects/${name}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.fields).toEqual([{ field: 'name', code: 'in_use' }]);
    expect((await admin.del(`/records/${name}/${record.body.id}`)).status).toBe(200);
    expect((await admin.del(`/meta/objects/${name}`)).status).toBe(200);
    expect((await admin.get(`/meta/objects/${name}`)).status).toBe(404);
    expect((await admin.get(`/records/${name}`)).status).toBe(404);
    expect((await admin.del('/meta/objects/customer')).status).toBe(404);
  });
});
