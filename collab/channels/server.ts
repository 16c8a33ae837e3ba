import type { Server as HttpServer } from 'node:http';
import type { ServerType } from '@hono/node-server';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Services } from '../../server/context';
import { createRedis } from '../../server/redis';
import { conversationIdsOf } from '../../server/messages/service';
import { startNotificationWorkers } from '../../server/notifications/workers';
import { authenticateUpgrade } from '../auth';
import { conversationRoom, setRooms, userRoom } from './hub';
import { channelTimings, Viewers, type IO } from './context';
import { registerConversationHandlers } from './conversations';
import { attachLiveRecords } from './live';
import { attachLiveDashboards } from './dashboards';
import { attachSessionGuard } from './sessions';

/** Why a handshake was refused, as the client's `connect_error` sees it (`err.message`, `err.data.code`). */
function refusal(reason: 'origin' | 'unauthenticated' | 'internal'): Error & { data: { code: string } } {
  const messages = { origin: 'Origin not allowed', unauthenticated: 'Not signed in or the session has ended', internal: 'Something went wrong on our side' };
  const codes = { origin: 'forbidden', unauthenticated: 'unauthenticated', internal: 'internal' };
  return Object.assign(new Error(messages[reason]), { data: { code: codes[reason] } });
}

/**
 * Socket.IO on the HTTP server at /socket.io: personal pushes (`user:<id>`), messages
 * (`conversation:<id>`), live lists and cards, live dashboards. With REDIS_URL the streams adapter
 * makes all nodes one (rooms, broadcasts and connection-state recovery across nodes; sticky
 * sessions at the load balancer). Also starts this node's notification workers.
 */
export async function attachChannels(http: ServerType, services: Services): Promise<{ close(): Promise<void> }> {
  const { env, log } = services;
  const io: IO = new Server(http as HttpServer, {
    path: '/socket.io',
    serveClient: false,
    // y-websocket shares the upgrade event: other paths' upgrades are not ours to destroy.
    destroyUpgrade: false,
    // Only WebSocket: browsers send Origin on every WebSocket handshake, not on same-origin
    // polling GETs, and the handshake's Origin check is what stops cross-site use of the cookie.
    transports: ['websocket'],
    // Recovered sockets go through the handshake again, so an ended session cannot come back.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });
  let redis: Redis | null = null;
  if (env.REDIS_URL) {
    redis = createRedis(env.REDIS_URL, 'socket.io');
    io.adapter(createAdapter(redis, { streamName: `${env.REDIS_PREFIX}:socket.io` }));
  }
  const viewers = new Viewers(services);
  const offUserChanged = services.bus.on('user.changed', ({ userId }) => viewers.forget(userId));

  io.use((socket, next) => {
    void (async () => {
      const auth = await authenticateUpgrade(socket.request, services);
      if (!auth.ok) return next(refusal(auth.reason));
      socket.data = { userId: auth.principal.userId, sessionId: auth.sessionId };
      await viewers.seed(auth.principal);
      // Rooms are joined before the client hears `connect`, so nothing sent after that is missed.
      const conversations = await conversationIdsOf(services.db.orm.em.fork(), auth.principal.userId);
      await socket.join([userRoom(auth.principal.userId), ...conversations.map(conversationRoom)]);
      next();
    })().catch((err) => {
      log.error({ err }, 'socket handshake failed');
      next(refusal('internal'));
    });
  });

  const live = attachLiveRecords(io, services, viewers);
  const dashboards = attachLiveDashboards(io, services, viewers);
  const sessions = attachSessionGuard(io, services);
  io.on('connection', (socket) => {
    socket.onAny(() => {
      socket.data.used = true;
    });
    registerConversationHandlers(socket, services, viewers);
    live.register(socket);
    dashboards.register(socket);
  });

  services.push = (userId, event, ...args) => {
    io.to(userRoom(userId)).emit(event, ...args);
  };
  setRooms(services, {
    emit: (room, event, ...args) => {
      io.to(room).emit(event, ...args);
    },
    join: (userIds, room) => {
      if (userIds.length) io.in(userIds.map(userRoom)).socketsJoin(room);
    },
    leave: (userIds, room) => {
      if (userIds.length) io.in(userIds.map(userRoom)).socketsLeave(room);
    },
  });

  // Principals of users who left this node are not kept.
  const prune = setInterval(() => viewers.retain(new Set([...io.of('/').sockets.values()].map((s) => s.data.userId))), channelTimings.principalTtlMs);
  const workers = startNotificationWorkers(services, { tickMs: channelTimings.notificationTickMs, birthdayMs: channelTimings.birthdayCheckMs, batchMs: channelTimings.notificationBatchMs });

  return {
    async close() {
      clearInterval(prune);
      offUserChanged();
      sessions.close();
      live.close();
      await dashboards.close();
      await workers.close();
      services.push = null;
      setRooms(services, null);
      // Close the connections without a "server disconnect": clients reconnect (to another node).
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
      await io.of('/').adapter.close();
      io.engine.close();
      if (redis) await redis.quit().catch(() => redis!.disconnect());
    },
  };
}
