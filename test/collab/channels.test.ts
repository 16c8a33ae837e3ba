import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestServer, type TestServer } from '../helpers/server';
import { factories } from '../helpers/factories';
import type { Client } from '../helpers/app';
import type { GroupPermissions } from '../../db/entities';
import { sessionTimings } from '../../collab/sessions';
import { hashToken } from '../../server/auth/sessions';
import { execute } from '../../db/sql';
import { connected, disconnected, httpClient, next, online, openSocket, record, request, sleep, type TestSocket } from './channels-helpers';

// Expired sessions are looked for every half second here instead of every 30 s.
sessionTimings.checkMs = 500;

let t: TestServer;
let admin: Client;
let adminCookie: string;
let f: ReturnType<typeof factories>;
const open: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  adminCookie = await t.admin();
  admin = httpClient(t.url, adminCookie);
  f = factories(admin);
});
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(async () => t?.close());

const uid = () => Math.random().toString(36).slice(2, 8);

/** A user (linked to a new employee) with these rights, signed in over HTTP. */
async function person(permissions?: GroupPermissions, employeeFields: Record<string, unknown> = {}) {
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

async function refusal(socket: TestSocket): Promise<Error & { data?: { code: string } }> {
  open.push(socket);
  return connected(socket).then(
    () => {
      throw new Error('connected although it should have been refused');
    },
    (err: Error & { data?: { code: string } }) => err,
  );
}

const sessionIdOf = (cookie: string) => hashToken(decodeURIComponent(cookie.split('=')[1]));
const em = () => t.server.services.db.orm.em.fork();

describe('handshake and sessions', () => {
  it('refuses a foreign Origin, a missing Origin, no cookie, a signed-out and an expired session', async () => {
    const p = await person();
    const foreign = await refusal(openSocket(t.url, p.cookie, 'http://evil.example'));
    expect(foreign.message).toBe('Origin not allowed');
    expect(foreign.data?.code).toBe('forbidden');
    expect((await refusal(openSocket(t.url, p.cookie, null))).message).toBe('Origin not allowed');
    const anonymous = await refusal(openSocket(t.url, null));
    expect(anonymous.data?.code).toBe('unauthenticated');
    expect((await refusal(openSocket(t.url, 'tandem_session=forged-token'))).data?.code).toBe('unauthenticated');

    const signedOut = await loginCookie(t.url, p.user.login, p.user.password);
    expect((await httpClient(t.url, signedOut).post('/auth/logout')).status).toBe(200);
    expect((await refusal(openSocket(t.url, signedOut))).data?.code).toBe('unauthenticated');

    const expiring = await loginCookie(t.url, p.user.login, p.user.password);
    await execute(em(), `update session set expires_at = ? where id = ?`, [new Date(Date.now() - 1000), sessionIdOf(expiring)]);
    expect((await refusal(openSocket(t.url, expiring))).data?.code).toBe('unauthenticated');

    // The same user with a valid session gets in.
    const ok = await tab(p.cookie);
    expect(ok.connected).toBe(true);
  });

  it('signing out closes that session’s sockets (with a notice) and leaves the user’s other sessions open', async () => {
    const p = await person();
    const other = await loginCookie(t.url, p.user.login, p.user.password);
    const tab1 = await tab(p.cookie);
    const tab1b = await tab(p.cookie);
    const tab2 = await tab(other);
    const notice = next(tab1, 'session:ended');
    const closed = disconnected(tab1);
    const closedB = disconnected(tab1b);
    const started = Date.now();
    expect((await p.client.post('/auth/logout')).status).toBe(200);
    expect(await notice).toEqual({ reason: 'signedOut' });
    expect(await closed).toBe('io server disconnect');
    expect(await closedB).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(5_000);
    await sleep(300);
    expect(tab2.connected).toBe(true);
  });

  it('disabling a user closes all its sockets', async () => {
    const p = await person();
    const other = await loginCookie(t.url, p.user.login, p.user.password);
    const a = await tab(p.cookie);
    const b = await tab(other);
    const notices = [next(a, 'session:ended'), next(b, 'session:ended')];
    const closed = [disconnected(a), disconnected(b)];
    expect((await admin.patch(`/users/${p.user.id}`, { active: false })).status).toBe(200);
    expect(await Promise.all(notices)).toEqual([{ reason: 'revoked' }, { reason: 'revoked' }]);
    await Promise.all(closed);
  });

  it('closes a socket whose session expires while it is open', async () => {
    const p = await person();
    const s = await tab(p.cookie);
    const notice = next(s, 'session:ended', undefined, 5_000);
    await execute(em(), `update session set expires_at = ? where id = ?`, [new Date(Date.now() - 1000), sessionIdOf(p.cookie)]);
    expect(await notice).toEqual({ reason: 'expired' });
    await disconnected(s);
  });
});

describe('messages over the socket', () => {
  it('delivers a stored message to the other member at once, with receipts and typing', async () => {
    const a = await person();
    const b = await person();
    const sa = await tab(a.cookie);
    const sb = await tab(b.cookie);
    // Created after both connected: their sockets join the room without asking.
    const announcement = next(sb, 'conversation:updated');
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const announced = await announcement;
    expect(announced).toMatchObject({ id: conv.id, kind: 'direct', unread: 0 });

    const arrival = next(sb, 'message:new', (m) => m.conversationId === conv.id);
    const echo = next(sa, 'message:new', (m) => m.conversationId === conv.id);
    const sent = await request<any>(sa, 'message:send', { conversationId: conv.id, body: '下午三点开会', clientId: 'tmp-1' });
    expect(sent.ok).toBe(true);
    const message = await arrival;
    expect(message).toMatchObject({ body: '下午三点开会', senderId: a.user.id, senderName: a.name, clientId: 'tmp-1' });
    // Stored before it was delivered: the history already has it when it arrives.
    const history = await b.client.get(`/conversations/${conv.id}/messages`);
    expect(history.body.items.map((m: any) => m.id)).toContain(message.id);
    expect((await echo).id).toBe(message.id);
    expect((await b.client.get(`/conversations/${conv.id}`)).body.unread).toBe(1);

    const receipt = next(sa, 'message:read', (r) => r.userId === b.user.id);
    expect((await request(sb, 'message:read', { conversationId: conv.id, lastReadId: message.id })).ok).toBe(true);
    expect(await receipt).toMatchObject({ conversationId: conv.id, userId: b.user.id, lastReadId: message.id });
    expect((await b.client.get(`/conversations/${conv.id}`)).body.unread).toBe(0);

    const ownTyping = record(sa, 'typing');
    const typing = next(sb, 'typing');
    sa.emit('typing', { conversationId: conv.id, typing: true });
    expect(await typing).toEqual({ conversationId: conv.id, userId: a.user.id, name: a.name, typing: true });
    await sleep(200);
    expect(ownTyping).toEqual([]);
    // Typing is not stored.
    expect((await b.client.get(`/conversations/${conv.id}/messages`)).body.items).toHaveLength(1);
  });

  it('a message sent over REST reaches the sockets of a group created meanwhile; removed members stop hearing it', async () => {
    const a = await person();
    const b = await person();
    const c = await person();
    const sb = await tab(b.cookie);
    const sc = await tab(c.cookie);
    const group = (await a.client.post('/conversations', { kind: 'group', title: '项目群', memberIds: [b.user.id, c.user.id] })).body;
    const toB = next(sb, 'message:new', (m) => m.conversationId === group.id);
    const toC = next(sc, 'message:new', (m) => m.conversationId === group.id);
    expect((await a.client.post(`/conversations/${group.id}/messages`, { body: '大家好' })).status).toBe(201);
    expect((await toB).body).toBe('大家好');
    expect((await toC).body).toBe('大家好');
    const removed = next(sc, 'conversation:updated', (x) => x.id === group.id && !x.members.some((m) => m.userId === c.user.id));
    await a.client.patch(`/conversations/${group.id}`, { removeMemberIds: [c.user.id] });
    await removed;
    const heardByC = record(sc, 'message:new');
    const second = next(sb, 'message:new', (m) => m.body === '第二条');
    await a.client.post(`/conversations/${group.id}/messages`, { body: '第二条' });
    await second;
    await sleep(300);
    expect(heardByC).toEqual([]);
  });

  it('a user cannot join, send to or type into another user’s conversation; bad input names the field', async () => {
    const a = await person();
    const b = await person();
    const outsider = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const sb = await tab(b.cookie);
    const so = await tab(outsider.cookie);
    const join = await request(so, 'conversation:join', { conversationId: conv.id });
    expect(join).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(sb, 'conversation:join', { conversationId: conv.id })).toEqual({ ok: true, data: null });
    const send = await request(so, 'message:send', { conversationId: conv.id, body: '偷看' });
    expect(send).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const typing = record(sb, 'typing');
    so.emit('typing', { conversationId: conv.id, typing: true });
    const missed = await request<any[]>(so, 'messages:missed', { sinceId: '0' });
    expect(missed).toEqual({ ok: true, data: [] });
    await sleep(200);
    expect(typing).toEqual([]);

    const empty = await request(sb, 'message:send', { conversationId: conv.id, body: '' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { fields: [{ field: 'body', code: 'required' }] } } });
    const badId = await request(sb, 'message:send', { conversationId: 'nope', body: 'x' });
    expect(badId).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { fields: [{ field: 'conversationId' }] } } });
    const badRead = await request(sb, 'message:read', { conversationId: conv.id, lastReadId: -1 });
    expect(badRead).toMatchObject({ ok: false, error: { details: { fields: [{ field: 'lastReadId' }] } } });
  });

  it('a dropped connection recovers its rooms and the messages sent meanwhile, unless the session ended', async () => {
    const a = await person();
    const b = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const sb = await tab(b.cookie);
    const heard = record(sb, 'message:new');
    // Recovery resumes from the last packet the tab received.
    await a.client.post(`/conversations/${conv.id}/messages`, { body: '断线之前' });
    await expect.poll(() => heard.length).toBe(1);
    const drop = () => (sb.io as unknown as { engine: { close(): void } }).engine.close();
    // The network drops (not a server disconnect); the tab comes back a moment later, once the
    // server has seen it go (a reconnect racing the close is not recovered: the client then
    // fetches what it missed with messages:missed).
    drop();
    await a.client.post(`/conversations/${conv.id}/messages`, { body: '断线期间' });
    await sleep(300);
    await connected(sb.connect());
    expect(sb.recovered).toBe(true);
    await expect.poll(() => heard.map((m) => m.body)).toEqual(['断线之前', '断线期间']);
    // Recovered sockets pass the handshake again: a session ended meanwhile does not come back.
    drop();
    await execute(em(), `delete from session where id = ?`, [sessionIdOf(b.cookie)]);
    await sleep(300);
    await expect(connected(sb.connect())).rejects.toThrow('Not signed in or the session has ended');
  });

  it('a tab that was away gets what it missed after reconnecting', async () => {
    const a = await person();
    const b = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const first = await tab(b.cookie);
    const seen = next(first, 'message:new');
    await a.client.post(`/conversations/${conv.id}/messages`, { body: '在线时' });
    const last = await seen;
    first.disconnect();
    await a.client.post(`/conversations/${conv.id}/messages`, { body: '离线一' });
    await a.client.post(`/conversations/${conv.id}/messages`, { body: '离线二' });
    const again = await tab(b.cookie);
    const missed = await request<any[]>(again, 'messages:missed', { sinceId: last.id });
    expect(missed.ok && missed.data.map((m) => m.body)).toEqual(['离线一', '离线二']);
    const rest = await b.client.get(`/messages/missed?since=${last.id}`);
    expect(rest.body.items.map((m: any) => m.body)).toEqual(['离线一', '离线二']);
  });
});

describe('live lists and cards', () => {
  it('checks read permission before watching a list or a card', async () => {
    const none = await person({ customer: { read: 'none' } });
    const own = await person({ customer: { read: 'own', edit: 'own', create: 'own' } });
    const foreign = (await admin.post('/records/customer', { name: `别人的客户${uid()}` })).body;
    const mine = (await admin.post('/records/customer', { name: `我的客户${uid()}`, ownerId: own.employee.id })).body;
    const sn = await tab(none.cookie);
    const so = await tab(own.cookie);
    expect(await request(sn, 'records:watch', { object: 'customer' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(so, 'records:watch', { object: 'nosuchobject' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(so, 'records:watch', { object: 'customer', id: foreign.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(so, 'records:watch', { object: 'customer', id: 'x' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await request(so, 'records:watch', { object: 'customer', id: mine.id })).toEqual({ ok: true, data: null });
    expect(await request(so, 'records:watch', { object: 'customer' })).toEqual({ ok: true, data: null });
  });

  it('a PATCH reaches a watcher who may read the row and not one whose scope excludes it; leaving the scope removes it', async () => {
    const own = await person({ customer: { read: 'own', edit: 'own', create: 'own' } });
    const denied = await person({ customer: { read: 'all', deny: { read: ['annualRevenue'] } } });
    const foreign = (await admin.post('/records/customer', { name: `别人的客户${uid()}`, annualRevenue: 100 })).body;
    const mine = (await admin.post('/records/customer', { name: `我的客户${uid()}`, ownerId: own.employee.id })).body;
    // Past the coalescing window of the creates (a create then edited is still a create to a list).
    await sleep(400);
    const sa = await tab(adminCookie);
    const so = await tab(own.cookie);
    const sd = await tab(denied.cookie);
    for (const s of [sa, so, sd]) expect((await request(s, 'records:watch', { object: 'customer' })).ok).toBe(true);
    const ownHeard = record(so, 'record:changed');

    const toAdmin = next(sa, 'record:changed', (c) => c.id === foreign.id);
    const toDenied = next(sd, 'record:changed', (c) => c.id === foreign.id);
    expect((await admin.patch(`/records/customer/${foreign.id}`, { grade: 'A', annualRevenue: 200 })).status).toBe(200);
    const change = await toAdmin;
    expect(change).toMatchObject({ object: 'customer', action: 'update', userId: expect.any(String), record: { id: foreign.id, grade: 'A', annualRevenue: '200.00' } });
    expect(change.fields.sort()).toEqual(['annualRevenue', 'grade']);
    const hidden = await toDenied;
    expect(hidden.record).toMatchObject({ id: foreign.id, grade: 'A' });
    expect(hidden.record).not.toHaveProperty('annualRevenue');
    expect(hidden.fields).toEqual(['grade']);

    const toOwn = next(so, 'record:changed', (c) => c.id === mine.id);
    await admin.patch(`/records/customer/${mine.id}`, { grade: 'B' });
    expect((await toOwn).record).toMatchObject({ id: mine.id, grade: 'B' });
    expect(ownHeard.filter((c) => c.id === foreign.id)).toEqual([]);

    // Given to someone else: it leaves the own-level viewer's list.
    const other = await f.employee();
    const gone = next(so, 'record:changed', (c) => c.id === mine.id && c.action === 'delete');
    await admin.patch(`/records/customer/${mine.id}`, { ownerId: other.id });
    expect(await gone).not.toHaveProperty('record');

    const deleted = next(sa, 'record:changed', (c) => c.id === foreign.id && c.action === 'delete');
    expect((await admin.del(`/records/customer/${foreign.id}`)).status).toBe(200);
    expect(await deleted).not.toHaveProperty('record');
    await sleep(300);
    // A deletion tells every reader of the object only the id; the row's values never reached them.
    expect(ownHeard.filter((c) => c.id === foreign.id).map((c) => [c.action, 'record' in c])).toEqual([['delete', false]]);
  });

  it('an open card hears its record only, and a new row reaches lists', async () => {
    const a = (await admin.post('/records/customer', { name: `卡片${uid()}` })).body;
    const b = (await admin.post('/records/customer', { name: `卡片${uid()}` })).body;
    await sleep(400);
    const card = await tab(adminCookie);
    expect((await request(card, 'records:watch', { object: 'customer', id: a.id })).ok).toBe(true);
    const list = await tab(adminCookie);
    expect((await request(list, 'records:watch', { object: 'customer' })).ok).toBe(true);
    const heard = record(card, 'record:changed');
    const seen = next(card, 'record:changed');
    await admin.patch(`/records/customer/${b.id}`, { grade: 'C' });
    await admin.patch(`/records/customer/${a.id}`, { grade: 'D' });
    expect((await seen).record).toMatchObject({ id: a.id, grade: 'D' });
    await sleep(300);
    expect(heard.map((c) => c.id)).toEqual([a.id]);
    const name = `新客户${uid()}`;
    const created = next(list, 'record:changed', (c) => c.action === 'create' && c.record?.name === name);
    const fresh = (await admin.post('/records/customer', { name })).body;
    expect((await created).record).toMatchObject({ id: fresh.id, name });
    // Unwatching stops it.
    card.emit('records:unwatch', { object: 'customer', id: a.id });
    await sleep(100);
    const after = heard.length;
    await admin.patch(`/records/customer/${a.id}`, { grade: 'A' });
    await sleep(500);
    expect(heard.length).toBe(after);
  });

  it('a burst of changes becomes one "refetch" for lists instead of a message per row', async () => {
    const s = await tab(adminCookie);
    expect((await request(s, 'records:watch', { object: 'customer' })).ok).toBe(true);
    const heard = record(s, 'record:changed');
    const { bus } = t.server.services;
    const at = new Date().toISOString();
    // What an import of 80 rows emits, in one go.
    for (let i = 0; i < 80; i++) bus.emit('record.changed', { object: 'customer', id: crypto.randomUUID(), action: 'create', fields: ['name'], userId: null, channel: 'import', at });
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    await sleep(400);
    expect(heard).toEqual([{ object: 'customer', id: '*', action: 'update', fields: [], userId: null, at }]);
  });
});

describe('live dashboards', () => {
  it('a user who changes language gets the figures in it at once, not after the socket’s cached rights expire', async () => {
    const p = await person({ opportunity: { read: 'all' }, salesStage: { read: 'all' } });
    expect((await p.client.patch('/me', { locale: 'zh-CN' })).status).toBe(200);
    const s = await tab(p.cookie);
    const stageOf = async () => {
      const r = await request<any>(s, 'dashboard:subscribe', { metric: 'sales.funnel' });
      expect(r.ok).toBe(true);
      return r.ok ? r.data.result.rows[0][0] : null;
    };
    expect(await stageOf()).toBe('初步接洽');
    expect((await p.client.patch('/me', { locale: 'en' })).status).toBe(200);
    expect(await stageOf()).toBe('Prospecting');
  });

  it('subscribing answers the figure; a new customer pushes the recomputed one, scoped per viewer', async () => {
    const own = await person({ customer: { read: 'own', create: 'own', edit: 'own' } });
    await admin.post('/records/customer', { name: `自己的${uid()}`, ownerId: own.employee.id });
    const sa = await tab(adminCookie);
    const so = await tab(own.cookie);
    const first = await request<any>(sa, 'dashboard:subscribe', { metric: 'customers.totals' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.data).toMatchObject({ metric: 'customers.totals', params: {} });
    const total = first.data.result.rows[0][1] as number;
    const ownFirst = await request<any>(so, 'dashboard:subscribe', { metric: 'customers.totals' });
    expect(ownFirst.ok && ownFirst.data.result.rows[0][1]).toBe(1);

    const update = next(sa, 'dashboard:update', (u) => u.result.rows[0][1] === total + 1);
    const ownUpdate = next(so, 'dashboard:update');
    await admin.post('/records/customer', { name: `新增${uid()}` });
    const pushed = await update;
    expect(pushed.metric).toBe('customers.totals');
    expect(pushed.result.rows[1][1]).toBeGreaterThanOrEqual(1);
    // The own-level viewer's figure did not move: the new customer is not theirs.
    expect((await ownUpdate).result.rows[0][1]).toBe(1);

    expect(await request(sa, 'dashboard:subscribe', { metric: 'no.such' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(sa, 'dashboard:subscribe', { metric: 'customers.totals', params: { year: 2024 } })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { fields: [{ field: 'params.year', code: 'unknown_field' }] } },
    });
    const blind = await person({ customer: { read: 'none' } });
    expect(await request(await tab(blind.cookie), 'dashboard:subscribe', { metric: 'customers.totals' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
