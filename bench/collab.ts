// Co-editing on real server processes (PostgreSQL + Redis, two nodes), beside the bare layer
// underneath: a `ws` echo server in its own process on the same machine.
// - co-edit latency (an update sent by client A → applied by client B) p50/p99, both clients on
//   one node and one client on each node;
// - idle Socket.IO sockets one node holds (aim 2,000) and the co-edit latency meanwhile;
// - active co-editors (4 people per card, each typing 5 updates/s into a field of their own) one
//   node holds with p99 < 100 ms,
//   beside a bare `ws` relay (every message to the other clients of its room) at the same load;
// - memory per open doc (server RSS growth per card opened, its connection included).
// Clients run in this process with the official y-websocket provider and socket.io-client.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { api, loginCookie, spawnServer, ADMIN_PASSWORD, type ServerProcess } from '../test/helpers/server';
import { openCollab, type CollabClient } from '../collab/yjs/node-client';
import { ms, percentile, report } from './lib';

const PG_BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LATENCY_RUNS = Number(process.env.BENCH_RUNS ?? 500);
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 2000);
const EDITOR_LEVELS = (process.env.BENCH_EDITORS ?? '40,80,120,160,200').split(',').map(Number);
const EDITORS_PER_CARD = 4;
/**
 * The 4 people on a card are 4 users, each typing into a field of their own, as people filling
 * in a card together do: every card writes back once a second per person (their own history
 * and operation log), not once for all.
 */
const EDITOR_FIELDS = ['notes', 'address', 'shortName', 'legalRepresentative'];
const TYPING_SECONDS = 10;
const MEMORY_DOCS = 200;
// Docs unload 5 s after their last connection closes; measurements wait for that to be over.
const UNLOAD_WAIT_MS = 8000;
const budgets = { oneNodeP99: 50, twoNodeP99: 150, activeP99: 100, idle: 2000, editors: 200 };

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
/** How many others share the card of client `i` out of `k` (the last card may hold fewer). */
const peersOf = (i: number, k: number) => Math.min(EDITORS_PER_CARD, k - Math.floor(i / EDITORS_PER_CARD) * EDITORS_PER_CARD) - 1;

/**
 * Runs `n` typists, each ticking 5 times a second (their starts spread over the 200 ms period):
 * 2 s of warm-up, TYPING_SECONDS measured (`measuring` true in those ticks), then 2 s for the
 * last deliveries to arrive.
 */
async function runTypists(n: number, tick: (i: number, measuring: boolean) => void): Promise<void> {
  let measuring = false;
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < n; i++) {
    timers[i] = setTimeout(() => {
      tick(i, measuring);
      timers[i] = setInterval(() => tick(i, measuring), 200);
    }, Math.random() * 200);
  }
  await sleep(2000);
  measuring = true;
  await sleep(TYPING_SECONDS * 1000);
  measuring = false;
  for (const t of timers) clearInterval(t);
  await sleep(2000);
}

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function adminSql(sql: string) {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * Starts a bare `ws` server in its own process: `setup` is its connection handling for
 * `const s = new WebSocketServer(…)`. Resolves with the port it listens on.
 */
async function bareServer(name: string, setup: string): Promise<{ port: number; child: ChildProcess }> {
  const code = `const { WebSocketServer } = require('ws'); const s = new WebSocketServer({ port: 0, host: '127.0.0.1' }); ${setup}
    s.on('listening', () => console.log('PORT ' + s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`${name} exited ${c}`)));
  });
  return { port, child };
}

/** The bare layer: a `ws` server in its own process that sends every message straight back. */
async function echoServer(): Promise<{ url: string; child: ChildProcess }> {
  const { port, child } = await bareServer('echo server', `s.on('connection', (ws) => ws.on('message', (m) => ws.send(m)));`);
  return { url: `ws://127.0.0.1:${port}`, child };
}

/**
 * The bare layer for many co-editors: a `ws` server in its own process relaying every message to
 * the other clients of its room (no validation, storage or write-back), and as many clients each
 * sending a timestamp 5 times a second. Returns the latency of every delivery.
 */
async function bareRelay(k: number): Promise<{ latencies: number[]; lost: number }> {
  const { port, child } = await bareServer(
    'relay',
    `const rooms = new Map();
    s.on('connection', (ws, req) => { const r = rooms.get(req.url) ?? new Set(); rooms.set(req.url, r); r.add(ws); ws.on('close', () => r.delete(ws));
      ws.on('message', (m) => { for (const o of r) if (o !== ws) o.send(m); }); });`,
  );
  try {
    const latencies: number[] = [];
    let expected = 0;
    const sockets = await Promise.all(
      Array.from({ length: k }, async (_, i) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/room${Math.floor(i / EDITORS_PER_CARD)}`);
        ws.binaryType = 'arraybuffer';
        ws.on('message', (m: ArrayBuffer) => {
          const [t, counted] = new Float64Array(m);
          if (counted) latencies.push(performance.now() - t);
        });
        await new Promise((r, j) => ws.once('open', r).once('error', j));
        return ws;
      }),
    );
    await runTypists(k, (i, measuring) => {
      if (measuring) expected += peersOf(i, k);
      sockets[i].send(new Float64Array([performance.now(), measuring ? 1 : 0]));
    });
    for (const ws of sockets) ws.close();
    return { latencies, lost: Math.max(0, expected - latencies.length) };
  } finally {
    child.kill();
  }
}

async function echoLatencies(url: string, runs: number): Promise<number[]> {
  const ws = new WebSocket(url);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const payload = new Uint8Array(24); // about the size of a one-character Yjs update message
  const once = () =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      ws.once('message', () => resolve(performance.now() - t0));
      ws.send(payload);
    });
  for (let i = 0; i < 50; i++) await once();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  ws.close();
  return out;
}

/** Update sent on `a` → applied on `b`, one at a time. */
async function coEditLatencies(a: CollabClient, b: CollabClient, runs: number): Promise<number[]> {
  const textA = a.fields.get('notes') as Y.Text;
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('update not received within 5 s')), 5000);
      const t0 = performance.now();
      const onUpdate = (_u: Uint8Array, origin: unknown) => {
        if (origin !== b.provider) return;
        clearTimeout(timer);
        b.doc.off('update', onUpdate);
        resolve(performance.now() - t0);
      };
      b.doc.on('update', onUpdate);
      textA.insert(textA.length, 'x');
    });
  for (let i = 0; i < 30; i++) await once();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    out.push(await once());
    // Keep the text short: a long text is another benchmark.
    if (textA.length > 2000) textA.delete(0, 1000);
  }
  return out;
}

/**
 * `k` clients, EDITORS_PER_CARD to a card (client i signs in as user i mod 4 and types into
 * field i mod 4), each typing 5 updates/s; latency of every update to every other client.
 */
async function activeEditors(node: ServerProcess, cookies: string[], cards: string[], k: number): Promise<{ latencies: number[]; lost: number; updates: number }> {
  const clients: CollabClient[] = [];
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let updates = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    const c = openCollab(node.url, `customer:${cards[Math.floor(i / EDITORS_PER_CARD)]}`, cookies[i % cookies.length]);
    c.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== c.provider) return;
      const now = performance.now();
      for (const s of Y.decodeUpdate(update).structs) {
        const t = sent.get(`${s.id.client}:${s.id.clock}`);
        if (t !== undefined) latencies.push(now - t);
      }
    });
    clients.push(c);
    if (i % 20 === 19) await Promise.all(clients.slice(-20).map((x) => x.synced));
  }
  await Promise.all(clients.map((c) => c.synced));
  const texts = clients.map((c, i) => c.fields.get(EDITOR_FIELDS[i % EDITOR_FIELDS.length]) as Y.Text);
  // Updates sent while measuring are counted whenever they arrive.
  await runTypists(k, (i, measuring) => {
    const c = clients[i];
    const text = texts[i];
    const clock = Y.getState(c.doc.store, c.doc.clientID);
    if (measuring) {
      sent.set(`${c.doc.clientID}:${clock}`, performance.now());
      updates++;
      expected += peersOf(i, k);
    }
    c.doc.transact(() => {
      // Short fields stay within their length: the older half goes now and then.
      if (text.length > 40) text.delete(0, 20);
      text.insert(Math.min(text.length, (i * 7) % 50), String.fromCharCode(97 + (i % 26)));
    });
  });
  for (const c of clients) c.destroy();
  return { latencies, lost: Math.max(0, expected - latencies.length), updates };
}

/** Signs in EDITORS_PER_CARD users who may edit customers (a sales group); returns their cookies. */
async function editorUsers(url: string, adminCookie: string): Promise<string[]> {
  const permissions = { customer: { create: 'all', read: 'all', edit: 'all', delete: 'none', export: 'none' } };
  const group = await api(url, adminCookie, 'POST', '/groups', { name: `Bench editors ${randomBytes(3).toString('hex')}`, permissions });
  if (group.status !== 201) throw new Error(`creating the editors' group answered ${group.status}`);
  const cookies: string[] = [];
  for (let i = 0; i < EDITORS_PER_CARD; i++) {
    const login = `editor${i}${randomBytes(3).toString('hex')}`;
    const password = `Bench-${randomBytes(6).toString('hex')}`;
    const user = await api(url, adminCookie, 'POST', '/users', { login, password, groupIds: [group.body.id] });
    if (user.status !== 201) throw new Error(`creating an editor answered ${user.status}`);
    cookies.push(await loginCookie(url, login, password));
  }
  return cookies;
}

/** Opens `n` idle Socket.IO sockets as browser tabs would; returns those that connected. */
async function idleSockets(node: ServerProcess, cookie: string, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const openOne = () =>
    new Promise<Socket | null>((resolve) => {
      const s = io(node.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie, origin: node.url }, forceNew: true, reconnection: false, timeout: 20_000 });
      s.once('connect', () => resolve(s));
      s.once('connect_error', () => {
        s.close();
        resolve(null);
      });
    });
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, openOne));
    for (const s of batch) if (s) sockets.push(s);
  }
  return sockets;
}

export async function benchCollab(): Promise<string[]> {
  // Every y-websocket provider adds a process 'exit' listener; hundreds are expected here.
  process.setMaxListeners(0);
  const loadAtStart = os.loadavg()[0];
  const dbName = `tandem_bench_collab_${randomBytes(4).toString('hex')}`;
  await adminSql(`create database ${dbName}`);
  const dbUrl = new URL(PG_BASE);
  dbUrl.pathname = `/${dbName}`;
  const env = { DATABASE_URL: dbUrl.toString(), REDIS_URL, LOG_LEVEL: 'error' };
  const echo = await echoServer();
  let node1: ServerProcess | null = null;
  let node2: ServerProcess | null = null;
  const lines: string[] = [];
  const rows: [string, string, string, string][] = [];
  try {
    node1 = await spawnServer(env);
    node2 = await spawnServer(env);
    const cookie1 = await loginCookie(node1.url, 'admin', ADMIN_PASSWORD);
    const cookie2 = await loginCookie(node2.url, 'admin', ADMIN_PASSWORD);
    const editorCookies = await editorUsers(node1.url, cookie1);
    const maxEditors = Math.max(...EDITOR_LEVELS);
    const cards: string[] = [];
    const need = MEMORY_DOCS + Math.ceil(maxEditors / EDITORS_PER_CARD) + 1;
    for (let i = 0; i < need; i += 8) {
      const made = await Promise.all(
        Array.from({ length: Math.min(8, need - i) }, () => api(node1!.url, cookie1, 'POST', '/records/customer', { name: `Bench ${randomBytes(3).toString('hex')}`, notes: '' })),
      );
      for (const r of made) {
        if (r.status !== 201) throw new Error(`creating a customer answered ${r.status}`);
        cards.push(r.body.id);
      }
    }
    const pid1 = node1.child.pid!;
    const pid2 = node2.child.pid!;
    const card = cards[MEMORY_DOCS];
    const p = (xs: number[], q: number) => percentile(xs, q);

    // Memory per open doc, on a node that has opened none yet.
    const before = rssMb(pid1);
    const memClients = cards.slice(0, MEMORY_DOCS).map((id) => openCollab(node1!.url, `customer:${id}`, cookie1));
    await Promise.all(memClients.map((c) => c.synced));
    await sleep(1500);
    const perDocKb = ((rssMb(pid1) - before) * 1024) / MEMORY_DOCS;
    for (const c of memClients) c.destroy();
    console.log(`collab: ${MEMORY_DOCS} docs opened, node RSS ${before.toFixed(0)} → ${(before + (perDocKb * MEMORY_DOCS) / 1024).toFixed(0)} MB`);
    // Let those docs unload (write-back, compaction) before timing anything.
    await sleep(UNLOAD_WAIT_MS);

    // Latency: bare echo, one node, two nodes.
    const bare = await echoLatencies(echo.url, LATENCY_RUNS);
    const a = openCollab(node1.url, `customer:${card}`, cookie1);
    const b1 = openCollab(node1.url, `customer:${card}`, cookie1);
    const b2 = openCollab(node2.url, `customer:${card}`, cookie2);
    await Promise.all([a.synced, b1.synced, b2.synced]);
    const one = await coEditLatencies(a, b1, LATENCY_RUNS);
    const two = await coEditLatencies(a, b2, LATENCY_RUNS);
    for (const c of [a, b1, b2]) c.destroy();
    await sleep(UNLOAD_WAIT_MS);
    lines.push(report('co-edit latency one node p50', p(one, 50), p(bare, 50), 'bare ws echo p50'));
    lines.push(report('co-edit latency one node p99', p(one, 99), p(bare, 99), 'bare ws echo p99', `budget ${budgets.oneNodeP99} ms`));
    lines.push(report('co-edit latency two nodes p50', p(two, 50), p(bare, 50), 'bare ws echo p50'));
    lines.push(report('co-edit latency two nodes p99', p(two, 99), p(bare, 99), 'bare ws echo p99', `budget ${budgets.twoNodeP99} ms`));
    rows.push(['co-edit A→B, one node (p50 / p99)', `${ms(p(one, 50))} / ${ms(p(one, 99))}`, `${ms(p(bare, 50))} / ${ms(p(bare, 99))}`, `×${(p(one, 50) / p(bare, 50)).toFixed(1)} / ×${(p(one, 99) / p(bare, 99)).toFixed(1)}`]);
    rows.push(['co-edit A→B, two nodes (p50 / p99)', `${ms(p(two, 50))} / ${ms(p(two, 99))}`, `${ms(p(bare, 50))} / ${ms(p(bare, 99))}`, `×${(p(two, 50) / p(bare, 50)).toFixed(1)} / ×${(p(two, 99) / p(bare, 99)).toFixed(1)}`]);

    // Active co-editors: grow until p99 passes the budget; the bare relay at the same load beside.
    let held = 0;
    let heldP99 = 0;
    let bareHeld = 0;
    const editorCards = cards.slice(MEMORY_DOCS + 1);
    for (const k of EDITOR_LEVELS) {
      const r = await activeEditors(node1, editorCookies, editorCards, k);
      const relay = await bareRelay(k);
      const p99 = r.latencies.length ? p(r.latencies, 99) : Infinity;
      const bareP99 = relay.latencies.length ? p(relay.latencies, 99) : Infinity;
      const line = `active co-editors ${k} (${EDITORS_PER_CARD} users/card, each in a field of their own, 5 updates/s each, ${r.updates} updates in ${TYPING_SECONDS} s): p50 ${ms(p(r.latencies, 50))}, p99 ${ms(p99)}, missing deliveries ${r.lost}; bare ws relay p50 ${ms(p(relay.latencies, 50))}, p99 ${ms(bareP99)}, missing ${relay.lost}`;
      console.log(line);
      lines.push(line);
      rows.push([`${k} active co-editors, delivery p50 / p99`, `${ms(p(r.latencies, 50))} / ${ms(p99)}`, `relay ${ms(p(relay.latencies, 50))} / ${ms(bareP99)}`, `×${(p(r.latencies, 50) / p(relay.latencies, 50)).toFixed(1)} / ×${(p99 / bareP99).toFixed(1)}`]);
      if (bareP99 < budgets.activeP99 && relay.lost === 0) bareHeld = k;
      if (p99 < budgets.activeP99 && r.lost === 0) {
        held = k;
        heldP99 = p99;
      } else break;
      await sleep(UNLOAD_WAIT_MS);
    }
    rows.push([`active co-editors with p99 < ${budgets.activeP99} ms (aim ${budgets.editors})`, held ? `${held} (p99 ${ms(heldP99)})` : `fewer than ${EDITOR_LEVELS[0]}`, `relay held ${bareHeld || `fewer than ${EDITOR_LEVELS[0]}`}`, `—`]);
    // Idle Socket.IO sockets on node 2 (its memory growth is theirs), and a co-edit meanwhile.
    // Last: thousands of sockets closing leave work behind that would skew what follows.
    const rssBeforeIdle = rssMb(pid2);
    const sockets = await idleSockets(node2, cookie2, IDLE_SOCKETS);
    await sleep(1000);
    const rssIdle = rssMb(pid2);
    const x = openCollab(node2.url, `customer:${card}`, cookie2);
    const y = openCollab(node2.url, `customer:${card}`, cookie2);
    await Promise.all([x.synced, y.synced]);
    const withIdle = await coEditLatencies(x, y, Math.min(200, LATENCY_RUNS));
    x.destroy();
    y.destroy();
    for (const s of sockets) s.close();
    await sleep(UNLOAD_WAIT_MS);
    const idleLine = `idle Socket.IO sockets held by one node: ${sockets.length}/${IDLE_SOCKETS} (aim ${budgets.idle}); node RSS +${(rssIdle - rssBeforeIdle).toFixed(0)} MB (${(((rssIdle - rssBeforeIdle) * 1024) / Math.max(1, sockets.length)).toFixed(1)} kB/socket); co-edit p99 meanwhile ${ms(p(withIdle, 99))}`;
    console.log(idleLine);
    lines.push(idleLine);
    rows.push([`idle Socket.IO sockets (aim ${budgets.idle})`, `${sockets.length} held, co-edit p99 ${ms(p(withIdle, 99))}`, `—`, `${(((rssIdle - rssBeforeIdle) * 1024) / Math.max(1, sockets.length)).toFixed(1)} kB/socket`]);

    rows.push(['memory per open doc (its connection included)', `${perDocKb.toFixed(0)} kB`, `—`, `—`]);

    const load = `machine load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores (other work on the machine skews every figure)`;
    console.log(load);
    lines.push(load);
    const table = [
      '| measure | Tandem | bare ws echo | ratio |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    console.log(`\n${table}\n`);
    lines.push(`memory per open doc: ${perDocKb.toFixed(0)} kB; active co-editors held with p99 < ${budgets.activeP99} ms: ${held} (bare ws relay: ${bareHeld})`);
    return lines;
  } finally {
    echo.child.kill();
    await Promise.all([node1?.stop(), node2?.stop()]);
    await adminSql(`drop database if exists ${dbName} with (force)`);
  }
}
