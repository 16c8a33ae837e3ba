import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';
import { notify, sendDueNotifications } from '../../server/notifications/service';
import { sendBirthdayGreetings } from '../../server/notifications/workers';
import { todayInZone } from '../../server/time';
import { query } from '../../db/sql';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;
/** What would have gone to users' tabs (the in-process app has no sockets: a spy stands in). */
let pushed: { userId: string; event: string; payload: any }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  t.services.push = (userId, event, ...args) => {
    pushed.push({ userId, event, payload: args[0] });
  };
});
beforeEach(() => {
  pushed = [];
});
afterAll(async () => t?.close());

async function person(locale?: 'en' | 'zh-CN') {
  const user = await f.user();
  if (locale) await admin.patch(`/users/${user.id}`, { locale });
  return { user, client: await t.login(user.login, user.password) };
}

const em = () => t.services.db.orm.em.fork();
const title = { en: 'Quote approved', 'zh-CN': '报价已批准' };

describe('notify()', () => {
  it('stores in the recipient’s language and pushes when due now', async () => {
    const zh = await person();
    const en = await person('en');
    const a = await notify(t.services, em(), { userId: zh.user.id, kind: 'approval', title, body: { en: 'Go ahead', 'zh-CN': '请继续' }, link: '/records/customer', data: { n: 1 } });
    const b = await notify(t.services, em(), { userId: en.user.id, kind: 'approval', title });
    expect(a).toMatchObject({ kind: 'approval', title: '报价已批准', body: '请继续', link: '/records/customer', data: { n: 1 }, readAt: null });
    expect(b).toMatchObject({ title: 'Quote approved', body: '' });
    expect(pushed).toEqual([
      { userId: zh.user.id, event: 'notification:new', payload: a },
      { userId: en.user.id, event: 'notification:new', payload: b },
    ]);
    const list = (await zh.client.get('/notifications')).body;
    expect(list).toEqual({ items: [a], unread: 1 });
  });

  it('keeps a scheduled one invisible and unsent; the ticker sends each due one exactly once', async () => {
    const p = await person();
    const soon = new Date(Date.now() + 2_500);
    for (const k of [1, 2, 3]) await notify(t.services, em(), { userId: p.user.id, kind: 'task', title: `任务 ${k}`, notifyAt: soon });
    const later = await notify(t.services, em(), { userId: p.user.id, kind: 'task', title: '下周', notifyAt: new Date(Date.now() + 7 * 86_400_000) });
    expect(pushed).toEqual([]);
    expect((await p.client.get('/notifications')).body).toEqual({ items: [], unread: 0 });
    await new Promise((r) => setTimeout(r, soon.getTime() - Date.now() + 100));
    // Two nodes' tickers at once: every row goes to one of them.
    const [x, y] = await Promise.all([sendDueNotifications(t.services, em()), sendDueNotifications(t.services, em())]);
    expect(x + y).toBe(3);
    const mine = pushed.filter((p2) => p2.userId === p.user.id);
    expect(mine.map((m) => m.payload.title).sort()).toEqual(['任务 1', '任务 2', '任务 3']);
    expect(await sendDueNotifications(t.services, em())).toBe(0);
    const list = (await p.client.get('/notifications')).body;
    expect(list.items.map((n: any) => n.title).sort()).toEqual(['任务 1', '任务 2', '任务 3']);
    expect(list.items.map((n: any) => n.id)).not.toContain(later!.id);
  });

  it('ignores a repeat of a dedupe key (long keys too)', async () => {
    const p = await person();
    const key = `mention:${'x'.repeat(150)}`;
    expect(await notify(t.services, em(), { userId: p.user.id, kind: 'mention', title: 'a', dedupeKey: key })).not.toBeNull();
    expect(await notify(t.services, em(), { userId: p.user.id, kind: 'mention', title: 'b', dedupeKey: key })).toBeNull();
    expect(await notify(t.services, em(), { userId: p.user.id, kind: 'mention', title: 'c', dedupeKey: `${key}y` })).not.toBeNull();
    expect((await p.client.get('/notifications')).body.items.map((n: any) => n.title).sort()).toEqual(['a', 'c']);
    expect(pushed).toHaveLength(2);
  });

  it('inside a transaction, pushes only once it commits, and nothing when it rolls back', async () => {
    const p = await person();
    await em().transactional(async (tem) => {
      await notify(t.services, tem, { userId: p.user.id, kind: 'task', title: '提交后' });
      expect(pushed).toEqual([]);
    });
    await expect.poll(() => pushed.map((x) => x.payload.title)).toEqual(['提交后']);
    await expect(
      em().transactional(async (tem) => {
        await notify(t.services, tem, { userId: p.user.id, kind: 'task', title: '回滚' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await new Promise((r) => setTimeout(r, 300));
    expect(pushed.map((x) => x.payload.title)).toEqual(['提交后']);
    const rows = await query<{ title: string }>(em(), `select title from notification where user_id = ?`, [p.user.id]);
    expect(rows.map((r) => r.title)).toEqual(['提交后']);
  });
});

describe('the notification centre', () => {
  it('pages newest first, filters unread, and marks read only the user’s own', async () => {
    const p = await person();
    const other = await person();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await notify(t.services, em(), { userId: p.user.id, kind: 'task', title: `第${i}条`, notifyAt: new Date(Date.now() - (10 - i) * 1000) }))!.id);
    }
    const foreign = (await notify(t.services, em(), { userId: other.user.id, kind: 'task', title: '别人的' }))!;
    const page1 = (await p.client.get('/notifications?limit=2')).body;
    expect(page1.items.map((n: any) => n.title)).toEqual(['第4条', '第3条']);
    expect(page1.unread).toBe(5);
    const page2 = (await p.client.get(`/notifications?limit=2&before=${page1.items[1].id}`)).body;
    expect(page2.items.map((n: any) => n.title)).toEqual(['第2条', '第1条']);

    pushed = [];
    const read = await p.client.post('/notifications/read', { ids: [ids[4], ids[3], foreign.id] });
    expect(read.status).toBe(200);
    expect(read.body.ids).toEqual([ids[4], ids[3]]);
    expect(read.body.unread).toBe(3);
    expect(pushed).toEqual([{ userId: p.user.id, event: 'notification:read', payload: read.body }]);
    expect((await other.client.get('/notifications')).body.unread).toBe(1);
    const unreadOnly = (await p.client.get('/notifications?unreadOnly=true')).body;
    expect(unreadOnly.items.map((n: any) => n.title)).toEqual(['第2条', '第1条', '第0条']);
    const all = await p.client.post('/notifications/read', { all: true });
    expect(all.body).toEqual({ ids: null, unread: 0 });
    expect((await p.client.get('/notifications')).body.items.every((n: any) => n.readAt)).toBe(true);
  });

  it('answers 400 naming the field for bad input, 401 without a session', async () => {
    const p = await person();
    const fields = async (res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      expect(r.status).toBe(400);
      return r.body.error.details.fields.map((x: any) => x.field);
    };
    expect(await fields(p.client.post('/notifications/read', {}))).toEqual(['ids']);
    expect(await fields(p.client.post('/notifications/read', { ids: ['x'] }))).toEqual(['ids.0']);
    expect(await fields(p.client.post('/notifications/read', { all: false }))).toEqual(['all']);
    expect(await fields(p.client.post('/notifications/read', { ids: ['00000000-0000-4000-8000-000000000000'], all: true }))).toEqual(['ids']);
    expect(await fields(p.client.get('/notifications?limit=0'))).toEqual(['query.limit']);
    expect(await fields(p.client.get('/notifications?before=nope'))).toEqual(['query.before']);
    expect(await fields(p.client.post('/notifications/reminders', { title: 'x' }))).toEqual(['at']);
    expect((await t.client().get('/notifications')).status).toBe(401);
  });

  it('schedules a reminder for oneself, not visible until due', async () => {
    const p = await person();
    const at = new Date(Date.now() + 60_000).toISOString();
    const res = await p.client.post('/notifications/reminders', { at, title: '交周报' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'reminder', title: '交周报', createdAt: at });
    expect(pushed).toEqual([]);
    expect((await p.client.get('/notifications')).body.items).toEqual([]);
    const [row] = await query<{ user_id: string; sent_at: unknown }>(em(), `select user_id, sent_at from notification where id = ?`, [res.body.id]);
    expect(row).toEqual({ user_id: p.user.id, sent_at: null });
  });
});

describe('the language of texts made without a request', () => {
  it('is the browser’s for a user who never chose one (remembered at sign-in and on each request), else the chosen one', async () => {
    const employee = await f.employee({ name: `Lee ${Date.now()}`, birthday: `1990-${todayInZone().slice(5)}` });
    const user = await f.user({ employeeId: employee.id });
    const signIn = await t.request('POST', '/auth/login', { body: { login: user.login, password: user.password }, headers: { 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.8' } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    // The worker greets with no request at hand: in the language of the browser the user signed in with.
    await sendBirthdayGreetings(t.services);
    expect(pushed.filter((p) => p.userId === user.id).map((p) => [p.payload.kind, p.payload.title, p.payload.body])).toEqual([
      ['birthday', `Happy birthday, ${employee.name}!`, 'Best wishes from all of us for the year ahead.'],
    ]);
    // A request without the header forgets nothing; one from a Chinese browser is remembered.
    expect((await t.request('GET', '/notifications', { cookie })).status).toBe(200);
    expect((await notify(t.services, em(), { userId: user.id, kind: 'approval', title }))!.title).toBe('Quote approved');
    expect((await t.request('GET', '/notifications', { cookie, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } })).status).toBe(200);
    expect((await notify(t.services, em(), { userId: user.id, kind: 'approval', title }))!.title).toBe('报价已批准');
    // A language the user chose wins over any browser's.
    expect((await t.request('PATCH', '/me', { cookie, body: { locale: 'en' }, headers: { 'accept-language': 'zh-CN' } })).status).toBe(200);
    expect((await notify(t.services, em(), { userId: user.id, kind: 'approval', title }))!.title).toBe('Quote approved');
  });
});
