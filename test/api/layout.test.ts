import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { userWith } from '../helpers/factories';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
});
afterAll(async () => t?.close());

describe('card layouts', () => {
  it('gives every object a default card: fields, related tabs, history', async () => {
    const res = await admin.get('/meta/objects/customer/layout');
    expect(res.status).toBe(200);
    expect(res.body.designed).toBe(false);
    const tabs = res.body.layout.tabs;
    expect(tabs[0]).toMatchObject({ kind: 'fields', key: 'details' });
    expect(tabs[0].sections[0].fields).toEqual(expect.arrayContaining(['name', 'phone', 'annualRevenue']));
    const related = tabs.filter((x: any) => x.kind === 'related').map((x: any) => `${x.object}.${x.via}`);
    expect(related).toEqual(expect.arrayContaining(['activity.customerId', 'expense.customerId', 'contactEmployment.customerId']));
    expect(tabs.at(-1)).toMatchObject({ kind: 'history' });
  });

  it('lets an administrator design the card, and keeps fields added later visible', async () => {
    const layout = {
      tabs: [
        { kind: 'fields', key: 'main', label: { en: 'Basics', 'zh-CN': '基本' }, sections: [{ key: 's1', label: { en: 'Who', 'zh-CN': '客户' }, columns: 1, fields: ['name', 'grade'] }] },
        { kind: 'related', key: 'acts', label: { en: 'Calls', 'zh-CN': '联系' }, object: 'activity', via: 'customerId' },
      ],
    };
    const saved = await t.request('PUT', '/meta/objects/customer/layout', { body: layout, cookie: admin.cookie });
    expect(saved.status).toBe(200);
    expect(saved.body.designed).toBe(true);
    const main = saved.body.layout.tabs[0];
    expect(main.sections[0].fields).toEqual(['name', 'grade']);
    // Unplaced fields are shown in a trailing section rather than hidden.
    expect(main.sections.at(-1).fields).toEqual(expect.arrayContaining(['phone', 'annualRevenue']));
    expect((await admin.post('/meta/objects/customer/fields', { name: 'tier', type: 'text', label: { en: 'Tier', 'zh-CN': '层级' } })).status).toBe(201);
    const after = await admin.get('/meta/objects/customer/layout');
    expect(after.body.layout.tabs[0].sections.at(-1).fields).toContain('tier');
  });

  it('rejects unknown fields, duplicates and related tabs that do not point here; non-admins may not design', async () => {
    const bad = {
      tabs: [
        { kind: 'fields', key: 'main', label: { en: 'A', 'zh-CN': 'A' }, sections: [{ key: 's', label: { en: 'S', 'zh-CN': 'S' }, fields: ['name', 'name', 'nope'] }] },
        { kind: 'related', key: 'r', label: { en: 'R', 'zh-CN': 'R' }, object: 'product', via: 'unitId' },
      ],
    };
    const res = await t.request('PUT', '/meta/objects/customer/layout', { body: bad, cookie: admin.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: any) => f.code)).toEqual(['not_unique', 'unknown_field', 'invalid_reference']);
    const { client } = await userWith(t, admin, { customer: { read: 'all', edit: 'all' } });
    expect((await t.request('PUT', '/meta/objects/customer/layout', { body: { tabs: [{ kind: 'history', key: 'h', label: { en: 'H', 'zh-CN': 'H' } }] }, cookie: client.cookie })).status).toBe(403);
  });

  it('computes a related list total for the card (groups without by)', async () => {
    const customer = (await admin.post('/records/customer', { name: '合计测试客户' })).body;
    const category = (await admin.post('/records/expenseCategory', { name: '差旅' })).body;
    for (const amount of ['100.10', '200.20', '0.70']) {
      expect((await admin.post('/records/expense', { categoryId: category.id, amount, date: '2026-11-01', customerId: customer.id })).status).toBe(201);
    }
    const filter = encodeURIComponent(JSON.stringify({ field: 'customerId', op: 'eq', value: customer.id }));
    const res = await admin.get(`/records/expense/groups?measures=sum:amount&filter=${filter}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ groups: [], totals: { count: 3, measures: { count: 3, 'sum:amount': { CNY: '301.00' } } } });
  });
});

describe('business record cards', () => {
  it('show the expenses booked against the record', async () => {
    const created = await admin.post('/meta/objects', { name: 'visitPlan', label: { en: 'Visit plan', 'zh-CN': '拜访计划' }, pluralLabel: { en: 'Visit plans', 'zh-CN': '拜访计划' } });
    expect(created.status).toBe(201);
    const tabs = (await admin.get('/meta/objects/visitPlan/layout')).body.layout.tabs;
    expect(tabs.filter((x: any) => x.kind === 'related').map((x: any) => `${x.object}.${x.via}`)).toContain('expense.recordId');
  });
});
