import { z } from 'zod';
import type { Services } from '../../server/context';
import type { MetricParams } from './events';
import { parseOrThrow } from '../../server/validation';
import { allMetrics, findMetric, maySee } from '../../server/dashboards/registry';
import { computeMetric, paramsKey, parseParams } from '../../server/dashboards/service';
import { answer, byUser, channelTimings, localSockets, viewerOf, type ChannelSocket, type IO, type Viewers } from './context';

const SubscribeInput = z.strictObject({
  metric: z.string().min(1).max(100),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const dashboardRoom = (metric: string, params: MetricParams) => `dashboard:${metric}:${paramsKey(params)}`;

/**
 * Live dashboard figures. Subscribing computes the figure for the subscriber (scoped to what it
 * may read) and joins a room per metric + parameters. When a record of an object the metric
 * depends on changes anywhere, the figure is recomputed after a short pause — once per user and
 * parameters among this node's subscribers — and pushed to those sockets.
 */
export function attachLiveDashboards(io: IO, services: Services, viewers: Viewers) {
  const { log, bus } = services;
  /** Rooms with subscribers on this node, and what they subscribed to. */
  const subscriptions = new Map<string, { metric: string; params: MetricParams }>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  let closed = false;

  const off = bus.on('record.changed', (e) => {
    if (closed) return;
    for (const metric of allMetrics()) {
      if (!metric.objects.includes(e.object) || timers.has(metric.name)) continue;
      if (![...subscriptions.values()].some((s) => s.metric === metric.name)) continue;
      timers.set(
        metric.name,
        setTimeout(() => {
          timers.delete(metric.name);
          // One recomputation of a metric at a time; changes meanwhile schedule the next.
          const previous = running.get(metric.name) ?? Promise.resolve();
          const next = previous.then(() => recompute(metric.name));
          running.set(metric.name, next);
          void next.finally(() => {
            if (running.get(metric.name) === next) running.delete(metric.name);
          });
        }, channelTimings.dashboardDebounceMs),
      );
    }
  });

  async function recompute(name: string): Promise<void> {
    if (closed) return;
    const em = services.db.orm.em.fork();
    for (const [room, sub] of [...subscriptions]) {
      if (sub.metric !== name) continue;
      const sockets = localSockets(io, room);
      if (!sockets.length) {
        subscriptions.delete(room);
        continue;
      }
      for (const [userId, list] of byUser(sockets)) {
        try {
          const viewer = await viewers.get(userId);
          const metric = findMetric(name);
          if (!viewer || !metric || !maySee(viewer.principal, metric)) continue;
          const update = await computeMetric(em, viewer.principal, name, sub.params);
          for (const s of list) s.emit('dashboard:update', update);
        } catch (err) {
          log.error({ err, metric: name, userId }, 'dashboard recomputation failed');
        }
      }
    }
  }

  return {
    register(socket: ChannelSocket): void {
      socket.on('dashboard:subscribe', (input, ack) =>
        answer(log, ack, async () => {
          const { metric, params } = parseOrThrow(SubscribeInput, input);
          const { principal } = await viewerOf(viewers, socket);
          const update = await computeMetric(services.db.orm.em.fork(), principal, metric, params ?? {});
          const room = dashboardRoom(update.metric, update.params);
          subscriptions.set(room, { metric: update.metric, params: update.params });
          await socket.join(room);
          return update;
        }),
      );
      socket.on('dashboard:unsubscribe', (input) => {
        const parsed = SubscribeInput.safeParse(input);
        const metric = parsed.success ? findMetric(parsed.data.metric) : undefined;
        if (!metric) return;
        try {
          void socket.leave(dashboardRoom(metric.name, parseParams(metric, parsed.data!.params ?? {})));
        } catch {
          // Parameters that never validated were never subscribed to.
        }
      });
    },
    async close(): Promise<void> {
      closed = true;
      off();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
