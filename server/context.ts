import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Database } from '../db/orm';
import type { Env } from './env';
import type { EventBus } from './events';
import type { Principal } from './auth/principal';
import type { ServerToClientEvents } from '../collab/channels/events';

/** Pushes an event to every open tab of a user, on whichever node its sockets live. */
export type Push = <E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

/** Long-lived things a request may use; built once in main.ts (or by a test). */
export type Services = {
  env: Env;
  db: Database;
  log: Logger;
  bus: EventBus;
  version: string;
  redis: boolean;
  /** This process among the nodes of a deployment (relays skip what they published themselves). */
  nodeId: string;
  /** Set when the real-time layer is attached to a listening server; null in in-process tests. */
  push: Push | null;
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
