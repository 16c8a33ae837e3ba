// Two server processes on two ports sharing one PostgreSQL database and Redis: clients on
// different nodes co-edit one card, see each other's presence, and writes or deletes made
// through either node reach the doc open on the other.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, loginCookie, spawnServer, ADMIN_PASSWORD, type ServerProcess } from '../helpers/server';
import { openCollab, type CollabClient } from '../../collab/yjs/node-client';

const PG_BASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const dbName = `tandem_yjs_nodes_${randomBytes(6).toString('hex')}`;

let nodeA: ServerProcess;
let nodeB: ServerProcess;
let cookieA: string;
let cookieB: string;
const open: CollabClient[] = [];

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await adminQuery(`create database ${dbName}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${dbName}`;
  const env = { DATABASE_URL: url.toString(), REDIS_URL };
  // One after the other: the first migrates, the second finds the schema ready.
  nodeA = await spawnServer(env);
  nodeB = await spawnServer(env);
  cookieA = await loginCookie(nodeA.url, 'admin', ADMIN_PASSWORD);
  cookieB = await loginCookie(nodeB.url, 'admin', ADMIN_PASSWORD);
}, 180_000);

afterEach(() => {
  for (const c of open.splice(0)) c.destroy();
});

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await adminQuery(`drop database if exists ${dbName} with (force)`);
});

async function customer(fields: Record<string, unknown> = {}) {
  const res = await api(nodeA.url, cookieA, 'POST', '/records/customer', { name: `Multi ${randomBytes(3).toString('hex')}`, ...fields });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

async function connect(node: ServerProcess, cookie: string, id: string, awareness?: Record<string, unknown>) {
  const c = openCollab(node.url, `customer:${id}`, cookie, { awareness });
  open.push(c);
  await c.synced;
  return c;
}

const notes = (c: CollabClient) => c.fields.get('notes') as Y.Text;

describe('co-editing across two nodes', { timeout: 60_000 }, () => {
  it('converges when a client on each node edits one card, and the columns follow', async () => {
    const c0 = await customer({ notes: 'middle' });
    const a = await connect(nodeA, cookieA, c0.id);
    const b = await connect(nodeB, cookieB, c0.id);
    a.doc.transact(() => {
      notes(a).insert(0, 'from A, ');
      a.fields.set('industry', 'logistics');
    });
    b.doc.transact(() => {
      notes(b).insert(notes(b).length, ', from B');
      b.fields.set('grade', 'C');
    });
    for (let i = 0; i < 20; i++) {
      notes(a).insert(0, 'a');
      notes(b).insert(notes(b).length, 'b');
    }
    const expected = `${'a'.repeat(20)}from A, middle, from B${'b'.repeat(20)}`;
    await expect.poll(() => [a.text('notes'), b.text('notes')]).toEqual([expected, expected]);
    await expect.poll(() => [a.fields.get('grade'), b.fields.get('industry')]).toEqual(['C', 'logistics']);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    await expect.poll(async () => {
      const r = (await api(nodeB.url, cookieB, 'GET', `/records/customer/${c0.id}`)).body;
      return [r.notes, r.industry, r.grade];
    }).toEqual([expected, 'logistics', 'C']);
    // Both nodes acknowledge what they stored.
    await expect.poll(() => a.saved() && b.saved()).toBe(true);
  });

  it('shows the presence of a client on one node to a client on the other, and removes it when it leaves', async () => {
    const c0 = await customer();
    const a = await connect(nodeA, cookieA, c0.id, { user: { id: 'x', name: 'On A' }, field: 'notes' });
    const b = await connect(nodeB, cookieB, c0.id, { user: { id: 'y', name: 'On B' }, field: 'grade' });
    await expect.poll(() => b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: 'On A' }, field: 'notes' });
    await expect.poll(() => a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ user: { name: 'On B' }, field: 'grade' });
    a.provider.awareness.setLocalStateField('field', 'address');
    await expect.poll(() => b.provider.awareness.getStates().get(a.doc.clientID)?.field).toBe('address');
    a.destroy();
    await expect.poll(() => b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false);
  });

  it('applies a REST write made through one node into the doc open on the other, and closes it on delete', async () => {
    const c0 = await customer({ notes: 'open on A' });
    const a = await connect(nodeA, cookieA, c0.id);
    const patched = await api(nodeB.url, cookieB, 'PATCH', `/records/customer/${c0.id}`, { grade: 'B', notes: 'open on A, patched on B' });
    expect(patched.status).toBe(200);
    await expect.poll(() => [a.fields.get('grade'), a.text('notes')]).toEqual(['B', 'open on A, patched on B']);
    const deleted = await api(nodeB.url, cookieB, 'DELETE', `/records/customer/${c0.id}`);
    expect(deleted.status).toBe(200);
    await expect.poll(() => a.notices.map((n) => n.code)).toContain('deleted');
    await expect.poll(() => a.closeCode).toBe(4404);
  });

  it('closes the connection on another node when its session is signed out', async () => {
    const c0 = await customer();
    const cookie = await loginCookie(nodeA.url, 'admin', ADMIN_PASSWORD);
    const b = await connect(nodeB, cookie, c0.id);
    const out = await api(nodeA.url, cookie, 'POST', '/auth/logout', {});
    expect(out.status).toBe(200);
    await expect.poll(() => b.closeCode, { timeout: 5000 }).toBe(4401);
  });
});
