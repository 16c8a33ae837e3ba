import { chromium, type Browser } from 'playwright-core';
import pino from 'pino';
import { startServer, type RunningServer } from '../../server/server';
import { ensureClientBuilt } from '../../server/client-build';
import { freshDatabase } from '../helpers/db';
import { ADMIN_PASSWORD, testEnv } from '../helpers/app';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A real listening server (built client, fresh database) for browser tests. */
export async function startE2EServer(): Promise<{ server: RunningServer; close(): Promise<void> }> {
  await ensureClientBuilt({ info: () => undefined });
  const db = await freshDatabase();
  const env = testEnv({ PORT: '0', HOST: '127.0.0.1', ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: db.dataDir! }) });
  const server = await startServer(env, pino({ level: 'silent' }));
  return {
    server,
    async close() {
      await server.close();
      await db.drop();
    },
  };
}

export { ADMIN_PASSWORD };
