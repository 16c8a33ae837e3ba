import pino from 'pino';
import { parseEnv, type Env } from '../../server/env';
import { prepareServices } from '../../server/server';
import { createApp } from '../../server/app';
import type { Services } from '../../server/context';
import { freshDatabase } from './db';

export const ADMIN_PASSWORD = 'admin-pass-123';
export const ORIGIN = 'http://localhost';

export function testEnv(overrides: Record<string, string> = {}): Env {
  const parsed = parseEnv({ ADMIN_PASSWORD, LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...overrides });
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return parsed.env;
}

export type Res<T = any> = { status: number; body: T; headers: Headers };

export type Client = {
  cookie: string | null;
  get<T = any>(path: string): Promise<Res<T>>;
  post<T = any>(path: string, body?: unknown): Promise<Res<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<Res<T>>;
  del<T = any>(path: string): Promise<Res<T>>;
};

/**
 * The real Hono app on a real, fresh database (PGlite, or PostgreSQL with TEST_DATABASE_URL),
 * called in-process. Each test file gets its own.
 */
export async function createTestApp(envOverrides: Record<string, string> = {}) {
  const db = await freshDatabase();
  const env = testEnv({ ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: db.dataDir! }), ...envOverrides });
  const services: Services = await prepareServices(env, pino({ level: 'silent' }));
  const app = createApp(services);

  /** Raw request with our defaults: JSON content type and a same-origin Origin. */
  async function request(method: string, path: string, init: { body?: unknown; rawBody?: string; cookie?: string | null; headers?: Record<string, string> } = {}): Promise<Res> {
    const headers: Record<string, string> = { origin: ORIGIN, host: 'localhost', ...(init.headers ?? {}) };
    if (method !== 'GET' && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    const res = await app.request(`${ORIGIN}/api${path}`, {
      method,
      headers,
      body: init.rawBody ?? (init.body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(init.body)),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* non-JSON body stays text */
    }
    return { status: res.status, body, headers: res.headers };
  }

  function client(cookie: string | null = null): Client {
    const c: Client = {
      cookie,
      get: (path) => request('GET', path, { cookie: c.cookie }),
      post: (path, body) => request('POST', path, { body, cookie: c.cookie }),
      patch: (path, body) => request('PATCH', path, { body, cookie: c.cookie }),
      del: (path) => request('DELETE', path, { cookie: c.cookie }),
    };
    return c;
  }

  /** Signs in and returns a client carrying the session cookie. */
  async function login(loginName: string, password: string, ip = '10.0.0.1'): Promise<Client> {
    const res = await request('POST', '/auth/login', { body: { login: loginName, password }, headers: { 'x-test-client-ip': ip } });
    if (res.status !== 200) throw new Error(`login ${loginName} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const setCookie = res.headers.get('set-cookie') ?? '';
    return client(setCookie.split(';')[0]);
  }

  return {
    app,
    services,
    env,
    request,
    client,
    login,
    admin: () => login('admin', ADMIN_PASSWORD),
    async close() {
      await services.db.close();
      await db.drop();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
