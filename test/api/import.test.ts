import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';
import type { RecordChanged } from '../../server/events';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;
const events: RecordChanged[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  t.services.bus.on('record.changed', (e) => events.push(e));
});
afterAll(async () => t?.close());

const uid = () => randomBytes(4).toString('hex');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function xlsx(rows: unknown[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

type Upload = { name: string; bytes: Uint8Array | string; type?: string };

/** Multipart through the real app: the test client only speaks JSON. */
async function importRaw(object: string, file: Upload | null, fields: Record<string, string> = {}, cookie: string | null = admin.cookie) {
  const form = new FormData();
  if (file) form.append('file', new Blob([file.bytes as BlobPart], { type: file.type ?? '' }), file.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const headers: Record<string, string> = { origin: ORIGIN, host: 'localhost' };
  if (cookie) headers.cookie = cookie;
  return t.app.request(`${ORIGIN}/api/records/${object}/import`, { method: 'POST', body: form, headers });
}
async function importFile(object: string, file: Upload, fields: Record<string, string> = {}, cookie: string | null = admin.cookie) {
  const res = await importRaw(object, file, fields, cookie);
  return { status: res.status, body: (await res.json()) as any };
}

async function total(object: string, filter?: unknown) {
  const res = await admin.get(`/records/${object}?limit=500${filter ? `&filter=${encodeURIComponent(JSON.stringify(filter))}` : ''}`);
  expect(res.status).toBe(200);
  return res.body as { items: Record<string, any>[]; total: number };
}
async function snapshot() {
  const ops = await admin.get('/logs/operations?limit=1');
  return { customers: (await total('customer')).total, ops: ops.body.total as number };
}
const byName = async (name: string) => (await total('customer', { field: 'name', op: 'eq', value: name })).items;

describe('xlsx import', () => {
  it('auto-matches Chinese headers and converts selects, relations, multi-selects and money', async () => {
    const owner = await f.employee({ name: `Owner ${uid()}` });
    const a = `甲公司 ${uid()}`;
    const b = `乙公司 ${uid()}`;
    const before = await snapshot();
    const eventsBefore = events.length;
    const file = await xlsx([
      ['客户名称', '电话', '信用等级', '年营业额', '行业', '负责人', '标签', '备注', '简称', '不存在的列'],
      [a, '021-5555 0001', 'A', 1_200_000.5, '制造业', owner.code, '重点客户、VIP', '=1+1', '+cmd', 'ignored'],
      [b, 13800000000, 'b', '2,500,000', 'Trade', owner.name, 'new', null, null, null],
    ]);
    const res = await importFile('customer', { name: 'customers.xlsx', bytes: file, type: XLSX });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 2, updated: 0, skipped: 0, rejected: [] });
    expect(res.body.columns).toEqual([
      { header: '客户名称', field: 'name' },
      { header: '电话', field: 'phone' },
      { header: '信用等级', field: 'grade' },
      { header: '年营业额', field: 'annualRevenue' },
      { header: '行业', field: 'industry' },
      { header: '负责人', field: 'ownerId' },
      { header: '标签', field: 'tags' },
      { header: '备注', field: 'notes' },
      { header: '简称', field: 'shortName' },
      { header: '不存在的列', field: null },
    ]);
    const [ra] = await byName(a);
    expect(ra).toMatchObject({ phone: '021-5555 0001', grade: 'A', industry: 'manufacturing', ownerId: owner.id, tags: ['key', 'vip'], notes: '=1+1', shortName: '+cmd' });
    expect(Number(ra.annualRevenue)).toBe(1_200_000.5);
    expect(ra.code).toMatch(/^C\d{6}$/);
    const [rb] = await byName(b);
    expect(rb).toMatchObject({ phone: '13800000000', grade: 'B', industry: 'trade', ownerId: owner.id, tags: ['new'], notes: null });
    expect(Number(rb.annualRevenue)).toBe(2_500_000);

    const after = await snapshot();
    expect(after.customers).toBe(before.customers + 2);
    expect(after.ops).toBe(before.ops + 2);
    const ops = await admin.get('/logs/operations?limit=2');
    expect(ops.body.items.map((i: any) => i.channel)).toEqual(['import', 'import']);
    const mine = events.slice(eventsBefore).filter((e) => e.object === 'customer');
    expect(mine.map((e) => [e.action, e.channel])).toEqual([['create', 'import'], ['create', 'import']]);
  });

  it('imports dates from date cells and selects by Chinese label on another object', async () => {
    const name = `李四 ${uid()}`;
    const file = await xlsx([
      ['姓名', '性别', '生日', 'Mobile'],
      [name, '男', new Date(Date.UTC(1990, 4, 1)), '13900000001'],
    ]);
    const res = await importFile('contact', { name: 'contacts.xlsx', bytes: file });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, rejected: [] });
    const items = (await total('contact', { field: 'name', op: 'eq', value: name })).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ gender: 'male', birthday: '1990-05-01', mobile: '13900000001' });
  });

  it('reads booleans from 是/否 and relations by code, and rejects a name that matches two records', async () => {
    const customer = (await admin.post('/records/customer', { name: `Emp co ${uid()}` })).body;
    const contact = (await admin.post('/records/contact', { name: `Emp person ${uid()}` })).body;
    const file = await xlsx([
      ['联系人', '客户', '职务', '起始日期', '现任'],
      [contact.code, customer.code, 'CEO', '2020/3/5', '否'],
      [contact.name, customer.name, 'CTO', '2021年7月1日', 'yes'],
    ]);
    const res = await importFile('contactEmployment', { name: 'e.xlsx', bytes: file });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, rejected: [] });
    const items = (await total('contactEmployment', { field: 'contactId', op: 'eq', value: contact.id })).items;
    expect(items.map((i) => [i.title, i.customerId, i.fromDate, i.current]).sort()).toEqual([
      ['CEO', customer.id, '2020-03-05', false],
      ['CTO', customer.id, '2021-07-01', true],
    ]);

    const twin = `Twin ${uid()}`;
    await f.employee({ name: twin });
    await f.employee({ name: twin });
    const before = await snapshot();
    const amb = await importFile('customer', { name: 'a.xlsx', bytes: await xlsx([['Name', 'Owner', 'Tags'], [`Amb ${uid()}`, twin, '新客户；VIP']]) });
    expect(amb.body.rejected).toMatchObject([{ row: 2, field: 'ownerId', code: 'ambiguous' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('takes formula-like text and cached formula results as plain values, never formulas', async () => {
    const name = `=HYPERLINK("http://evil","x") ${uid()}`;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['Name', 'Notes', 'Short name']);
    ws.addRow([name, '=1+1', null]);
    ws.getCell('C2').value = { formula: '1+1', result: 2 };
    const res = await importFile('customer', { name: 'f.xlsx', bytes: new Uint8Array(await wb.xlsx.writeBuffer()) });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);
    const [r] = await byName(name);
    expect(r).toMatchObject({ name, notes: '=1+1', shortName: '2' });
  });
});

describe('CSV import', () => {
  it('reads GB18030 CSV', async () => {
    const tag = uid();
    // "张三 <tag>,13800000000" with 张 = D5 C5 and 三 = C8 FD in GB18030.
    const bytes = new Uint8Array([
      ...Buffer.from('name,phone\r\n', 'ascii'),
      0xd5, 0xc5, 0xc8, 0xfd,
      ...Buffer.from(` ${tag},13800000000\r\n`, 'ascii'),
    ]);
    const res = await importFile('customer', { name: 'gbk.csv', bytes, type: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, rejected: [] });
    expect(await byName(`张三 ${tag}`)).toHaveLength(1);
  });

  it('reads UTF-8 CSV with a BOM, quoted fields and an explicit mapping', async () => {
    const name = `王五, "五哥" ${uid()}`;
    const csv = `\ufeff公司,联系电话,等级\r\n"${name.replace(/"/g, '""')}",13700000000,C级\r\n`;
    const res = await importFile('customer', { name: 'utf8.csv', bytes: new TextEncoder().encode(csv) }, { mapping: JSON.stringify({ 公司: 'name', 联系电话: 'phone', 等级: null }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, rejected: [], columns: [{ header: '公司', field: 'name' }, { header: '联系电话', field: 'phone' }, { header: '等级', field: null }] });
    const [r] = await byName(name);
    expect(r).toMatchObject({ phone: '13700000000', grade: null });
  });
});

describe('all or nothing', () => {
  it('writes nothing when one row is broken and reports every broken row', async () => {
    const before = await snapshot();
    const eventsBefore = events.length;
    const good1 = `Good ${uid()}`;
    const good2 = `Good ${uid()}`;
    const file = await xlsx([
      ['Name', 'Credit grade', 'Owner', 'Annual revenue'],
      [good1, 'A', null, 100],
      [`Bad ${uid()}`, 'Z', null, 100],
      [good2, '', null, null],
      [`Bad ref ${uid()}`, 'B', 'NO-SUCH-EMPLOYEE', 'abc'],
      [null, 'C', null, null],
    ]);
    const res = await importFile('customer', { name: 'broken.xlsx', bytes: file });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 2, rejectedRows: 3 });
    const rejected = res.body.rejected as any[];
    expect(rejected.map((r) => r.row)).toEqual([3, 5, 6]);
    expect(rejected[0]).toMatchObject({ field: 'grade', code: 'invalid_option', values: { Name: expect.stringMatching(/^Bad /), 'Credit grade': 'Z' } });
    expect(rejected[1].errors.map((e: any) => [e.field, e.code])).toEqual([
      ['ownerId', 'invalid_reference'],
      ['annualRevenue', 'invalid_type'],
    ]);
    expect(rejected[2]).toMatchObject({ field: 'name', code: 'required' });
    // In the company's language: the admin chose none and the request names no browser language.
    expect(rejected[0].message).toContain('信用等级');
    expect(await snapshot()).toEqual(before);
    expect(await byName(good1)).toHaveLength(0);
    expect(await byName(good2)).toHaveLength(0);
    expect(events.length).toBe(eventsBefore);
  });

  it('dry run reports what would happen and writes nothing', async () => {
    const before = await snapshot();
    const eventsBefore = events.length;
    const name = `Dry ${uid()}`;
    const file = await xlsx([['客户名称'], [name], [`${name} 2`]]);
    const res = await importFile('customer', { name: 'dry.xlsx', bytes: file }, { dryRun: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, created: 2, rejected: [] });
    expect(await snapshot()).toEqual(before);
    expect(events.length).toBe(eventsBefore);
    expect(await byName(name)).toHaveLength(0);
  });

  it('answers the rejected rows as an xlsx report with a reason column in the user locale', async () => {
    const before = await snapshot();
    const file = await xlsx([
      ['客户名称', '信用等级'],
      [`OK ${uid()}`, 'A'],
      ['坏行', '不存在'],
    ]);
    const res = await importRaw('customer', { name: 'r.xlsx', bytes: file }, { report: 'xlsx', locale: 'zh-CN' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(JSON.parse(res.headers.get('x-import-result')!)).toMatchObject({ created: 1, rejectedRows: 1 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, '客户名称', '信用等级', '原因']);
    expect(ws.rowCount).toBe(2);
    expect(ws.getCell('A2').value).toBe('坏行');
    expect(ws.getCell('B2').value).toBe('不存在');
    expect(String(ws.getCell('C2').value)).toMatch(/^第 3 行：信用等级：不是可选的值/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('duplicates', () => {
  it('skips or updates a record matched by name, and says which key matched', async () => {
    const existing = (await admin.post('/records/customer', { name: `Dup ${uid()}`, phone: '010-1111' })).body;
    const file = await xlsx([
      ['Name', 'Phone'],
      [existing.name, '010-2222'],
    ]);
    const before = await snapshot();
    const skip = await importFile('customer', { name: 'd.xlsx', bytes: file });
    expect(skip.status).toBe(200);
    expect(skip.body).toMatchObject({ created: 0, updated: 0, skipped: 1, rejected: [], duplicates: [{ row: 2, key: 'name', value: existing.name, id: existing.id, action: 'skipped' }], matchedBy: { name: 1 } });
    expect(await snapshot()).toEqual(before);

    const upd = await importFile('customer', { name: 'd.xlsx', bytes: file }, { duplicates: 'update' });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ created: 0, updated: 1, skipped: 0, duplicates: [{ key: 'name', action: 'updated' }] });
    expect((await admin.get(`/records/customer/${existing.id}`)).body.phone).toBe('010-2222');
    expect((await snapshot()).customers).toBe(before.customers);
  });

  it('matches by code before name, and by phone when there is neither', async () => {
    const existing = (await admin.post('/records/customer', { name: `Coded ${uid()}`, phone: `0571-${parseInt(uid(), 16)}` })).body;
    expect(existing.id).toEqual(expect.any(String));
    const byCode = await importFile('customer', { name: 'c.xlsx', bytes: await xlsx([['客户编号', '客户名称'], [existing.code, `Renamed ${uid()}`]]) }, { mode: 'upsert' });
    expect(byCode.status).toBe(200);
    expect(byCode.body).toMatchObject({ created: 0, updated: 1, duplicates: [{ key: 'code', id: existing.id }] });
    const renamed = (await admin.get(`/records/customer/${existing.id}`)).body;
    expect(renamed.name).not.toBe(existing.name);

    const byPhone = await importFile('customer', { name: 'p.xlsx', bytes: await xlsx([['电话', '备注'], [existing.phone, 'by phone']]) }, { mode: 'update' });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body).toMatchObject({ updated: 1, duplicates: [{ key: 'phone', id: existing.id }] });
    expect((await admin.get(`/records/customer/${existing.id}`)).body.notes).toBe('by phone');
  });

  it('rejects update-mode rows that match nothing', async () => {
    const before = await snapshot();
    const res = await importFile('customer', { name: 'u.xlsx', bytes: await xlsx([['Name'], [`Nobody ${uid()}`]]) }, { mode: 'update' });
    expect(res.status).toBe(200);
    expect(res.body.rejected).toMatchObject([{ row: 2, code: 'not_found' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('sees rows created earlier in the same file', async () => {
    const name = `Twice ${uid()}`;
    const res = await importFile('customer', { name: 't.xlsx', bytes: await xlsx([['Name'], [name], [name]]) });
    expect(res.body).toMatchObject({ created: 1, skipped: 1, duplicates: [{ row: 3, key: 'name' }] });
  });
});

describe('rights and bad input', () => {
  it('answers 403 to a user without create rights and writes nothing', async () => {
    const { client } = await userWith(t, admin, { customer: { read: 'all', edit: 'all' } });
    const before = await snapshot();
    const res = await importFile('customer', { name: 'x.xlsx', bytes: await xlsx([['Name'], [`No ${uid()}`]]) }, {}, client.cookie);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
  });

  it('needs a session', async () => {
    const res = await importFile('customer', { name: 'x.xlsx', bytes: await xlsx([['Name'], ['x']]) }, {}, null);
    expect(res.status).toBe(401);
  });

  it('refuses files that are not spreadsheets with 400 naming file', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    for (const file of [
      { name: 'picture.png', bytes: png, type: 'image/png' },
      { name: 'fake.xlsx', bytes: new TextEncoder().encode('name\nx\n') },
      { name: 'binary.csv', bytes: png },
      { name: 'broken.xlsx', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) },
    ]) {
      const res = await importFile('customer', file);
      expect(res.status, file.name).toBe(400);
      expect(res.body.error.details.fields.map((x: any) => x.field)).toEqual(['file']);
    }
    const missing = await importRaw('customer', null, { mode: 'create' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.details.fields).toEqual([{ field: 'file', code: 'required' }]);
  });

  it('rejects bad options and mappings with 400 naming them', async () => {
    const file = { name: 'x.xlsx', bytes: await xlsx([['Name'], ['x']]) };
    const mode = await importFile('customer', file, { mode: 'merge' });
    expect(mode.status).toBe(400);
    expect(mode.body.error.details.fields[0]).toMatchObject({ field: 'mode', code: 'invalid_option' });
    const badJson = await importFile('customer', file, { mapping: '{oops' });
    expect(badJson.body.error.details.fields[0]).toMatchObject({ field: 'mapping', code: 'invalid_format' });
    const badField = await importFile('customer', file, { mapping: JSON.stringify({ Name: 'createdAt' }) });
    expect(badField.status).toBe(400);
    expect(badField.body.error.details.fields[0]).toMatchObject({ field: 'mapping', code: 'protected_field' });
    const badHeader = await importFile('customer', file, { mapping: JSON.stringify({ Nope: 'name' }) });
    expect(badHeader.body.error.details.fields[0]).toMatchObject({ field: 'mapping', code: 'unknown_field' });
  });
});

describe('template', () => {
  it('offers an xlsx with a header per editable field in the user language', async () => {
    const res = await t.app.request(`${ORIGIN}/api/records/customer/import/template?format=xlsx&locale=zh-CN`, { headers: { origin: ORIGIN, host: 'localhost', cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const headers = (wb.worksheets[0].getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(expect.arrayContaining(['客户编号', '客户名称', '电话', '信用等级', '年营业额', '负责人', '标签']));
    expect(headers).not.toContain('创建时间');

    // The template imports as is: every header is matched.
    const back = await importFile('customer', { name: 'tpl.xlsx', bytes: await xlsx([headers, []]) }, { dryRun: 'true' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.columns.every((c: any) => c.field)).toBe(true);
  });
});
