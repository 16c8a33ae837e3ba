import type { Services } from '../../server/context';
import { watchSessions } from '../sessions';
import type { ChannelSocket, IO } from './context';
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
 * so they act on local and remote events alike), and sessions that expired, went idle or
 * vanished from the database.
 */
export function attachSessionGuard(io: IO, services: Services): { close(): void } {
  const { bus } = services;
  const local = () => [...io.of('/').sockets.values()];

  const offEnded = bus.on('session.ended', ({ sessionId }) => {
    for (const s of local()) if (s.data.sessionId === sessionId) end(io, s, 'signedOut');
  });
  const offRevoked = bus.on('user.sessionsRevoked', ({ userId, exceptSessionId }) => {
    for (const s of local()) if (s.data.userId === userId && s.data.sessionId !== exceptSessionId) end(io, s, 'revoked');
  });

  // Expired or idle sessions, and sockets used meanwhile (a message sent keeps a session alive).
  const watcher = watchSessions(
    services,
    () => local().map((s) => s.data),
    (ended) => {
      for (const s of local()) if (ended.has(s.data.sessionId)) end(io, s, 'expired');
    },
  );

  return {
    close() {
      offEnded();
      offRevoked();
      watcher.close();
    },
  };
}
