import { chromium, type Browser, type Page } from 'playwright-core';
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

/** Signs in through the login page of the server at `baseUrl`. */
export async function signIn(p: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await p.goto(`${baseUrl}/login`);
  await p.getByTestId('login-name').fill(login);
  await p.getByTestId('login-password').fill(password);
  await p.getByTestId('login-submit').click();
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** A JSON request from inside the page (its session cookie and Origin). */
export async function call<T = any>(p: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return p.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}
