import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { startServer, type RunningServer } from '../../server/server';
import { freshDatabase } from './db';
import { ADMIN_PASSWORD, testEnv } from './app';

export { ADMIN_PASSWORD };

/** Signs in over real HTTP; returns the `name=value` cookie for WebSocket and Socket.IO clients. */
export async function loginCookie(baseUrl: string, login: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ login, password }),
  });
  if (res.status !== 200) throw new Error(`login ${login} failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

/** A JSON request over real HTTP with a session cookie and our own Origin. */
export async function api<T = any>(baseUrl: string, cookie: string | null, method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { origin: baseUrl };
  if (cookie) headers.cookie = cookie;
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}/api${apiPath}`, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export type TestServer = {
  url: string;
  port: number;
  server: RunningServer;
  admin(): Promise<string>;
  close(): Promise<void>;
};

/** A real listening server (HTTP, Socket.IO, y-websocket) in this process on a fresh database. */
export async function startTestServer(envOverrides: Record<string, string> = {}): Promise<TestServer> {
  const db = await freshDatabase();
  const env = testEnv({ PORT: '0', HOST: '127.0.0.1', ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: db.dataDir! }), ...envOverrides });
  const server = await startServer(env, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    port: server.port,
    server,
    admin: () => loginCookie(url, 'admin', ADMIN_PASSWORD),
    async close() {
      await server.close();
      await db.drop();
    },
  };
}

export type ServerProcess = { url: string; port: number; child: ChildProcess; output(): string; stop(signal?: NodeJS.Signals): Promise<void> };

/**
 * A server in a child process (for kill -9 and several-node tests). `env` is passed as is on
 * top of the test defaults; it must name the database (DATABASE_URL or DATA_DIR).
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const entry = path.resolve(import.meta.dirname, 'server-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ADMIN_PASSWORD, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A child that never became ready must not outlive the test that started it.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 60_000);
    child.stdout!.on('data', () => {
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
