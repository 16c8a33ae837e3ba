import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';

let t: TestApp;
let admin: Client;
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
});
afterAll(async () => t?.close());

async function customer(fields: Record<string, unknown> = {}) {
  const res = await admin.post('/records/customer', { name: `客户 ${Math.random().toString(36).slice(2, 8)}`, ...fields });
  expect(res.status).toBe(201);
  return res.body;
}

describe('query favourites and saved views', () => {
  it('offers the built-in favourites, and they filter', async () => {
    const fresh = await customer();
    const res = await admin.get('/views?object=customer&kind=query');
    expect(res.status).toBe(200);
    const added = res.body.items.find((v: any) => v.id === 'builtin:customersAddedThisMonth');
    expect(added).toMatchObject({ builtin: true, nameLabel: { 'zh-CN': '本月新增客户' } });
    const list = await admin.get(`/records/customer?filter=${enc(added.config.filter)}&limit=500`);
    expect(list.body.items.map((c: any) => c.id)).toContain(fresh.id);
  });

  it('finds customers with an activity in the last 30 days, and those without', async () => {
    const active = await customer();
    const quiet = await customer();
    expect((await admin.post('/records/activity', { type: 'call', at: new Date().toISOString(), subject: '回访', customerId: active.id })).status).toBe(201);
    const old = new Date(Date.now() - 60 * 86_400_000).toISOString();
    expect((await admin.post('/records/activity', { type: 'visit', at: old, subject: '旧拜访', customerId: quiet.id })).status).toBe(201);
    const recent = { related: 'activity', via: 'customerId', where: { field: 'at', op: 'lastNDays', value: 30 } };
    const ids = (await admin.get(`/records/customer?filter=${enc(recent)}&limit=500`)).body.items.map((c: any) => c.id);
    expect(ids).toContain(active.id);
    expect(ids).not.toContain(quiet.id);
    const none = (await admin.get(`/records/customer?filter=${enc({ ...recent, exists: false })}&limit=500`)).body.items.map((c: any) => c.id);
    expect(none).toContain(quiet.id);
    expect(none).not.toContain(active.id);
  });

  it('rejects a related condition through a field that does not point here', async () => {
    const res = await admin.get(`/records/customer?filter=${enc({ related: 'activity', via: 'subject' })}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('filter.via');
  });

  it('saves personal and shared views; others see shared ones read-only', async () => {
    const mine = await admin.post('/views', { object: 'customer', kind: 'view', name: '我的重点客户', config: { columns: ['name', 'grade'], sort: '-annualRevenue', groupBy: ['grade'] } });
    expect(mine.status).toBe(201);
    const shared = await admin.post('/views', { object: 'customer', kind: 'query', name: 'A 级客户', shared: true, config: { filter: { field: 'grade', op: 'eq', value: 'A' } } });
    expect(shared.status).toBe(201);
    const bad = await admin.post('/views', { object: 'customer', kind: 'query', name: 'bad', config: { filter: { field: 'nope', op: 'eq', value: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('config.filter.field');

    const { client } = await userWith(t, admin, { customer: { read: 'all' } });
    const seen = (await client.get('/views?object=customer')).body.items.map((v: any) => v.id);
    expect(seen).toContain(shared.body.id);
    expect(seen).not.toContain(mine.body.id);
    expect((await client.patch(`/views/${shared.body.id}`, { name: 'mine now' })).status).toBe(403);
    expect((await client.del(`/views/${mine.body.id}`)).status).toBe(404);
    expect((await admin.patch(`/views/${mine.body.id}`, { shared: true })).body.shared).toBe(true);
    expect((await admin.del(`/views/${mine.body.id}`)).status).toBe(200);
  });
});

describe('favourite folders', () => {
  it('keeps named folders of customers that open as a list', async () => {
    const a = await customer();
    const b = await customer();
    const folder = await admin.post('/folders', { object: 'customer', name: '展会客户' });
    expect(folder.status).toBe(201);
    const added = await admin.post(`/folders/${folder.body.id}/items`, { ids: [a.id, b.id] });
    expect(added.body.count).toBe(2);
    const list = await admin.get(`/records/customer?folder=${folder.body.id}`);
    expect(list.body.total).toBe(2);
    await t.request('DELETE', `/folders/${folder.body.id}/items`, { body: { ids: [a.id] }, cookie: admin.cookie });
    expect((await admin.get(`/records/customer?folder=${folder.body.id}`)).body.items.map((c: any) => c.id)).toEqual([b.id]);
  });

  it("cannot add records the user cannot read, nor open another user's folder", async () => {
    const dep = await factories(admin).department();
    const { client, employee } = await userWith(t, admin, { customer: { read: 'own' } }, dep.id);
    const mine = await customer({ ownerId: employee.id });
    const other = await customer();
    const folder = (await client.post('/folders', { object: 'customer', name: 'x' })).body;
    const res = await client.post(`/folders/${folder.id}/items`, { ids: [mine.id, other.id] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([{ field: 'ids.1', code: 'invalid_reference' }]);
    expect((await client.get('/folders?object=customer')).body.items[0].count).toBe(0);
    expect((await admin.get(`/records/customer?folder=${folder.id}`)).body.total).toBe(0);
  });
});

describe('contact employment history', () => {
  it('moving a contact to a new company keeps the old job as history', async () => {
    const oldCo = await customer();
    const newCo = await customer();
    const contact = (await admin.post('/records/contact', { name: '王五' })).body;
    const first = await admin.post('/records/contactEmployment', { contactId: contact.id, customerId: oldCo.id, title: '采购经理', fromDate: '2020-01-01' });
    expect(first.status).toBe(201);
    expect((await admin.get(`/records/contact/${contact.id}`)).body.customerId).toBe(oldCo.id);
    const second = await admin.post('/records/contactEmployment', { contactId: contact.id, customerId: newCo.id, title: '总经理', fromDate: '2025-06-01' });
    expect(second.status).toBe(201);
    const jobs = (await admin.get(`/records/contactEmployment?filter=${enc({ field: 'contactId', op: 'eq', value: contact.id })}&sort=fromDate`)).body.items;
    expect(jobs.map((j: any) => [j.customerId, j.current])).toEqual([
      [oldCo.id, false],
      [newCo.id, true],
    ]);
    expect(jobs[0].toDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await admin.get(`/records/contact/${contact.id}`)).body.customerId).toBe(newCo.id);
    // The contact's company is derived: nobody sets it by hand.
    const direct = await admin.patch(`/records/contact/${contact.id}`, { customerId: oldCo.id });
    expect(direct.status).toBe(400);
    expect(direct.body.error.details.fields).toEqual([{ field: 'customerId', code: 'protected_field' }]);
  });
});
