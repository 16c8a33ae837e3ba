import type { Redis } from 'ioredis';
import type { Services } from '../server/context';
import type { EventMap, EventName } from '../server/events';
import { loadCustomMetadata } from '../server/meta/custom';
import { createRedis } from '../server/redis';

type Envelope = { node: string; event: EventName; payload: EventMap[EventName] };

/**
 * Bridges the event bus between nodes over Redis pub/sub: what happens on one node
 * (a record written, a session ended, custom fields changed) is re-emitted on every other
 * node as a remote event. Without REDIS_URL there is one node and nothing to bridge.
 */
export async function bridgeEvents(services: Services): Promise<{ close(): Promise<void> }> {
  const { bus, env, nodeId, log } = services;
  // Other nodes changed custom fields or business types: reload the registry here.
  const offMeta = bus.on('meta.changed', (_e, meta) => {
    if (meta.remote) void loadCustomMetadata(services.db.orm.em.fork()).catch((err) => log.error({ err }, 'reloading metadata failed'));
  });
  if (!env.REDIS_URL) return { close: async () => offMeta() };
  const channel = `${env.REDIS_PREFIX}:events`;

  const pub: Redis = createRedis(env.REDIS_URL, 'events-pub');
  const sub: Redis = createRedis(env.REDIS_URL, 'events-sub');
  await sub.subscribe(channel);
  sub.on('message', (_channel, raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.node === nodeId) return;
    bus.emitRemote(envelope.event, envelope.payload);
  });
  bus.publish = (event, payload) => {
    void pub.publish(channel, JSON.stringify({ node: nodeId, event, payload } satisfies Envelope)).catch((err) => log.error({ err, event }, 'publishing an event failed'));
  };
  return {
    async close() {
      offMeta();
      bus.publish = null;
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}
