import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';
import type { GroupPermissions } from '../../db/entities';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

const uid = () => randomBytes(4).toString('hex');
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));
const ok = <T = Record<string, any>>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
/** Exact decimal string → ten-thousandths, so sums are compared without floats. */
const units = (s: string | null) => {
  if (s === null) return 0n;
  const [i, d = ''] = s.split('.');
  const neg = i.startsWith('-');
  const v = BigInt(i.replace('-', '')) * 10000n + BigInt((d + '0000').slice(0, 4));
  return neg ? -v : v;
};

const m = `gx${uid()}`;
const mine = { field: 'name', op: 'startsWith', value: m };
let rows: Record<string, any>[] = [];

/** A user in exactly these groups' rights, with a language. */
async function userWith(permissions: GroupPermissions, locale: 'en' | 'zh-CN' | null = null) {
  const group = await f.group(permissions);
  const employee = await f.employee();
  const login = `u${uid()}`;
  const password = `pw-${uid()}-${uid()}`;
  ok(await admin.post('/users', { login, password, employeeId: employee.id, groupIds: [group.id], locale }));
  return t.login(login, password);
}

/** Raw download from an English browser (users who chose no language get English); the JSON helper would mangle a binary body. */
async function download(c: Client, query: string) {
  const res = await t.app.request(`${ORIGIN}/api/records/customer/export?${query}`, { headers: { cookie: c.cookie!, origin: ORIGIN, host: 'localhost', 'accept-language': 'en-GB,en;q=0.9' } });
  const buffer = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buffer, json: () => JSON.parse(buffer.toString('utf8')) };
}
async function workbook(buffer: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as never);
  return wb.worksheets[0];
}
const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);
const csvLines = (buffer: Buffer) => buffer.toString('utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  const specs: [string | null, string | null, string | null, string][] = [
    ['A', 'trade', '1000.10', '=1+2'],
    ['A', 'trade', '2000.20', '+SUM(A1:A9)'],
    ['A', 'it', '0.10', '-3+4'],
    ['B', 'it', '0.20', '@cmd'],
    ['B', 'it', null, 'plain'],
    ['B', null, '5000.00', 'no industry'],
    [null, 'finance', '123456789.99', 'no grade'],
  ];
  for (const [grade, industry, annualRevenue, name] of specs) {
    rows.push(ok(await admin.post('/records/customer', { name: `${m} ${name}`, grade, industry, annualRevenue })));
  }
  // A formula-like name at the very start of the cell, too.
  rows.push(ok(await admin.post('/records/customer', { name: `=HYPERLINK("http://evil.example","${m}")`, grade: 'C', annualRevenue: '1.00' })));
  rows = rows.slice(0, 7);
});
afterAll(async () => t?.close());

describe('groups', () => {
  it('nests groups with counts, sums and averages that add up to the totals', async () => {
    const res = await admin.get(`/records/customer/groups?by=grade,industry&measures=count,sum:annualRevenue,avg:annualRevenue&filter=${enc(mine)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { groups, totals } = res.body;
    expect(groups.map((g: any) => [g.value, g.count])).toEqual([
      ['A', 3],
      ['B', 3],
      [null, 1],
    ]);
    expect(groups[0].groups.map((g: any) => [g.value, g.count, g.measures['sum:annualRevenue']])).toEqual([
      ['it', 1, '0.10'],
      ['trade', 2, '3000.30'],
    ]);
    expect(groups[1].groups.map((g: any) => [g.value, g.count, g.measures['sum:annualRevenue']])).toEqual([
      ['it', 2, '0.20'],
      [null, 1, '5000.00'],
    ]);
    expect(groups[0].measures['sum:annualRevenue']).toBe('3000.40');
    expect(Number(groups[0].measures['avg:annualRevenue'])).toBeCloseTo(3000.4 / 3, 6);
    // A null revenue does not count in the average.
    expect(Number(groups[1].measures['avg:annualRevenue'])).toBeCloseTo(5000.2 / 2, 6);
    expect(totals.count).toBe(7);
    expect(totals.measures['sum:annualRevenue']).toBe('123464790.59');
    // Every level adds up exactly.
    expect(groups.reduce((s: number, g: any) => s + g.count, 0)).toBe(totals.count);
    expect(groups.reduce((s: bigint, g: any) => s + units(g.measures['sum:annualRevenue']), 0n)).toBe(units(totals.measures['sum:annualRevenue']));
    for (const g of groups) {
      expect(g.measures.count).toBe(g.count);
      expect(g.groups.reduce((s: number, x: any) => s + x.count, 0)).toBe(g.count);
      expect(g.groups.reduce((s: bigint, x: any) => s + units(x.measures['sum:annualRevenue']), 0n)).toBe(units(g.measures['sum:annualRevenue']));
      for (const x of g.groups) expect(x.groups).toBeUndefined();
    }
  });

  it('labels relation groups with the related record', async () => {
    const owner = await f.employee({ name: `Owner ${uid()}` });
    const c = ok(await admin.post('/records/customer', { name: `${m}rel`, ownerId: owner.id }));
    const res = ok(await admin.get(`/records/customer/groups?by=ownerId&filter=${enc({ field: 'id', op: 'eq', value: c.id })}`), 200);
    expect(res.groups).toEqual([{ value: owner.id, label: owner.name, count: 1, measures: { count: 1 } }]);
    expect((await admin.del(`/records/customer/${c.id}`)).status).toBe(200);
  });

  it('rejects unknown fields in by and measures with 400', async () => {
    const cases: [string, string, string][] = [
      ['by=colour', 'by', 'unknown_field'],
      ['by=grade,colour', 'by', 'unknown_field'],
      ['by=notes', 'by', 'unknown_field'],
      ['by=grade,industry,source,ownerId,departmentId', 'by', 'invalid_option'],
      ['by=grade&measures=sum:colour', 'measures', 'invalid_option'],
      ['by=grade&measures=sum:name', 'measures', 'invalid_option'],
      ['by=grade&measures=median:annualRevenue', 'measures', 'invalid_option'],
      ['by=grade&measures=count,avg', 'measures', 'invalid_option'],
    ];
    for (const [query, field, code] of cases) {
      const res = await admin.get(`/records/customer/groups?${query}`);
      expect(res.status, query).toBe(400);
      expect(fieldsOf(res), query).toEqual([{ field, code }]);
    }
    // Without by: the grand totals only.
    const all = ok(await admin.get(`/records/customer/groups?measures=sum:annualRevenue&filter=${enc(mine)}`), 200);
    expect(all.groups).toEqual([]);
    expect(all.totals).toEqual({ count: 7, measures: { count: 7, 'sum:annualRevenue': '123464790.59' } });
  });
});

describe('export', () => {
  it('writes xlsx with headers in the user language, typed cells and no formulas', async () => {
    const zh = await userWith({ customer: { read: 'all', export: 'all' } }, 'zh-CN');
    const res = await download(zh, `format=xlsx&columns=code,name,grade,annualRevenue,createdAt&sort=code&filter=${enc(mine)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="customer-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const sheet = await workbook(res.buffer);
    expect(headerOf(sheet)).toEqual(['客户编号', '客户名称', '信用等级', '年营业额', '创建时间']);
    expect(sheet.rowCount).toBe(1 + rows.length);
    const body = [...Array(rows.length)].map((_, i) => sheet.getRow(i + 2));
    expect(body.map((r) => r.getCell(1).value)).toEqual(rows.map((r) => r.code));
    for (const [i, r] of body.entries()) {
      const name = r.getCell(2);
      expect(name.type).not.toBe(ExcelJS.ValueType.Formula);
      expect(typeof name.value).toBe('string');
      const original = rows[i].name as string;
      expect(name.value).toBe(/^[=+\-@]/.test(original) ? `'${original}` : original);
      const revenue = r.getCell(4);
      if (rows[i].annualRevenue === null) expect(revenue.value).toBeNull();
      else {
        expect(revenue.type).toBe(ExcelJS.ValueType.Number);
        expect(revenue.value).toBe(Number(rows[i].annualRevenue));
      }
      const created = r.getCell(5);
      expect(created.type).toBe(ExcelJS.ValueType.Date);
      expect((created.value as Date).toISOString()).toBe(rows[i].createdAt);
    }
    // Select values are written with their label.
    expect(body[0].getCell(3).value).toBe('A');
    // English for an English user; the locale parameter overrides.
    const en = await download(admin, `format=xlsx&columns=name,industry&filter=${enc(mine)}&sort=code`);
    const enSheet = await workbook(en.buffer);
    expect(headerOf(enSheet)).toEqual(['Name', 'Industry']);
    expect(enSheet.getRow(2).getCell(2).value).toBe('Trade');
    const forced = await workbook((await download(admin, `format=xlsx&columns=name,industry&filter=${enc(mine)}&sort=code&locale=zh-CN`)).buffer);
    expect(headerOf(forced)).toEqual(['客户名称', '行业']);
    expect(forced.getRow(2).getCell(2).value).toBe('贸易');
  });

  it('never writes a live formula, even with the formula at the start of the name', async () => {
    const res = await download(admin, `format=xlsx&columns=name&q=${encodeURIComponent('HYPERLINK')}`);
    const sheet = await workbook(res.buffer);
    expect(sheet.rowCount).toBe(2);
    const cell = sheet.getRow(2).getCell(1);
    expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
    expect(String(cell.value).startsWith("'=")).toBe(true);
    const csv = csvLines((await download(admin, `format=csv&columns=name&q=${encodeURIComponent('HYPERLINK')}`)).buffer);
    expect(csv[1].startsWith(`"'=HYPERLINK(`)).toBe(true);
  });

  it('writes CSV with a BOM, the filter and the sort of the request', async () => {
    const res = await download(admin, `format=csv&columns=name,annualRevenue&sort=-annualRevenue&filter=${enc({ and: [mine, { field: 'grade', op: 'in', value: ['A', 'B'] }] })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.buffer.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csvLines(res.buffer);
    expect(lines[0]).toBe('Name,Annual revenue');
    const expected = rows
      .filter((r) => ['A', 'B'].includes(r.grade))
      .sort((a, b) => (b.annualRevenue === null ? -1 : a.annualRevenue === null ? 1 : Number(b.annualRevenue) - Number(a.annualRevenue)));
    expect(lines.slice(1).map((l) => l.split(',')[0].replace(/^'/, ''))).toEqual(expected.map((r) => r.name));
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(expected.map((r) => (r.annualRevenue === null ? '' : String(Number(r.annualRevenue)))));
    for (const l of lines.slice(1)) expect(l).not.toMatch(/^[=+\-@]/);
    // The quick search narrows the export too.
    const q = csvLines((await download(admin, `format=csv&columns=name&q=${encodeURIComponent(`${m} plain`)}`)).buffer);
    expect(q).toEqual(['Name', `${m} plain`]);
  });

  it('answers 403 to a user without export rights', async () => {
    const reader = await userWith({ customer: { read: 'all', export: 'none' } });
    for (const format of ['xlsx', 'csv']) {
      const res = await download(reader, `format=${format}`);
      expect(res.status).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const nothing = await userWith({});
    expect((await download(nothing, 'format=csv')).status).toBe(403);
  });

  it('exports only the rows the user may export', async () => {
    const owner = await userWith({ customer: { read: 'all', export: 'own' } });
    const lines = csvLines((await download(owner, `format=csv&columns=name&filter=${enc(mine)}`)).buffer);
    expect(lines).toEqual(['Name']);
  });

  it('leaves out a column the user may not read, and refuses to export it (400)', async () => {
    const denied = await userWith({ customer: { read: 'all', export: 'all', deny: { read: ['annualRevenue'] } } });
    const sheet = await workbook((await download(denied, `format=xlsx&filter=${enc(mine)}`)).buffer);
    const header = headerOf(sheet);
    expect(header).toContain('Name');
    expect(header).not.toContain('Annual revenue');
    expect(sheet.rowCount).toBe(1 + rows.length);
    const csv = csvLines((await download(denied, `format=csv&filter=${enc(mine)}`)).buffer);
    expect(csv[0]).not.toContain('Annual revenue');
    for (const format of ['xlsx', 'csv']) {
      const asked = await download(denied, `format=${format}&columns=name,annualRevenue`);
      expect(asked.status).toBe(400);
      expect(fieldsOf({ body: asked.json() })).toEqual([{ field: 'columns', code: 'unknown_field' }]);
    }
  });

  it('answers 400, not a broken file, for a bad filter or sort', async () => {
    const cases: [string, string][] = [
      [`sort=colour`, 'sort'],
      [`filter=${enc({ field: 'colour', op: 'eq', value: 1 })}`, 'filter.field'],
      [`filter=${enc({ field: 'name', op: 'regex', value: 1 })}`, 'filter.op'],
      [`columns=colour`, 'columns'],
      [`format=pdf`, 'query.format'],
    ];
    for (const [query, field] of cases) {
      const res = await download(admin, `format=xlsx&${query}`.replace('format=xlsx&format=pdf', 'format=pdf'));
      expect(res.status, query).toBe(400);
      expect(fieldsOf({ body: res.json() })[0].field, query).toBe(field);
    }
    const denied = await userWith({ customer: { read: 'all', export: 'all', deny: { read: ['annualRevenue'] } } });
    expect((await download(denied, 'format=csv&sort=annualRevenue')).status).toBe(400);
    expect((await download(denied, `format=csv&filter=${enc({ field: 'annualRevenue', op: 'gt', value: '1' })}`)).status).toBe(400);
  });
});

describe('grouped export', () => {
  it('writes a grouped list as an outline: a heading with the count per group, records one level deeper', async () => {
    const tag = `ol${uid()}`;
    for (const [grade, n] of [['A', 2], ['B', 1]] as const) {
      for (let i = 0; i < n; i++) ok(await admin.post('/records/customer', { name: `${tag} ${grade}${i}`, grade }));
    }
    const filter = enc({ field: 'name', op: 'startsWith', value: tag });
    const res = await download(admin, `format=xlsx&locale=en&columns=name,grade&groupBy=grade&sort=name&filter=${filter}`);
    expect(res.status).toBe(200);
    const sheet = await workbook(res.buffer);
    const lines: [string, number][] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) lines.push([String(row.getCell(1).value), row.outlineLevel ?? 0]);
    });
    expect(lines).toEqual([
      ['Credit grade: A (2)', 0],
      [`${tag} A0`, 1],
      [`${tag} A1`, 1],
      ['Credit grade: B (1)', 0],
      [`${tag} B0`, 1],
    ]);
    expect((await download(admin, `format=xlsx&groupBy=createdAt`)).status).toBe(400);
  });
});
