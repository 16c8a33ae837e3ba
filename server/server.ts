import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createRequire } from 'node:module';
import { initORM, migrate } from '../db/orm';
import type { Env } from './env';
import type { Services } from './context';
import { EventBus } from './events';
import { createApp } from './app';
import { registerBuiltInObjects } from './objects';
import { checkObjectsAgainstEntities } from './records/registry';
import { bootstrap } from './bootstrap';
import { setTimeZone } from './time';
import { loadCustomMetadata } from './meta/custom';
import { backfillSearchText } from './search/service';
import { randomUUID } from 'node:crypto';
import { attachRealtime } from '../collab';
import { startSalesReminders } from './sales/reminders';

const version: string = createRequire(import.meta.url)('../package.json').version;

export type RunningServer = {
  url: string;
  port: number;
  services: Services;
  http: ServerType;
  close(): Promise<void>;
};

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>) {
  const pretty = process.stdout.isTTY && env.LOG_LEVEL !== 'silent';
  return pino({ level: env.LOG_LEVEL, ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss' } } } : {}) });
}

/** Opens the database, migrates, bootstraps and prepares the services (no listening yet). */
export async function prepareServices(env: Env, log = createLogger(env)): Promise<Services> {
  setTimeZone(env.TIME_ZONE);
  const db = await initORM({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const applied = await migrate(db, env.DATABASE_URL);
    if (applied.length) log.info({ applied }, 'migrations applied');
    registerBuiltInObjects();
    checkObjectsAgainstEntities(db.orm);
    await loadCustomMetadata(db.orm.em.fork());
    const filled = await backfillSearchText(db.orm.em.fork());
    if (filled) log.info({ filled }, 'search text filled in');
    await bootstrap(db.orm.em.fork(), log, env.ADMIN_PASSWORD);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { env, db, log, bus: new EventBus(), version, redis: Boolean(env.REDIS_URL), nodeId: randomUUID(), push: null };
}

/** Starts the HTTP server; `close()` stops accepting, lets requests finish, then closes the database. */
export async function startServer(env: Env, log = createLogger(env)): Promise<RunningServer> {
  const services = await prepareServices(env, log);
  const app = createApp(services);
  const http = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
  });
  const port = (http.address() as AddressInfo).port;
  // Socket.IO and the y-websocket server share the HTTP server (and its port) with Hono.
  const realtime = await attachRealtime(http, services);
  // Scheduled work of this node (each reminder is claimed once across nodes).
  const salesReminders = startSalesReminders(services);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}`,
    port,
    services,
    http,
    close() {
      closing ??= (async () => {
        // Live connections first: open docs flush their last updates to the database.
        await salesReminders.close();
        await realtime.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          // Keep-alive sockets with no request in flight would hold close() open.
          (http as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
        await services.db.close();
      })();
      return closing;
    },
  };
}
