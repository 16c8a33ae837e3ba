import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startServer } from '../../server/server';
import { ADMIN_PASSWORD, testEnv } from '../helpers/app';

// Embedded-database durability: what PGlite users rely on. (PostgreSQL keeps its own promises.)
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-restart-'));
const root = path.resolve(import.meta.dirname, '../..');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function signIn(url: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

// Whole server starts and a killed child process: slow on a loaded 2-core machine.
describe('embedded database across restarts', { timeout: 120_000 }, () => {
  it('keeps data written before a clean shutdown', async () => {
    const env = testEnv({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    const first = await startServer(env, pino({ level: 'silent' }));
    const cookie = await signIn(first.url);
    const created = await fetch(`${first.url}/api/records/organisation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: first.url, cookie },
      body: JSON.stringify({ name: '持久化测试 Durable Org' }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    await first.close();

    const second = await startServer(env, pino({ level: 'silent' }));
    const cookie2 = await signIn(second.url);
    const res = await fetch(`${second.url}/api/records/organisation/${id}`, { headers: { cookie: cookie2 } });
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe('持久化测试 Durable Org');
    await second.close();
  });

  it('starts cleanly after a start that was killed half-way', async () => {
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-interrupted-'));
    try {
      // Kill a real server process with SIGKILL while it is opening and migrating the database.
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('./server/server.ts').then(async (m) => { const { parseEnv } = await import('./server/env.ts'); await m.prepareServices(parseEnv({ DATA_DIR: ${JSON.stringify(freshDir)}, ADMIN_PASSWORD: ${JSON.stringify(ADMIN_PASSWORD)}, LOG_LEVEL: 'silent' }).env); })`], {
        cwd: root,
        stdio: 'ignore',
      });
      // Wait until PGlite has begun writing its cluster files, then pull the plug mid-initialisation.
      const started = () =>
        fs.existsSync(path.join(freshDir, 'PG_VERSION')) ||
        fs.readdirSync(path.dirname(freshDir)).some((f) => f.startsWith(`${path.basename(freshDir)}.init-`));
      const deadline = Date.now() + 60_000;
      while (!started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const began = started();
      if (began) await new Promise((r) => setTimeout(r, 100));
      // Killed whatever happened, so a failed wait never leaves the child running.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      expect(began).toBe(true);

      const server = await startServer(testEnv({ DATA_DIR: freshDir, PORT: '0', HOST: '127.0.0.1' }), pino({ level: 'silent' }));
      const cookie = await signIn(server.url);
      const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect((await me.json()).isAdmin).toBe(true);
      await server.close();
    } finally {
      fs.rmSync(freshDir, { recursive: true, force: true });
    }
  }, 180_000);
});
