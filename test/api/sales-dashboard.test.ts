import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';
import { loginCookie, startTestServer, type TestServer } from '../helpers/server';
import { httpClient, next, online, request, type TestSocket } from '../collab/channels-helpers';
import type { GroupPermissions } from '../../db/entities';
import type { DashboardUpdate, MetricResult } from '../../collab/channels/events';
import { relativeRange, todayInZone } from '../../server/time';

// The live sales dashboard: figures of a small known data set (funnel weighting, this month vs
// last month, ageing buckets, totals per currency), scoped to the viewer, exported to Excel, and
// pushed over Socket.IO when an order is confirmed.

const uid = () => randomBytes(4).toString('hex');
type Body = Record<string, any>;
type Row = (string | number | null)[];

const ok = <T = Body>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
/** Exact cents of a decimal string, and back: expectations without floats. */
const cents = (s: string) => {
  const [i, d = ''] = s.split('.');
  return BigInt(i) * 100n + BigInt(d.padEnd(2, '0'));
};
const money = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

/** The sales API as the tests use it, for one admin client. */
function salesApi(admin: Client) {
  const f = factories(admin);
  return {
    f,
    customer: async (fields: Body = {}) => ok(await admin.post('/records/customer', { name: `Cust ${uid()}`, ...fields })),
    product: async () => ok(await admin.post('/records/product', { name: `Prod ${uid()}`, listPrice: '1.00' })),
    /** An order with lines given as [quantity, unit price]; confirmed unless `draft`. */
    async order(productId: string, fields: Body, lines: [number, string][], draft = false) {
      const o = ok(await admin.post('/records/salesOrder', { ...fields, lines: lines.map(([quantity, unitPrice]) => ({ productId, quantity, unitPrice })) }));
      return draft ? o : ok(await admin.post(`/records/salesOrder/${o.id}/confirm`, {}), 200);
    },
    receipt: async (fields: Body) => ok(await admin.post('/records/receipt', fields)),
    async person(t: { login(login: string, password: string): Promise<Client> }, permissions: GroupPermissions, employee: Body = {}, locale?: 'en') {
      const group = await f.group(permissions);
      const emp = await f.employee({ name: `销售${uid()}`, ...employee });
      const user = await f.user({ employeeId: emp.id, groupIds: [group.id] });
      if (locale) ok(await admin.patch(`/users/${user.id}`, { locale }), 200);
      return { user, employee: emp, client: await t.login(user.login, user.password) };
    },
  };
}

describe('sales dashboard figures', () => {
  let t: TestApp;
  let admin: Client;
  let s: ReturnType<typeof salesApi>;
  let product: Body;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.admin();
    s = salesApi(admin);
    product = await s.product();
  });
  afterAll(async () => t?.close());

  const metric = async (c: Client, name: string, qs = ''): Promise<MetricResult> => ok(await c.get(`/dashboards/metrics/${name}${qs}`), 200);
  const stages = async () => ok(await admin.get('/records/salesStage?limit=100'), 200).items as Body[];
  const stage = async (code: string) => (await stages()).find((x) => x.code === code)!;
  const only = (rows: Row[], currencies: string[]) => rows.filter((r) => currencies.includes(r[1] as string));

  it('lists the sales dashboard with its metrics, and only those the viewer may see', async () => {
    const dashboards = ok(await admin.get('/dashboards'), 200).items as Body[];
    const sales = dashboards.find((d) => d.name === 'sales')!;
    expect(sales.label).toEqual({ en: 'Sales', 'zh-CN': '销售' });
    expect(sales.metrics.map((m: Body) => m.name)).toEqual([
      'sales.funnel',
      'sales.ordersMonthly',
      'sales.receiptsMonthly',
      'sales.receivablesAgeing',
      'sales.topCustomers',
      'sales.bySalesperson',
      'sales.byDepartment',
    ]);
    const ordersMonthly = sales.metrics.find((m: Body) => m.name === 'sales.ordersMonthly');
    expect(ordersMonthly.objects).toContain('salesOrder');
    expect(sales.metrics.find((m: Body) => m.name === 'sales.receivablesAgeing').objects).toEqual(expect.arrayContaining(['receivable', 'receipt']));

    const funnelOnly = await s.person(t, { opportunity: { read: 'own' } });
    const seen = (ok(await funnelOnly.client.get('/dashboards'), 200).items as Body[]).find((d) => d.name === 'sales')!;
    expect(seen.metrics.map((m: Body) => m.name)).toEqual(['sales.funnel']);
    expect((await funnelOnly.client.get('/dashboards/metrics/sales.ordersMonthly')).status).toBe(403);
    const nothing = await s.person(t, {});
    expect((ok(await nothing.client.get('/dashboards'), 200).items as Body[]).find((d) => d.name === 'sales')).toBeUndefined();
  });

  it('funnel: open opportunities by stage in stage order, amounts and Σ amount × probability to the cent, per currency', async () => {
    const cust = await s.customer();
    const opp = async (fields: Body) => ok(await admin.post('/records/opportunity', { name: `Deal ${uid()}`, customerId: cust.id, ...fields }));
    const [prospecting, lead, confirmed, signed] = [await stage('prospecting'), await stage('leadFollowUp'), await stage('opportunityConfirmed'), await stage('contractSigned')];
    await opp({ stageId: prospecting.id, amount: '10000.00' }); // 10 % → 1000.00
    await opp({ stageId: lead.id, amount: '333.33' }); // 25 % → 83.3325
    await opp({ stageId: lead.id, amount: '20000.00', probability: 33.5 }); // overridden → 6700.00
    await opp({ stageId: signed.id }); // no amount: counted, adds nothing
    await opp({ stageId: confirmed.id, amount: '5000.00', status: 'won' }); // not open
    await opp({ stageId: confirmed.id, amount: '1000.00', currency: 'USD' }); // another currency

    const zh = await metric(admin, 'sales.funnel');
    expect(zh.columns.map((c) => [c.name, c.type])).toEqual([
      ['stage', 'text'],
      ['count', 'number'],
      ['amount', 'money'],
      ['weighted', 'money'],
    ]);
    expect(zh.rows).toEqual([
      ['初步接洽', 1, '10000.00', '1000.00'],
      ['线索跟进', 2, '20333.33', '6783.33'],
      ['商机确认', 0, '0.00', '0.00'],
      ['签订合同', 1, '0.00', '0.00'],
      ['回款跟踪', 0, '0.00', '0.00'],
      ['重复销售', 0, '0.00', '0.00'],
    ]);
    expect(await metric(admin, 'sales.funnel', '?currency=CNY')).toEqual(zh);
    expect((await metric(admin, 'sales.funnel', '?currency=USD')).rows[2]).toEqual(['商机确认', 1, '1000.00', '500.00']);

    // The viewer's language; a stage added between, and a retired one only while it holds open opportunities.
    const english = await s.person(t, { opportunity: { read: 'all' } }, {}, 'en');
    const demo = ok(await admin.post('/records/salesStage', { name: '方案演示', nameEn: 'Demo', sortOrder: 1.5, probability: 20 }));
    const emptyRetired = ok(await admin.post('/records/salesStage', { name: '停用', nameEn: 'Retired', sortOrder: 9, probability: 5 }));
    await opp({ stageId: demo.id, amount: '0.05' }); // 20 % of 5 cents is 1 cent
    ok(await admin.patch(`/records/salesStage/${demo.id}`, { active: false }), 200);
    ok(await admin.patch(`/records/salesStage/${emptyRetired.id}`, { active: false }), 200);
    const en = await metric(english.client, 'sales.funnel');
    expect(en.rows.map((r) => r[0])).toEqual(['Prospecting', 'Demo', 'Lead follow-up', 'Opportunity confirmed', 'Contract signed', 'Receivable tracking', 'Repeat sale']);
    expect(en.rows[1]).toEqual(['Demo', 1, '0.05', '0.01']);
    expect(en.columns[0].label).toEqual({ en: 'Stage', 'zh-CN': '销售阶段' });

    // Parameters are checked: a currency that does not exist, a parameter the funnel does not take.
    const bad = await admin.get('/dashboards/metrics/sales.funnel?currency=XYZ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toMatchObject([{ field: 'params.currency', code: 'invalid_option' }]);
    const extra = await admin.get('/dashboards/metrics/sales.ordersMonthly?year=2024');
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.fields).toEqual([{ field: 'params.year', code: 'unknown_field' }]);
  });

  // Confirmed orders of the monthly test, for the top-customers expectation.
  const sales: { customer: string; currency: string; date: string; total: string }[] = [];

  it('orders and receipts this month vs last month per currency; by salesperson and department; top customers', async () => {
    const [thisStart] = relativeRange('thisMonth', 0);
    const [lastStart] = relativeRange('lastMonth', 0);
    const twoMonthsAgo = addDays(lastStart, -1);
    const org = await s.f.organisation();
    const [d1, d2] = [await s.f.department({ organisationId: org.id, name: `华东${uid()}` }), await s.f.department({ organisationId: org.id, name: `华南${uid()}` })];
    const [e1, e2] = [await s.f.employee({ name: `张${uid()}`, departmentId: d1.id }), await s.f.employee({ name: `李${uid()}`, departmentId: d2.id })];
    const [a, b] = [await s.customer({ name: `甲${uid()}` }), await s.customer({ name: `乙${uid()}` })];
    const by1 = { ownerId: e1.id, departmentId: d1.id };
    const by2 = { ownerId: e2.id, departmentId: d2.id };
    const place = async (cust: Body, fields: Body, lines: [number, string][], draft = false) => {
      const o = await s.order(product.id, { customerId: cust.id, ...fields }, lines, draft);
      if (!draft) sales.push({ customer: cust.name, currency: o.currency, date: o.date, total: o.total });
      return o;
    };
    const o1 = await place(a, { date: thisStart, ...by1 }, [[1, '1000.10'], [1, '0.10'], [2, '0.10']]);
    expect(o1.total).toBe('1000.40');
    await place(b, { date: thisStart, ...by2 }, [[1, '200.20']]);
    const o3 = await place(a, { date: thisStart, currency: 'USD', ...by1 }, [[2, '50.05']]);
    const o4 = await place(a, { date: lastStart, ...by1 }, [[1, '700.00']]);
    await place(a, { date: twoMonthsAgo, ...by1 }, [[1, '123.45']]);
    await place(b, { date: thisStart, ...by2 }, [[1, '999.00']], true); // a draft is no sale
    const cancelled = await place(b, { date: thisStart, ...by2 }, [[1, '888.00']], true);
    ok(await admin.post(`/records/salesOrder/${cancelled.id}/confirm`, {}), 200);
    ok(await admin.post(`/records/salesOrder/${cancelled.id}/cancel`, {}), 200);

    const orders = await metric(admin, 'sales.ordersMonthly');
    expect(orders.columns.map((c) => [c.name, c.type])).toEqual([
      ['period', 'text'],
      ['currency', 'text'],
      ['count', 'number'],
      ['amount', 'money'],
    ]);
    expect(orders.rows).toEqual([
      ['thisMonth', 'CNY', 2, '1200.60'],
      ['thisMonth', 'USD', 1, '100.10'],
      ['lastMonth', 'CNY', 1, '700.00'],
      ['lastMonth', 'USD', 0, '0.00'],
    ]);

    await s.receipt({ salesOrderId: o1.id, amount: '400.00', date: thisStart });
    await s.receipt({ salesOrderId: o1.id, amount: '0.20', date: thisStart });
    await s.receipt({ salesOrderId: o4.id, amount: '700.00', date: lastStart });
    await s.receipt({ salesOrderId: o3.id, amount: '0.10', date: todayInZone() });
    await s.receipt({ salesOrderId: o3.id, amount: '0.05', date: twoMonthsAgo });
    expect((await metric(admin, 'sales.receiptsMonthly')).rows).toEqual([
      ['thisMonth', 'CNY', 2, '400.20'],
      ['thisMonth', 'USD', 1, '0.10'],
      ['lastMonth', 'CNY', 1, '700.00'],
      ['lastMonth', 'USD', 0, '0.00'],
    ]);

    expect((await metric(admin, 'sales.bySalesperson')).rows).toEqual([
      [e1.name, 'CNY', 1, '1000.40'],
      [e2.name, 'CNY', 1, '200.20'],
      [e1.name, 'USD', 1, '100.10'],
    ]);
    const byDept = await metric(admin, 'sales.byDepartment');
    expect(byDept.columns.map((c) => c.name)).toEqual(['name', 'currency', 'count', 'amount']);
    expect(byDept.rows).toEqual([
      [d1.name, 'CNY', 1, '1000.40'],
      [d2.name, 'CNY', 1, '200.20'],
      [d1.name, 'USD', 1, '100.10'],
    ]);

    // This year's confirmed orders per customer and currency (last month may be last year in January).
    const [yearStart] = relativeRange('thisYear', 0);
    const totals = new Map<string, bigint>();
    for (const o of sales.filter((x) => x.date >= yearStart)) totals.set(`${o.currency}|${o.customer}`, (totals.get(`${o.currency}|${o.customer}`) ?? 0n) + cents(o.total));
    const expected = [...totals]
      .map(([k, v]) => [k.split('|')[1], k.split('|')[0], v] as const)
      .sort((x, y) => x[1].localeCompare(y[1]) || (y[2] > x[2] ? 1 : y[2] < x[2] ? -1 : 0))
      .map(([c, cur, v]) => [c, cur, money(v)]);
    expect((await metric(admin, 'sales.topCustomers')).rows).toEqual(expected);
  });

  it('top customers: the ten largest per currency', async () => {
    const [thisStart] = relativeRange('thisMonth', 0);
    const made: [string, string][] = [];
    for (let i = 1; i <= 12; i++) {
      const cust = await s.customer({ name: `港${String(i).padStart(2, '0')}${uid()}` });
      await s.order(product.id, { customerId: cust.id, currency: 'HKD', date: thisStart }, [[i, '10.01']]);
      made.push([cust.name, money(cents('10.01') * BigInt(i))]);
    }
    const hkd = (await metric(admin, 'sales.topCustomers')).rows.filter((r) => r[1] === 'HKD');
    expect(hkd).toEqual(made.reverse().slice(0, 10).map(([name, amount]) => [name, 'HKD', amount]));
  });

  it('receivables ageing: outstanding (total − receipts) by days since the order or contract date, in four buckets per currency', async () => {
    const today = todayInZone();
    const cust = await s.customer();
    const eur = async (daysAgo: number, total: string) => s.order(product.id, { customerId: cust.id, currency: 'EUR', date: addDays(today, -daysAgo) }, [[1, total]]);
    await eur(0, '100.00');
    await eur(30, '30.00');
    const partly = await eur(31, '200.00');
    await s.receipt({ salesOrderId: partly.id, amount: '50.00' });
    await eur(60, '60.00');
    await eur(61, '61.00');
    await eur(90, '90.00');
    await eur(91, '91.00');
    const paid = await eur(200, '500.00');
    await s.receipt({ salesOrderId: paid.id, amount: '500.00' });
    // A signed contract carries its own receivable, dated by the contract.
    ok(await admin.post('/records/contract', { customerId: cust.id, amount: '1000.00', currency: 'EUR', status: 'signed', date: addDays(today, -100) }));
    ok(await admin.post('/records/contract', { customerId: cust.id, amount: '0.99', currency: 'USD', status: 'signed', date: addDays(today, -45) }));

    const ageing = await metric(admin, 'sales.receivablesAgeing');
    expect(ageing.columns.map((c) => [c.name, c.type])).toEqual([
      ['bucket', 'text'],
      ['currency', 'text'],
      ['amount', 'money'],
    ]);
    expect(only(ageing.rows, ['EUR'])).toEqual([
      ['0-30', 'EUR', '130.00'],
      ['31-60', 'EUR', '210.00'],
      ['61-90', 'EUR', '151.00'],
      ['90+', 'EUR', '1091.00'],
    ]);
    // Every bucket for every currency with something outstanding, in bucket order.
    expect(ageing.rows.map((r) => r[0])).toEqual(['0-30', '0-30', '0-30', '0-30', '31-60', '31-60', '31-60', '31-60', '61-90', '61-90', '61-90', '61-90', '90+', '90+', '90+', '90+']);
    expect(ageing.rows.filter((r) => r[0] === '0-30').map((r) => r[1])).toEqual(['CNY', 'EUR', 'HKD', 'USD']);
    // The earlier test's USD order (100.10 − 0.15 received, dated this month) and the USD contract of 45 days ago.
    expect(only(ageing.rows, ['USD'])).toEqual([
      ['0-30', 'USD', '99.95'],
      ['31-60', 'USD', '0.99'],
      ['61-90', 'USD', '0.00'],
      ['90+', 'USD', '0.00'],
    ]);
  });

  it('counts for an own-level salesperson only his own opportunities, orders, receipts and receivables', async () => {
    const org = await s.f.organisation();
    const dept = await s.f.department({ organisationId: org.id, name: `西部${uid()}` });
    const own = await s.person(t, { opportunity: { read: 'own' }, salesOrder: { read: 'own' }, receipt: { read: 'own' }, receivable: { read: 'own' } }, { departmentId: dept.id });
    const cust = await s.customer({ name: `自有${uid()}` });
    const prospecting = await stage('prospecting');
    ok(await admin.post('/records/opportunity', { name: `Mine ${uid()}`, customerId: cust.id, stageId: prospecting.id, amount: '5000.00', ownerId: own.employee.id }));
    const mine = await s.order(product.id, { customerId: cust.id, ownerId: own.employee.id, departmentId: dept.id }, [[3, '100.00']]);
    await s.receipt({ salesOrderId: mine.id, amount: '100.00' });
    // Someone else's sale in the same department is not his.
    const other = await s.f.employee({ departmentId: dept.id });
    const theirs = await s.order(product.id, { customerId: cust.id, ownerId: other.id, departmentId: dept.id }, [[1, '77.00']]);
    await s.receipt({ salesOrderId: theirs.id, amount: '7.00' });

    const funnel = await metric(own.client, 'sales.funnel');
    expect(funnel.rows[0]).toEqual(['初步接洽', 1, '5000.00', '500.00']);
    expect(funnel.rows.slice(1).every((r) => r[1] === 0 && r[2] === '0.00')).toBe(true);
    expect((await metric(own.client, 'sales.ordersMonthly')).rows).toEqual([
      ['thisMonth', 'CNY', 1, '300.00'],
      ['lastMonth', 'CNY', 0, '0.00'],
    ]);
    expect((await metric(own.client, 'sales.receiptsMonthly')).rows).toEqual([
      ['thisMonth', 'CNY', 1, '100.00'],
      ['lastMonth', 'CNY', 0, '0.00'],
    ]);
    expect((await metric(own.client, 'sales.receivablesAgeing')).rows).toEqual([
      ['0-30', 'CNY', '200.00'],
      ['31-60', 'CNY', '0.00'],
      ['61-90', 'CNY', '0.00'],
      ['90+', 'CNY', '0.00'],
    ]);
    expect((await metric(own.client, 'sales.topCustomers')).rows).toEqual([[cust.name, 'CNY', '300.00']]);
    expect((await metric(own.client, 'sales.bySalesperson')).rows).toEqual([[own.employee.name, 'CNY', 1, '300.00']]);
    expect((await metric(own.client, 'sales.byDepartment')).rows).toEqual([[dept.name, 'CNY', 1, '300.00']]);
    // The administrator sees both sales of the department.
    expect((await metric(admin, 'sales.byDepartment')).rows).toContainEqual([dept.name, 'CNY', 2, '377.00']);

    // A department-level reader sees the department's orders.
    const lead = await s.person(t, { salesOrder: { read: 'department' } }, { departmentId: dept.id });
    expect((await metric(lead.client, 'sales.bySalesperson')).rows).toEqual([
      [own.employee.name, 'CNY', 1, '300.00'],
      [other.name, 'CNY', 1, '77.00'],
    ]);
  });

  it('does not split by, nor show, fields hidden from the viewer', async () => {
    const blind = await s.person(t, { salesOrder: { read: 'all', deny: { read: ['total', 'ownerId'] } }, opportunity: { read: 'all', deny: { read: ['probability'] } } });
    const orders = await metric(blind.client, 'sales.ordersMonthly');
    expect(orders.rows.length).toBeGreaterThan(0);
    expect(orders.rows.every((r) => r[3] === null && typeof r[2] === 'number')).toBe(true);
    expect((await metric(blind.client, 'sales.topCustomers')).rows).toEqual([]);
    const bySp = await metric(blind.client, 'sales.bySalesperson');
    expect(bySp.rows.every((r) => r[0] === null && r[3] === null)).toBe(true);
    expect(bySp.rows.map((r) => r[1])).toEqual([...new Set(bySp.rows.map((r) => r[1]))]);
    const funnel = await metric(blind.client, 'sales.funnel');
    expect(funnel.rows[0]).toEqual(['初步接洽', 2, '15000.00', null]);
    // Without the stage: one row for every open opportunity in the currency, weighted as a whole
    // (1000 + 83.3325 + 6700 + 0.01 + 500, rounded once).
    const noStage = await s.person(t, { opportunity: { read: 'all', deny: { read: ['stageId'] } } });
    expect((await metric(noStage.client, 'sales.funnel')).rows).toEqual([[null, 6, '35333.38', '8283.34']]);
  });

  it('exports a sales metric to xlsx: labels in the chosen language, money as numbers', async () => {
    const res = await t.app.request(`${ORIGIN}/api/dashboards/metrics/sales.ordersMonthly/export?locale=en`, { headers: { cookie: admin.cookie!, origin: ORIGIN, host: 'localhost' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="sales\.ordersMonthly-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = wb.worksheets[0];
    expect(sheet.name).toBe('Orders this month and last mont');
    expect(sheet.getRow(1).values).toEqual([undefined, 'Period', 'Currency', 'Orders', 'Amount']);
    const figures = (await metric(admin, 'sales.ordersMonthly')).rows;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => (sheet.getRow(i + 2).values as unknown[]).slice(1));
    // The figures carry period codes with their words as the column's options; the file has the words.
    expect(figures.map((r) => r[0])).toContain('thisMonth');
    const periodWords = { thisMonth: 'This month', lastMonth: 'Last month' } as Record<string, string>;
    expect(rows).toEqual(figures.map((r) => [periodWords[r[0] as string], r[1], r[2], Number(r[3])]));
    expect(sheet.getCell('D2').numFmt).toBe('#,##0.00');

    const book = async (path: string) => {
      const res = await t.app.request(`${ORIGIN}/api${path}`, { headers: { cookie: admin.cookie!, origin: ORIGIN, host: 'localhost' } });
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
      return Array.from({ length: wb.worksheets[0].rowCount }, (_, i) => (wb.worksheets[0].getRow(i + 1).values as unknown[]).slice(1));
    };
    const zhMonthly = await book('/dashboards/metrics/sales.receiptsMonthly/export?locale=zh-CN');
    expect(zhMonthly[0]).toEqual(['期间', '币种', '回款笔数', '回款金额']);
    expect(new Set(zhMonthly.slice(1).map((r) => r[0]))).toEqual(new Set(['本月', '上月']));
    const ageing = await book('/dashboards/metrics/sales.receivablesAgeing/export?locale=en');
    expect([...new Set(ageing.slice(1).map((r) => r[0]))]).toEqual(['0–30 days', '31–60 days', '61–90 days', 'Over 90 days']);

    const zh = await book('/dashboards/metrics/sales.funnel/export');
    expect(zh[0]).toEqual(['销售阶段', '机会数', '预计金额', '加权金额']);
    expect(zh[1]).toEqual(['初步接洽', 2, 15000, 1500]);
    // Stage names follow the export's language, not the reader's.
    const en = await book('/dashboards/metrics/sales.funnel/export?locale=en');
    expect(en[0]).toEqual(['Stage', 'Opportunities', 'Amount', 'Weighted amount']);
    expect(en[1]).toEqual(['Prospecting', 2, 15000, 1500]);
  });

  it('sends the words of coded values as column options, and funnel stages in the reader\'s language (chosen, else the browser\'s)', async () => {
    const monthly = await metric(admin, 'sales.ordersMonthly');
    expect(monthly.columns[0]).toMatchObject({ name: 'period', options: [{ value: 'thisMonth', label: { en: 'This month', 'zh-CN': '本月' } }, { value: 'lastMonth', label: { en: 'Last month', 'zh-CN': '上月' } }] });
    const viaBrowser = async (lang: string) => {
      const res = await t.request('GET', '/dashboards/metrics/sales.funnel', { cookie: admin.cookie, headers: { 'accept-language': lang } });
      expect(res.status).toBe(200);
      return (res.body as MetricResult).rows.map((r) => r[0]);
    };
    expect((await viaBrowser('en-US,en;q=0.9,zh-CN;q=0.8'))[0]).toBe('Prospecting');
    expect((await viaBrowser('zh-CN,zh;q=0.9,en;q=0.8'))[0]).toBe('初步接洽');
  });
});

describe('live sales figures', () => {
  let t: TestServer;
  let admin: Client;
  const open: TestSocket[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    admin = httpClient(t.url, await t.admin());
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(async () => t?.close());

  const tab = async (cookie: string) => {
    const socket = await online(t.url, cookie);
    open.push(socket);
    return socket;
  };
  const thisMonthCny = (u: DashboardUpdate) => u.result.rows.find((r) => r[0] === 'thisMonth' && r[1] === 'CNY') ?? null;

  it('a socket subscribed to sales.ordersMonthly receives the new figure once an order is confirmed, scoped to its viewer', async () => {
    const s = salesApi(admin);
    const product = await s.product();
    const cust = await s.customer();
    const own = await s.person({ login: async (login, password) => httpClient(t.url, await loginCookie(t.url, login, password)) }, { salesOrder: { read: 'own' } });

    const adminTab = await tab(admin.cookie!);
    const ownTab = await tab(own.client.cookie!);
    const first = await request<DashboardUpdate>(adminTab, 'dashboard:subscribe', { metric: 'sales.ordersMonthly' });
    expect(first).toMatchObject({ ok: true, data: { metric: 'sales.ordersMonthly', params: {}, result: { rows: [] } } });
    const ownFirst = await request<DashboardUpdate>(ownTab, 'dashboard:subscribe', { metric: 'sales.ordersMonthly' });
    expect(ownFirst).toMatchObject({ ok: true, data: { result: { rows: [] } } });

    // A draft is no sale: the figure stays empty until the order is confirmed.
    const draft = await s.order(product.id, { customerId: cust.id }, [[2, '123.45'], [1, '0.10']], true);
    expect(draft.total).toBe('247.00');
    expect(ok(await admin.get('/dashboards/metrics/sales.ordersMonthly'), 200).rows).toEqual([]);

    const pushed = next(adminTab, 'dashboard:update', (u) => u.metric === 'sales.ordersMonthly' && thisMonthCny(u)?.[2] === 1, 10_000);
    const ownPushed = next(ownTab, 'dashboard:update', (u) => u.metric === 'sales.ordersMonthly', 10_000);
    ok(await admin.post(`/records/salesOrder/${draft.id}/confirm`, {}), 200);
    const update = await pushed;
    expect(update.result.rows).toEqual([
      ['thisMonth', 'CNY', 1, '247.00'],
      ['lastMonth', 'CNY', 0, '0.00'],
    ]);
    // The own-level viewer is told too, with his own figure: the order is not his.
    expect((await ownPushed).result.rows).toEqual([]);

    // A second order by him moves his figure and the administrator's.
    const adminSecond = next(adminTab, 'dashboard:update', (u) => thisMonthCny(u)?.[2] === 2, 10_000);
    const ownSecond = next(ownTab, 'dashboard:update', (u) => thisMonthCny(u)?.[2] === 1, 10_000);
    await s.order(product.id, { customerId: cust.id, ownerId: own.employee.id }, [[1, '0.01']]);
    expect(thisMonthCny(await adminSecond)).toEqual(['thisMonth', 'CNY', 2, '247.01']);
    expect(thisMonthCny(await ownSecond)).toEqual(['thisMonth', 'CNY', 1, '0.01']);
  });
});
