import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';
import type { GroupPermissions } from '../../db/entities';
import { todayInZone } from '../../server/time';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
});
afterAll(async () => t?.close());

const uid = () => Math.random().toString(36).slice(2, 8);

async function person(permissions: GroupPermissions, departmentId?: string, locale?: 'en') {
  const group = await f.group(permissions);
  const employee = await f.employee({ name: `员工${uid()}`, ...(departmentId ? { departmentId } : {}) });
  const user = await f.user({ employeeId: employee.id, groupIds: [group.id] });
  if (locale) await admin.patch(`/users/${user.id}`, { locale });
  return { user, employee, client: await t.login(user.login, user.password) };
}

const metric = async (c: Client, name: string, qs = '') => {
  const res = await c.get(`/dashboards/metrics/${name}${qs}`);
  expect(res.status).toBe(200);
  return res.body as { columns: { name: string; label: Record<string, string>; type: string }[]; rows: (string | number | null)[][] };
};
const figure = (rows: (string | number | null)[][], label: string | null) => rows.find((r) => r[0] === label)?.[1];

describe('dashboards', () => {
  it('lists the dashboards and only the metrics the user may see', async () => {
    const all = (await admin.get('/dashboards')).body.items;
    const customers = all.find((d: any) => d.name === 'customers');
    expect(customers.label).toEqual({ en: 'Customers', 'zh-CN': '客户' });
    expect(customers.metrics.map((m: any) => m.name)).toEqual(['customers.totals', 'customers.addedThisMonthByDepartment', 'customers.newPerDay', 'customers.byGrade', 'activities.todayByType']);
    const onlyCustomers = await person({ customer: { read: 'own' } });
    const seen = (await onlyCustomers.client.get('/dashboards')).body.items.find((d: any) => d.name === 'customers');
    expect(seen.metrics.map((m: any) => m.name)).not.toContain('activities.todayByType');
    const nothing = await person({});
    expect((await nothing.client.get('/dashboards')).body.items.find((d: any) => d.name === 'customers')).toBeUndefined();
    expect((await nothing.client.get('/dashboards/metrics/customers.totals')).status).toBe(403);
  });

  it('counts only what each viewer may read: all, department, own', async () => {
    const org = await f.organisation();
    const east = await f.department({ organisationId: org.id, name: `华东${uid()}` });
    const west = await f.department({ organisationId: org.id, name: `华西${uid()}` });
    const own = await person({ customer: { read: 'own' } }, east.id);
    const dept = await person({ customer: { read: 'department' } }, east.id);
    const before = await metric(admin, 'customers.addedThisMonthByDepartment');
    for (let i = 0; i < 3; i++) await admin.post('/records/customer', { name: `东${i}${uid()}`, departmentId: east.id, grade: 'A' });
    await admin.post('/records/customer', { name: `东自己${uid()}`, departmentId: east.id, ownerId: own.employee.id, grade: 'B' });
    for (let i = 0; i < 2; i++) await admin.post('/records/customer', { name: `西${i}${uid()}`, departmentId: west.id });

    const byDept = await metric(admin, 'customers.addedThisMonthByDepartment');
    expect(byDept.columns.map((c) => c.name)).toEqual(['department', 'count']);
    expect(figure(byDept.rows, east.name)).toBe(4);
    expect(figure(byDept.rows, west.name)).toBe(2);
    expect(before.rows.find((r) => r[0] === east.name)).toBeUndefined();

    const deptView = await metric(dept.client, 'customers.addedThisMonthByDepartment');
    expect(deptView.rows).toEqual([[east.name, 4]]);
    const ownView = await metric(own.client, 'customers.addedThisMonthByDepartment');
    expect(ownView.rows).toEqual([[east.name, 1]]);
    expect((await metric(own.client, 'customers.totals')).rows.map((r) => r[1])).toEqual([1, 1, 1, 1]);
    expect((await metric(own.client, 'customers.byGrade')).rows).toEqual([['B', 1]]);

    const perDay = await metric(dept.client, 'customers.newPerDay');
    expect(perDay.rows).toHaveLength(30);
    expect(perDay.rows.at(-1)).toEqual([todayInZone(), 4]);
    expect(perDay.rows.slice(0, -1).every((r) => r[1] === 0)).toBe(true);
  });

  it('does not split by a field hidden from the viewer', async () => {
    const org = await f.organisation();
    const d = await f.department({ organisationId: org.id });
    const hidden = await person({ customer: { read: 'department', deny: { read: ['departmentId', 'grade'] } } }, d.id);
    await admin.post('/records/customer', { name: `隐${uid()}`, departmentId: d.id, grade: 'C' });
    expect((await metric(hidden.client, 'customers.addedThisMonthByDepartment')).rows).toEqual([[null, 1]]);
    expect((await metric(hidden.client, 'customers.byGrade')).rows).toEqual([[null, 1]]);
  });

  it('labels option values in the viewer’s language (activities today by type)', async () => {
    const en = await person({ activity: { read: 'all' } }, undefined, 'en');
    const before = await metric(admin, 'activities.todayByType');
    const now = new Date().toISOString();
    for (const type of ['call', 'call', 'visit']) expect((await admin.post('/records/activity', { type, at: now, subject: `今日${uid()}` })).status).toBe(201);
    await admin.post('/records/activity', { type: 'call', at: new Date(Date.now() - 3 * 86_400_000).toISOString(), subject: '三天前' });
    const zh = await metric(admin, 'activities.todayByType');
    expect((figure(zh.rows, '电话') as number) - ((figure(before.rows, '电话') as number) ?? 0)).toBe(2);
    expect((figure(zh.rows, '拜访') as number) - ((figure(before.rows, '拜访') as number) ?? 0)).toBe(1);
    const english = await metric(en.client, 'activities.todayByType');
    expect(figure(english.rows, 'Call')).toBe(figure(zh.rows, '电话'));
  });

  it('exports a metric as xlsx with labels in the chosen language and formula-like text neutralised', async () => {
    const org = await f.organisation();
    const evil = await f.department({ organisationId: org.id, name: '=HYPERLINK("http://evil.example","x")' });
    await admin.post('/records/customer', { name: `导出${uid()}`, departmentId: evil.id });
    const res = await t.app.request(`${ORIGIN}/api/dashboards/metrics/customers.addedThisMonthByDepartment/export?locale=en`, { headers: { cookie: admin.cookie!, origin: ORIGIN, host: 'localhost' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, 'Department', 'Customers']);
    const cells = sheet.getColumn(1).values as unknown[];
    expect(cells).toContain(`'=HYPERLINK("http://evil.example","x")`);
    expect(cells).not.toContain('=HYPERLINK("http://evil.example","x")');
    const perDay = await t.app.request(`${ORIGIN}/api/dashboards/metrics/customers.newPerDay/export`, { headers: { cookie: admin.cookie!, origin: ORIGIN, host: 'localhost' } });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(await perDay.arrayBuffer()) as never);
    expect(wb2.worksheets[0].getRow(1).values).toEqual([undefined, '日期', '新增客户']);
    expect(wb2.worksheets[0].getCell('A31').value).toEqual(new Date(`${todayInZone()}T00:00:00Z`));
  });

  it('answers 404 for an unknown metric and 400 naming a parameter it does not take', async () => {
    expect((await admin.get('/dashboards/metrics/no.such')).status).toBe(404);
    const extra = await admin.get('/dashboards/metrics/customers.totals?year=2024');
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.fields).toEqual([{ field: 'params.year', code: 'unknown_field' }]);
    const badLocale = await admin.get('/dashboards/metrics/customers.totals/export?locale=fr');
    expect(badLocale.status).toBe(400);
    expect(badLocale.body.error.details.fields[0].field).toBe('query.locale');
    expect((await t.client().get('/dashboards')).status).toBe(401);
  });
});
