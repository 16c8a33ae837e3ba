import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { api, loginCookie, spawnServer, ADMIN_PASSWORD, type ServerProcess } from '../helpers/server';
import { factories } from '../helpers/factories';
import type { Client } from '../helpers/app';
import { disconnected, httpClient, next, online, request, sleep, type TestSocket } from './channels-helpers';

// Two server processes on one fresh PostgreSQL database and one Redis: they must act as one.
const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `tandem_test_${randomBytes(6).toString('hex')}`;

let node1: ServerProcess;
let node2: ServerProcess;
let admin1: Client;
let f: ReturnType<typeof factories>;
const open: TestSocket[] = [];

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await adminQuery(`create database ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const env = { DATABASE_URL: url.toString(), REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' };
  // One after the other: the first one migrates and bootstraps.
  node1 = await spawnServer(env);
  node2 = await spawnServer(env);
  admin1 = httpClient(node1.url, await loginCookie(node1.url, 'admin', ADMIN_PASSWORD));
  f = factories(admin1);
}, 120_000);
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(async () => {
  await Promise.all([node1?.stop(), node2?.stop()]);
  await adminQuery(`drop database if exists ${dbName} with (force)`);
});

async function person() {
  const employee = await f.employee({ name: `员工${randomBytes(3).toString('hex')}` });
  const group = await f.group({ customer: { read: 'own' } });
  const user = await f.user({ employeeId: employee.id, groupIds: [group.id] });
  // The same session works on both nodes (it lives in the shared database).
  const cookie = await loginCookie(node1.url, user.login, user.password);
  return { user, employee, cookie };
}

async function tab(node: ServerProcess, cookie: string): Promise<TestSocket> {
  const s = await online(node.url, cookie);
  open.push(s);
  return s;
}

describe('two nodes', () => {
  it('a message sent by a socket on node 1 reaches a socket on node 2', async () => {
    const a = await person();
    const b = await person();
    const sa = await tab(node1, a.cookie);
    const sb = await tab(node2, b.cookie);
    // Created on node 1 after b connected to node 2: b's socket there joins the room too.
    const conv = await api(node1.url, a.cookie, 'POST', '/conversations', { kind: 'direct', userId: b.user.id });
    expect(conv.status).toBe(201);
    const arrival = next(sb, 'message:new', (m) => m.conversationId === conv.body.id);
    const sent = await request<any>(sa, 'message:send', { conversationId: conv.body.id, body: '跨节点的消息' });
    expect(sent.ok).toBe(true);
    expect(await arrival).toMatchObject({ body: '跨节点的消息', senderId: a.user.id });
    // And a receipt from node 2 reaches node 1.
    const receipt = next(sa, 'message:read', (r) => r.userId === b.user.id);
    await request(sb, 'message:read', { conversationId: conv.body.id, lastReadId: sent.ok ? sent.data.id : '0' });
    expect((await receipt).lastReadId).toBe(sent.ok ? sent.data.id : '');
  });

  it('a REST PATCH on node 1 reaches a list watcher on node 2, and a dashboard there is recomputed', async () => {
    const customer = (await admin1.post('/records/customer', { name: `跨节点客户${randomBytes(3).toString('hex')}` })).body;
    // Past the moment lists coalesce changes in (a create then edited is still a create to them).
    await sleep(500);
    const adminCookie = admin1.cookie!;
    const watcher = await tab(node2, adminCookie);
    expect((await request(watcher, 'records:watch', { object: 'customer' })).ok).toBe(true);
    const first = await request<any>(watcher, 'dashboard:subscribe', { metric: 'customers.totals' });
    expect(first.ok).toBe(true);
    const total = first.ok ? (first.data.result.rows[0][1] as number) : -1;
    const change = next(watcher, 'record:changed', (c) => c.id === customer.id && c.action === 'update');
    expect((await admin1.patch(`/records/customer/${customer.id}`, { grade: 'A' })).status).toBe(200);
    expect((await change).record).toMatchObject({ id: customer.id, grade: 'A' });
    const update = next(watcher, 'dashboard:update', (u) => u.result.rows[0][1] === total + 1);
    await admin1.post('/records/customer', { name: `又一个${randomBytes(3).toString('hex')}` });
    await update;
  });

  it('a notification created on node 1 reaches a tab on node 2', async () => {
    const b = await person();
    const sb = await tab(node2, b.cookie);
    const pushed = next(sb, 'notification:new');
    const customer = (await admin1.post('/records/customer', { name: '跨节点分配', ownerId: b.employee.id })).body;
    expect(await pushed).toMatchObject({ kind: 'assigned', link: `/records/customer/${customer.id}` });
  });

  it('signing out on node 1 closes that session’s socket on node 2', async () => {
    const b = await person();
    const sb = await tab(node2, b.cookie);
    const notice = next(sb, 'session:ended');
    const closed = disconnected(sb);
    expect((await api(node1.url, b.cookie, 'POST', '/auth/logout')).status).toBe(200);
    expect(await notice).toEqual({ reason: 'signedOut' });
    await closed;
  });
});

describe('two deployments sharing one Redis', () => {
  it('a node with another REDIS_PREFIX hears nothing of this deployment', async () => {
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    // Same database only to have the same users; what matters is that Redis is shared.
    const other = await spawnServer({ DATABASE_URL: url.toString(), REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `other${randomBytes(3).toString('hex')}` });
    try {
      const a = await person();
      const b = await person();
      const sa = await tab(node1, a.cookie);
      const sb = await tab(node2, b.cookie);
      const elsewhere = await tab(other, b.cookie);
      const leaked: unknown[] = [];
      elsewhere.on('message:new', (m) => leaked.push(m));
      const conv = await api(node1.url, a.cookie, 'POST', '/conversations', { kind: 'direct', userId: b.user.id });
      const arrival = next(sb, 'message:new', (m) => m.conversationId === conv.body.id);
      expect((await request<any>(sa, 'message:send', { conversationId: conv.body.id, body: '只给本部署' })).ok).toBe(true);
      await arrival;
      await sleep(1000);
      expect(leaked).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
