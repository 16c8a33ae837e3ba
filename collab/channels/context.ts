import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { Services } from '../../server/context';
import type { Principal } from '../../server/auth/principal';
import { loadPrincipal } from '../../server/auth/principal';
import { AppError } from '../../server/errors';
import { displayNames } from '../../server/messages/service';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SocketData } from './events';

export type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChannelSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Intervals of the channels layer; tests shorten them before starting a server. */
export const channelTimings = {
  /** A socket's principal (groups, rights) is reloaded after this long. */
  principalTtlMs: 60_000,
  /** Record changes are coalesced per object for this long before live lists hear of them. */
  liveDebounceMs: 200,
  /** Dashboard figures are recomputed at most this often per metric. */
  dashboardDebounceMs: 250,
  /** Scheduled notifications are looked for this often. */
  notificationTickMs: 5_000,
  /** Birthdays are checked this often (and at start). */
  birthdayCheckMs: 60 * 60_000,
  /** Record writes are gathered this long before assignment and mention notifications are made (a bulk edit becomes one summary). */
  notificationBatchMs: 1_000,
};

/** Who is behind a socket: the principal and the name others see. */
export type Viewer = { principal: Principal; name: string };

/**
 * Principals of this node's socket users, per user (all tabs share one): loaded again when the
 * user changes (language, groups, employee) and after `principalTtlMs`, so a change of a
 * group's rights reaches open sockets within a minute.
 */
export class Viewers {
  private readonly cache = new Map<string, { at: number; value: Promise<Viewer | null> }>();

  constructor(private readonly services: Services) {}

  get(userId: string): Promise<Viewer | null> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < channelTimings.principalTtlMs) return hit.value;
    const value = this.load(userId);
    this.cache.set(userId, { at: Date.now(), value });
    value.catch(() => this.cache.delete(userId));
    return value;
  }

  /** Starts the cache of a user from the principal the handshake just loaded. */
  seed(principal: Principal): Promise<Viewer | null> {
    const value = displayNames(this.services.db.orm.em.fork(), [principal.userId]).then((names) => ({ principal, name: names.get(principal.userId) ?? principal.login }));
    this.cache.set(principal.userId, { at: Date.now(), value });
    value.catch(() => this.cache.delete(principal.userId));
    return value;
  }

  /** Loads a user's principal again at the next use (their language, groups or rights changed). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  /** Drops users with no socket left on this node. */
  retain(userIds: Set<string>): void {
    for (const id of this.cache.keys()) if (!userIds.has(id)) this.cache.delete(id);
  }

  private async load(userId: string): Promise<Viewer | null> {
    const em = this.services.db.orm.em.fork();
    const principal = await loadPrincipal(em, userId);
    if (!principal) return null;
    const names = await displayNames(em, [userId]);
    return { principal, name: names.get(userId) ?? principal.login };
  }
}

/** The socket's viewer, or an `unauthenticated` error when the user is gone or disabled. */
export async function viewerOf(viewers: Viewers, socket: ChannelSocket): Promise<Viewer> {
  const viewer = await viewers.get(socket.data.userId);
  if (!viewer) throw new AppError('unauthenticated');
  return viewer;
}

/**
 * Runs a socket request and answers its acknowledgement with the data or the same error shape
 * as the REST API (a 400 names the field). Unexpected errors are logged and answered `internal`.
 */
export async function answer<T>(log: Logger, ack: unknown, work: () => Promise<T>): Promise<void> {
  const reply = typeof ack === 'function' ? (ack as (res: Ack<T>) => void) : () => undefined;
  try {
    reply({ ok: true, data: await work() });
  } catch (err) {
    if (err instanceof AppError) {
      reply({ ok: false, error: err.toBody().error });
      return;
    }
    log.error({ err }, 'socket request failed');
    reply({ ok: false, error: new AppError('internal').toBody().error });
  }
}

/** Local sockets (this node only) in a room. */
export function localSockets(io: IO, room: string): ChannelSocket[] {
  const ids = io.of('/').adapter.rooms.get(room);
  if (!ids) return [];
  const out: ChannelSocket[] = [];
  for (const id of ids) {
    const s = io.of('/').sockets.get(id);
    if (s) out.push(s);
  }
  return out;
}

/** Sockets grouped by their user. */
export function byUser(sockets: ChannelSocket[]): Map<string, ChannelSocket[]> {
  const out = new Map<string, ChannelSocket[]>();
  for (const s of sockets) out.set(s.data.userId, [...(out.get(s.data.userId) ?? []), s]);
  return out;
}
