// Login latency under light load (4 concurrent clients, 200 sign-ins) against a real server,
// beside the bare layer underneath: one argon2id verify of the same password.
import { hash, verify } from '@node-rs/argon2';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from '../server/env';
import { startServer } from '../server/server';
import pino from 'pino';
import { load, percentile, report } from './lib';

export async function benchLogin(): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-login-'));
  const parsed = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: process.env.DATABASE_URL ? 'memory://' : dataDir, DATABASE_URL: process.env.DATABASE_URL, ADMIN_PASSWORD: 'bench-admin-pass', LOG_LEVEL: 'silent' });
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  const server = await startServer(parsed.env, pino({ level: 'silent' }));
  const headers = { 'content-type': 'application/json', origin: server.url };
  try {
    const signIn = async () => {
      const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ login: 'admin', password: 'bench-admin-pass' }) });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      await res.arrayBuffer();
    };
    await load(10, 2, signIn); // warm-up
    const latencies = await load(200, 4, signIn);
    const hashed = await hash('bench-admin-pass', { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const bare = await load(200, 4, async () => {
      await verify(hashed, 'bench-admin-pass');
    });
    const health = await load(500, 4, async () => {
      await (await fetch(`${server.url}/api/health`)).arrayBuffer();
    });
    // The bare layer for a request: node:http answering the same JSON with no framework or database.
    const bareServer = http.createServer((_req, res) => res.end(JSON.stringify({ status: 'ok' })));
    await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));
    const barePort = (bareServer.address() as AddressInfo).port;
    const bareHttp = await load(500, 4, async () => {
      await (await fetch(`http://127.0.0.1:${barePort}/`)).arrayBuffer();
    });
    bareServer.close();
    return [
      report('login p95 (4 concurrent, 200 sign-ins)', percentile(latencies, 95), percentile(bare, 95), 'bare argon2id verify p95 (same concurrency)', `p50 ${percentile(latencies, 50).toFixed(1)} ms`),
      report('GET /api/health p95 (runs select 1)', percentile(health, 95), percentile(bareHttp, 95), 'bare node:http JSON p95'),
    ];
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
