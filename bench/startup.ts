// Time from starting the server process on an empty data dir to a healthy /api/health,
// beside the bare layer underneath: creating an empty PGlite database in a fresh folder.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { report } from './lib';

const root = path.resolve(import.meta.dirname, '..');

async function timeServerStart(port: number): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-admin-pass', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.ok) return performance.now() - t0;
      } catch {
        /* not listening yet */
      }
      if (performance.now() - t0 > 120_000) throw new Error('server did not become healthy within 120 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timeBarePglite(): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-pg-'));
  const t0 = performance.now();
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  await db.query('select 1');
  const elapsed = performance.now() - t0;
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

export async function benchStartup(): Promise<string> {
  const ours = await timeServerStart(39_000 + Math.floor(Math.random() * 1000));
  const bare = await timeBarePglite();
  return report('start → healthy on an empty data dir (client already built)', ours, bare, 'bare PGlite create + select 1');
}
