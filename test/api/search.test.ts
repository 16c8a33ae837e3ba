import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

const uid = () => randomBytes(4).toString('hex');
const ok = <T = Record<string, any>>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
type Hit = { object: string; id: string; title: string; subtitle: string | null; score: number };
async function search(c: Client, q: string, limit = 50): Promise<Hit[]> {
  return ok(await c.get(`/search?q=${encodeURIComponent(q)}&limit=${limit}`), 200).hits;
}
const keys = (hits: Hit[]) => hits.map((h) => `${h.object}:${h.id}`);

let zhangContact: Record<string, any>, zhangEmployee: Record<string, any>, otherOwner: Record<string, any>;
let tradeSuffix: Record<string, any>, tradePrefix: Record<string, any>, tradeMiddle: Record<string, any>;
let phoneSep: Record<string, any>, phoneBare: Record<string, any>;
let lisi: Record<string, any>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  otherOwner = await f.employee({ name: `Other ${uid()}` });
  zhangEmployee = await f.employee({ name: '张三', mobile: '13912345678' });
  zhangContact = ok(await admin.post('/records/contact', { name: '张三', mobile: '13800138000', ownerId: otherOwner.id }));
  lisi = ok(await admin.post('/records/contact', { name: '李四', ownerId: otherOwner.id }));
  tradeMiddle = ok(await admin.post('/records/customer', { name: '汕头市贸易有限公司' }));
  tradePrefix = ok(await admin.post('/records/customer', { name: '贸易之星', phone: '020-1234 5678' }));
  tradeSuffix = ok(await admin.post('/records/customer', { name: '国际贸易' }));
  phoneSep = ok(await admin.post('/records/customer', { name: `Phone sep ${uid()}`, phone: '0754-8888 1234' }));
  phoneBare = ok(await admin.post('/records/customer', { name: `Phone bare ${uid()}`, phone: '075499990000' }));
});
afterAll(async () => t?.close());

describe('global search', () => {
  it('finds a Chinese substring', async () => {
    const hits = await search(admin, '贸易');
    expect(keys(hits)).toEqual(expect.arrayContaining([tradeMiddle, tradePrefix, tradeSuffix].map((c) => `customer:${c.id}`)));
    expect(hits.every((h) => h.title.includes('贸易'))).toBe(true);
    expect(hits.find((h) => h.id === tradePrefix.id)!.subtitle).toBe('020-1234 5678');
  });

  it('ranks an exact title prefix first', async () => {
    const hits = await search(admin, '贸易');
    expect(hits[0].id).toBe(tradePrefix.id);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    const zhang = await search(admin, '张三');
    expect(zhang.slice(0, 2).map((h) => h.title)).toEqual(['张三', '张三']);
  });

  it.each(['zhangsan', 'ZhangSan', 'zs', '张三', '张'])('finds 张三 the contact and the employee by %s', async (q) => {
    const hits = await search(admin, q);
    expect(keys(hits)).toEqual(expect.arrayContaining([`contact:${zhangContact.id}`, `employee:${zhangEmployee.id}`]));
    expect(keys(hits)).not.toContain(`contact:${lisi.id}`);
  });

  it('finds phone numbers with or without separators', async () => {
    for (const q of ['075488881234', '0754-8888 1234', '0754 8888-1234', '88881234']) {
      expect(keys(await search(admin, q)), q).toContain(`customer:${phoneSep.id}`);
    }
    for (const q of ['075499990000', '0754-9999 0000', '(0754) 9999-0000']) {
      expect(keys(await search(admin, q)), q).toContain(`customer:${phoneBare.id}`);
    }
    expect(keys(await search(admin, '13800138000'))).toContain(`contact:${zhangContact.id}`);
    expect(keys(await search(admin, '138-0013-8000'))).toContain(`contact:${zhangContact.id}`);
  });

  it('finds nothing for something that is not there, and treats wildcards literally', async () => {
    expect(await search(admin, 'qqqxxxzzz')).toEqual([]);
    expect(await search(admin, '%')).toEqual([]);
    expect(await search(admin, '_')).toEqual([]);
  });

  it('validates the query', async () => {
    expect((await admin.get('/search?q=')).status).toBe(400);
    expect((await admin.get('/search')).status).toBe(400);
    expect((await admin.get(`/search?q=${'x'.repeat(101)}`)).status).toBe(400);
    expect((await admin.get('/search?q=zs&limit=0')).status).toBe(400);
    expect((await t.request('GET', '/search?q=zs')).status).toBe(401);
    expect((await search(admin, 'zs', 1)).length).toBe(1);
  });

  it('returns only records the user may read', async () => {
    const { client, employee } = await userWith(t, admin, { contact: { read: 'own', create: 'own' } });
    const mine = ok(await admin.post('/records/contact', { name: '张三丰', ownerId: employee.id }));
    for (const q of ['zhangsan', 'zs', '张三']) {
      const hits = await search(client, q);
      expect(keys(hits), q).toEqual([`contact:${mine.id}`]);
    }
    // No rights on customers or employees: nothing of theirs, whatever the query.
    expect(await search(client, '贸易')).toEqual([]);
    expect(await search(client, '075488881234')).toEqual([]);
    // Department level on customers: only the department's.
    const dept = await f.department();
    const deptCustomer = ok(await admin.post('/records/customer', { name: '部门贸易', departmentId: dept.id }));
    const d = await userWith(t, admin, { customer: { read: 'department' } }, dept.id);
    expect(keys(await search(d.client, '贸易'))).toEqual([`customer:${deptCustomer.id}`]);
  });

  it('hides a record whose searchable field the user may not read from matches on that field', async () => {
    const { client } = await userWith(t, admin, { customer: { read: 'all', deny: { read: ['phone'] } } });
    expect(keys(await search(client, '075488881234'))).not.toContain(`customer:${phoneSep.id}`);
    const hit = (await search(client, phoneSep.name)).find((h) => h.id === phoneSep.id);
    expect(hit).toBeDefined();
    expect(hit!.subtitle).toBeNull();
  });
});

describe('list quick filter q', () => {
  const ids = async (object: string, q: string, c: Client = admin) => {
    const res = ok(await c.get(`/records/${object}?q=${encodeURIComponent(q)}&limit=500`), 200);
    return res.items.map((i: any) => i.id as string);
  };

  it('uses the same matching as global search', async () => {
    for (const q of ['zhangsan', 'zs', '张三']) {
      // 张三丰 (made by an earlier test) matches as well; 李四 never does.
      const contacts = await ids('contact', q);
      expect(contacts, q).toContain(zhangContact.id);
      expect(contacts, q).not.toContain(lisi.id);
      expect(await ids('employee', q), q).toEqual([zhangEmployee.id]);
    }
    // 部门贸易 (made by an earlier test) matches as well.
    expect(await ids('customer', '贸易')).toEqual(expect.arrayContaining([tradeMiddle.id, tradePrefix.id, tradeSuffix.id]));
    expect((await ids('customer', '贸易')).length).toBe(4);
    expect(await ids('customer', '0754-8888 1234')).toEqual([phoneSep.id]);
    expect(await ids('customer', '075488881234')).toEqual([phoneSep.id]);
    expect(await ids('customer', '0754 9999-0000')).toEqual([phoneBare.id]);
    expect(await ids('contact', '138 0013 8000')).toEqual([zhangContact.id]);
    expect(await ids('customer', 'qqqxxxzzz')).toEqual([]);
  });

  it('keeps pinyin in step with edits', async () => {
    const c = ok(await admin.post('/records/contact', { name: '王五', ownerId: otherOwner.id }));
    expect(await ids('contact', 'wangwu')).toEqual([c.id]);
    ok(await admin.patch(`/records/contact/${c.id}`, { name: '赵六' }), 200);
    expect(await ids('contact', 'wangwu')).toEqual([]);
    expect(await ids('contact', 'zhaoliu')).toEqual([c.id]);
    expect(await ids('contact', 'zl')).toEqual([c.id]);
    expect((await search(admin, 'zhaoliu')).map((h) => h.id)).toEqual([c.id]);
  });

  it('respects the permission scope', async () => {
    const { client, employee } = await userWith(t, admin, { contact: { read: 'own' } });
    expect(await ids('contact', 'zs', client)).toEqual([]);
    const mine = ok(await admin.post('/records/contact', { name: '张小三', ownerId: employee.id }));
    expect(await ids('contact', 'zxs', client)).toEqual([mine.id]);
    expect(await ids('contact', '张', client)).toEqual([mine.id]);
  });
});
