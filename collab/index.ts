import type { ServerType } from '@hono/node-server';
import type { Services } from '../server/context';
import { bridgeEvents } from './relay';
import { attachChannels } from './channels/server';
import { attachYjs } from './yjs/server';

/**
 * The real-time layer on the HTTP server: the event bridge between nodes, Socket.IO
 * (messages, notifications, live lists, dashboards) and the y-websocket co-editing server.
 */
export async function attachRealtime(http: ServerType, services: Services): Promise<{ close(): Promise<void> }> {
  const events = await bridgeEvents(services);
  const channels = await attachChannels(http, services);
  const yjs = await attachYjs(http, services);
  return {
    async close() {
      await yjs.close();
      await channels.close();
      await events.close();
    },
  };
}
