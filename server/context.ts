import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Database } from '../db/orm';
import type { Env } from './env';
import type { EventBus } from './events';
import type { Principal } from './auth/principal';

/** Long-lived things a request may use; built once in main.ts (or by a test). */
export type Services = {
  env: Env;
  db: Database;
  log: Logger;
  bus: EventBus;
  version: string;
  redis: boolean;
};

export type AppEnv = {
  Variables: {
    services: Services;
    requestId: string;
    log: Logger;
    /** A fork of the EntityManager for this request only. */
    em: EntityManager;
    principal: Principal | null;
    sessionId: string | null;
    clientIp: string;
  };
};
