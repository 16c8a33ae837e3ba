import type { Services } from '../../server/context';
import { query } from '../../db/sql';
import { channelTimings, type ChannelSocket, type IO } from './context';
import type { ServerToClientEvents } from './events';

type Reason = Parameters<ServerToClientEvents['session:ended']>[0]['reason'];

/**
 * Tells a socket why, then closes it. The notice goes out as a local emit: with connection-state
 * recovery a plain `socket.emit` is first stored in the adapter (a Redis round trip) and would
 * lose the race with the close; a local one is written at once and flushed before the close.
 */
function end(io: IO, socket: ChannelSocket, reason: Reason): void {
  io.local.to(socket.id).emit('session:ended', { reason });
  socket.disconnect(true);
}

/**
 * Closes this node's sockets whose session ended: signed out or revoked (events from any node,
 * so they act on local and remote events alike), and, on a timer, sessions that expired or
 * vanished from the database.
 */
export function attachSessionGuard(io: IO, services: Services): { close(): void } {
  const { bus, log, env } = services;
  const local = () => [...io.of('/').sockets.values()];

  const offEnded = bus.on('session.ended', ({ sessionId }) => {
    for (const s of local()) if (s.data.sessionId === sessionId) end(io, s, 'signedOut');
  });
  const offRevoked = bus.on('user.sessionsRevoked', ({ userId, exceptSessionId }) => {
    for (const s of local()) if (s.data.userId === userId && s.data.sessionId !== exceptSessionId) end(io, s, 'revoked');
  });

  let checking = false;
  const check = async () => {
    const sockets = local().filter((s) => s.data.sessionId);
    const ids = [...new Set(sockets.map((s) => s.data.sessionId))];
    if (!ids.length) return;
    const em = services.db.orm.em.fork();
    const alive = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      // Same rules as resolveSession: idle and absolute expiry, and the user still active.
      const rows = await query<{ id: string }>(
        em,
        `select s.id from session s join app_user u on u.id = s.user_id
          where s.id in (${part.map(() => '?').join(', ')}) and u.active and s.expires_at > now() and s.last_seen_at > now() - make_interval(mins => ?)`,
        [...part, env.SESSION_IDLE_MINUTES],
      );
      for (const r of rows) alive.add(r.id);
    }
    for (const s of sockets) if (!alive.has(s.data.sessionId)) end(io, s, 'expired');
  };
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .catch((err) => log.error({ err }, 'socket session check failed'))
      .finally(() => (checking = false));
  }, channelTimings.sessionCheckMs);

  return {
    close() {
      offEnded();
      offRevoked();
      clearInterval(timer);
    },
  };
}
