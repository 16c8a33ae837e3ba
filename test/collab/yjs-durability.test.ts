// kill -9 of a server process while someone types into a card: after a restart, every
// character the server acknowledged with a `saved` message is there, and the record's columns
// match the doc. On a fresh PostgreSQL database and on PGlite in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { api, loginCookie, spawnServer, ADMIN_PASSWORD, type ServerProcess } from '../helpers/server';
import { openCollab } from '../../collab/yjs/node-client';

const PG_BASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tandem_yjs_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types into a card until killed; returns the text the server had acknowledged at the kill. */
async function typeUntilKilled(server: ServerProcess, cookie: string, id: string): Promise<{ acknowledged: string; typed: string }> {
  const client = openCollab(server.url, `customer:${id}`, cookie);
  await client.synced;
  const notes = client.fields.get('notes') as Y.Text;
  // After each keystroke: this client's clock and the text then (one writer, appends only).
  const history: { clock: number; text: string }[] = [];
  const acknowledged = () => {
    const stored = client.stored?.get(client.doc.clientID) ?? 0;
    let text = '';
    for (const h of history) if (h.clock <= stored) text = h.text;
    return text;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let killedWith: string | null = null;
  for (let i = 0; killedWith === null; i++) {
    notes.insert(notes.length, alphabet[i % alphabet.length]);
    history.push({ clock: Y.getState(client.doc.store, client.doc.clientID), text: notes.toString() });
    // Mid-typing, once well over a second of typing (several write-backs) went by and a good
    // part of it was acknowledged (a loaded machine may take longer).
    if ((i >= 250 && acknowledged().length >= 100) || i >= 4000) {
      const at = acknowledged();
      await server.stop('SIGKILL');
      killedWith = at;
    }
    await sleep(4);
  }
  // The client still holds every character; it must not hand them to the next server.
  client.destroy();
  return { acknowledged: killedWith, typed: notes.toString() };
}

async function killAndRestart(env: Record<string, string>) {
  let server = await spawnServer(env);
  try {
    let cookie = await loginCookie(server.url, 'admin', ADMIN_PASSWORD);
    const created = await api(server.url, cookie, 'POST', '/records/customer', { name: 'Durable Co', notes: '' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // The typist is not the administrator, so the recovered write names the right user.
    const group = await api(server.url, cookie, 'POST', '/groups', { name: 'Typists', permissions: { customer: { read: 'all', edit: 'all' } } });
    const typist = await api(server.url, cookie, 'POST', '/users', { login: 'typist', password: 'typist-pass-123', groupIds: [group.body.id] });
    expect(typist.status).toBe(201);

    const { acknowledged, typed } = await typeUntilKilled(server, await loginCookie(server.url, 'typist', 'typist-pass-123'), id);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);

    server = await spawnServer(env);
    cookie = await loginCookie(server.url, 'admin', ADMIN_PASSWORD);
    const fresh = openCollab(server.url, `customer:${id}`, cookie);
    try {
      await fresh.synced;
      const text = fresh.text('notes');
      const lengths = `acknowledged ${acknowledged.length}, after restart ${text.length}, typed ${typed.length}`;
      expect(text.startsWith(acknowledged), lengths).toBe(true);
      expect(typed.startsWith(text), lengths).toBe(true);
      // The restarted node wrote back what the killed one had not.
      await expect
        .poll(async () => (await api(server.url, cookie, 'GET', `/records/customer/${id}`)).body.notes, { timeout: 30_000, message: `columns after restart (${lengths})` })
        .toBe(text);
      expect(fresh.text('notes')).toBe(text);
      const ops = await api(server.url, cookie, 'GET', `/logs/operations?recordId=${id}&action=update&limit=1`);
      expect(ops.body.items[0]).toMatchObject({ userId: typist.body.id, channel: 'collab', changes: { notes: { new: text } } });
    } finally {
      fresh.destroy();
    }
  } finally {
    await server.stop();
  }
}

describe('a server killed mid-typing', { timeout: 180_000 }, () => {
  it('loses no acknowledged character on PostgreSQL, and the columns match the doc after restart', async () => {
    const db = await freshPostgres();
    try {
      await killAndRestart({ DATABASE_URL: db.url, REDIS_URL: '' });
    } finally {
      await db.drop();
    }
  });

  it('loses no acknowledged character on PGlite, and the columns match the doc after restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-yjs-kill-'));
    try {
      await killAndRestart({ DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', REDIS_URL: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
