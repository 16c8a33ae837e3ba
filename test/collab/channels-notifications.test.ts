import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestServer, type TestServer } from '../helpers/server';
import { factories } from '../helpers/factories';
import type { Client } from '../helpers/app';
import type { GroupPermissions } from '../../db/entities';
import { channelTimings } from '../../collab/channels/context';
import { sendBirthdayGreetings } from '../../server/notifications/workers';
import { todayInZone } from '../../server/time';
import { query } from '../../db/sql';
import { httpClient, next, online, record, sleep, type TestSocket } from './channels-helpers';

// Scheduled notifications are looked for every 300 ms here instead of every 5 s.
channelTimings.notificationTickMs = 300;

let t: TestServer;
let admin: Client;
let f: ReturnType<typeof factories>;
const open: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  admin = httpClient(t.url, await t.admin());
  f = factories(admin);
});
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(async () => t?.close());

const uid = () => Math.random().toString(36).slice(2, 8);
const customerRights: GroupPermissions = { customer: { read: 'own', create: 'own', edit: 'own' } };

async function person(permissions: GroupPermissions | null = customerRights, employeeFields: Record<string, unknown> = {}) {
  const name = `员工${uid()}`;
  const employee = await f.employee({ name, ...employeeFields });
  const group = permissions ? await f.group(permissions) : null;
  const user = await f.user({ employeeId: employee.id, groupIds: group ? [group.id] : [] });
  const cookie = await loginCookie(t.url, user.login, user.password);
  return { user, employee, name, cookie, client: httpClient(t.url, cookie) };
}

async function tab(cookie: string): Promise<TestSocket> {
  const s = await online(t.url, cookie);
  open.push(s);
  return s;
}

const listOf = async (c: Client) => (await c.get('/notifications')).body;
const em = () => t.server.services.db.orm.em.fork();

describe('assigned', () => {
  it('tells the new owner, live, in their language; not when they assign themselves', async () => {
    const b = await person({ ...customerRights, employee: { read: 'all' } });
    const sb = await tab(b.cookie);
    const pushed = next(sb, 'notification:new');
    const customer = (await admin.post('/records/customer', { name: '上海宏达贸易', ownerId: b.employee.id })).body;
    const n = await pushed;
    expect(n).toMatchObject({ kind: 'assigned', title: 'admin 将客户「上海宏达贸易」分配给了你', link: `/records/customer/${customer.id}`, readAt: null });
    expect(n.data).toMatchObject({ object: 'customer', id: customer.id });
    expect((await listOf(b.client)).items.map((x: any) => x.id)).toEqual([n.id]);

    // In English for a user who chose English; on a change of owner too.
    expect((await admin.patch(`/users/${b.user.id}`, { locale: 'en' })).status).toBe(200);
    const other = (await admin.post('/records/customer', { name: 'Acme Ltd' })).body;
    const second = next(sb, 'notification:new');
    await admin.patch(`/records/customer/${other.id}`, { ownerId: b.employee.id });
    expect((await second).title).toBe('admin assigned customer Acme Ltd to you');

    // Someone who gives themselves a record is not told.
    const heard = record(sb, 'notification:new');
    expect((await b.client.post('/records/customer', { name: `自己的${uid()}`, ownerId: b.employee.id })).status).toBe(201);
    // Editing another field of an assigned record says nothing either.
    await admin.patch(`/records/customer/${other.id}`, { grade: 'A' });
    await sleep(800);
    expect(heard).toEqual([]);
  });

  it('a bulk assignment becomes one summary instead of a flood', async () => {
    const b = await person();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await admin.post('/records/customer', { name: `批量${i}-${uid()}` })).body.id);
    // The creates' batch is done before the assignment starts (bulk-assign announces each row
    // before its transaction commits, so a batch must not straddle it).
    await sleep(1_200);
    const sb = await tab(b.cookie);
    const heard = record(sb, 'notification:new');
    expect((await admin.post('/records/customer/bulk-assign', { ids, ownerId: b.employee.id })).status).toBe(200);
    await expect.poll(() => heard.length).toBe(1);
    await sleep(600);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ kind: 'assigned', title: 'admin 将 7 条客户分配给了你', link: '/records/customer' });
  });
});

describe('mentions in records', () => {
  it('notifies people newly @mentioned in a long text they may read, once per record and day', async () => {
    const b = await person();
    const blind = await person({ customer: { read: 'none' } });
    const customer = (await admin.post('/records/customer', { name: `提及${uid()}`, ownerId: b.employee.id })).body;
    await sleep(500);
    const sb = await tab(b.cookie);
    const sblind = await tab(blind.cookie);
    const blindHeard = record(sblind, 'notification:new');
    const pushed = next(sb, 'notification:new', (n) => n.kind === 'mention');
    await admin.patch(`/records/customer/${customer.id}`, { notes: `请 @${b.name} 明天回访，@${blind.user.login} 抄送` });
    const n = await pushed;
    expect(n).toMatchObject({ kind: 'mention', title: `admin 在客户「${customer.name}」中提到了你`, link: `/records/customer/${customer.id}` });
    expect(n.body).toContain(`@${b.name}`);
    const heard = record(sb, 'notification:new');
    // Still mentioned, not newly: nothing. Removed and mentioned again the same day: nothing.
    await admin.patch(`/records/customer/${customer.id}`, { notes: `请 @${b.name} 明天回访，@${blind.user.login} 抄送。已约好时间` });
    await admin.patch(`/records/customer/${customer.id}`, { notes: '无' });
    await sleep(500);
    await admin.patch(`/records/customer/${customer.id}`, { notes: `再次提醒 @${b.user.login}` });
    await sleep(1000);
    expect(heard).toEqual([]);
    // Someone who may not read the customer hears nothing of it.
    expect(blindHeard).toEqual([]);
    expect((await listOf(blind.client)).items).toEqual([]);
  });
});

describe('reminders', () => {
  it('a reminder due later is invisible until due, then pushed once to every tab', async () => {
    const b = await person();
    const tab1 = await tab(b.cookie);
    const tab2 = await tab(b.cookie);
    const heard1 = record(tab1, 'notification:new');
    const heard2 = record(tab2, 'notification:new');
    const at = new Date(Date.now() + 3_000).toISOString();
    const res = await b.client.post('/notifications/reminders', { at, title: '给王总回电话', body: '报价确认', link: '/records/customer' });
    expect(res.status).toBe(201);
    expect((await listOf(b.client)).items).toEqual([]);
    await expect.poll(() => heard1.length + heard2.length, { timeout: 10_000 }).toBe(2);
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(at).getTime());
    await sleep(1000);
    expect(heard1).toHaveLength(1);
    expect(heard2).toHaveLength(1);
    expect(heard1[0]).toMatchObject({ id: res.body.id, kind: 'reminder', title: '给王总回电话', body: '报价确认', link: '/records/customer' });
    const list = await listOf(b.client);
    expect(list.items.map((n: any) => n.id)).toEqual([res.body.id]);
    expect(list.unread).toBe(1);
    const [row] = await query<{ sent_at: Date | null }>(em(), `select sent_at from notification where id = ?`, [res.body.id]);
    expect(row.sent_at).not.toBeNull();
  });

  it('refuses reminders in the past, more than a year ahead, or linking elsewhere, naming the field', async () => {
    const b = await person();
    const field = async (body: unknown) => {
      const res = await b.client.post('/notifications/reminders', body);
      expect(res.status).toBe(400);
      return res.body.error.details.fields.map((x: any) => x.field);
    };
    const soon = new Date(Date.now() + 3600_000).toISOString();
    expect(await field({ at: new Date(Date.now() - 60_000).toISOString(), title: 'x' })).toEqual(['at']);
    expect(await field({ at: new Date(Date.now() + 400 * 86_400_000).toISOString(), title: 'x' })).toEqual(['at']);
    expect(await field({ at: 'tomorrow', title: 'x' })).toEqual(['at']);
    expect(await field({ at: soon, title: '  ' })).toEqual(['title']);
    expect(await field({ at: soon, title: 'x', link: 'https://evil.example/' })).toEqual(['link']);
    expect(await field({ at: soon, title: 'x', link: '//evil.example/' })).toEqual(['link']);
    expect(await field({ at: soon, title: 'x', userId: admin.cookie })).toEqual(['userId']);
    expect((await b.client.get('/notifications?unreadOnly=true')).body.items).toEqual([]);
  });
});

describe('birthdays', () => {
  it('greets an employee’s own user on their birthday, once a year', async () => {
    const today = todayInZone();
    const birthday = `1990-${today.slice(5)}`;
    const b = await person(null, { birthday });
    const retired = await person(null, { birthday, active: false });
    const sb = await tab(b.cookie);
    const greeting = next(sb, 'notification:new', (n) => n.kind === 'birthday');
    expect(await sendBirthdayGreetings(t.server.services)).toBeGreaterThanOrEqual(1);
    expect(await greeting).toMatchObject({ kind: 'birthday', title: `${b.name}，生日快乐！` });
    const heard = record(sb, 'notification:new');
    expect(await sendBirthdayGreetings(t.server.services)).toBe(0);
    await sleep(300);
    expect(heard).toEqual([]);
    expect((await listOf(b.client)).items.filter((n: any) => n.kind === 'birthday')).toHaveLength(1);
    expect((await listOf(retired.client)).items).toEqual([]);
  });
});

describe('marking read', () => {
  it('marks read across every tab of the user', async () => {
    const b = await person();
    const sb1 = await tab(b.cookie);
    const sb2 = await tab(b.cookie);
    const arrived = next(sb1, 'notification:new');
    for (let i = 0; i < 3; i++) await admin.post('/records/customer', { name: `已读${i}-${uid()}`, ownerId: b.employee.id });
    await arrived;
    await expect.poll(async () => (await listOf(b.client)).unread).toBe(3);
    const items = (await listOf(b.client)).items;
    const one = [next(sb1, 'notification:read'), next(sb2, 'notification:read')];
    const res = await b.client.post('/notifications/read', { ids: [items[0].id] });
    expect(res.body).toEqual({ ids: [items[0].id], unread: 2 });
    expect(await Promise.all(one)).toEqual([
      { ids: [items[0].id], unread: 2 },
      { ids: [items[0].id], unread: 2 },
    ]);
    const all = [next(sb1, 'notification:read'), next(sb2, 'notification:read')];
    await b.client.post('/notifications/read', { all: true });
    expect(await Promise.all(all)).toEqual([
      { ids: null, unread: 0 },
      { ids: null, unread: 0 },
    ]);
    expect((await b.client.get('/notifications?unreadOnly=true')).body).toEqual({ items: [], unread: 0 });
  });
});
