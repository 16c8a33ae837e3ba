import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import type { Label } from '../records/types';
import type { MetricParams, MetricResult } from '../../collab/channels/events';
import { findObject } from '../records/registry';
import { levelFor } from '../records/query';

/**
 * A named figure a dashboard shows. `compute` must scope what it counts to what the principal may
 * read (readableWhere / scopeCondition); the client never says what it may see.
 */
export type Metric = {
  name: string;
  label: Label;
  /** Objects whose `record.changed` makes the figure stale. */
  objects: string[];
  /** Rights the viewer needs (on top of the scoping inside compute). */
  requires: { object: string; action: 'read' }[];
  /** Validates (and coerces: query strings arrive as text) the parameters; none when absent. */
  params?: z.ZodType<MetricParams, unknown>;
  compute(em: EntityManager, principal: Principal, params: MetricParams): Promise<MetricResult>;
};

export type Dashboard = { name: string; label: Label; metrics: string[] };

const metrics = new Map<string, Metric>();
const dashboards = new Map<string, Dashboard>();

/** Adds a metric; modules call this once at load. */
export function registerMetric(metric: Metric): void {
  if (metrics.has(metric.name)) throw new Error(`Metric "${metric.name}" is registered twice`);
  metrics.set(metric.name, metric);
}

/** Adds a dashboard made of registered metrics. */
export function registerDashboard(dashboard: Dashboard): void {
  if (dashboards.has(dashboard.name)) throw new Error(`Dashboard "${dashboard.name}" is registered twice`);
  for (const m of dashboard.metrics) if (!metrics.has(m)) throw new Error(`Dashboard "${dashboard.name}": unknown metric "${m}"`);
  dashboards.set(dashboard.name, dashboard);
}

export function findMetric(name: string): Metric | undefined {
  return metrics.get(name);
}

export function allMetrics(): Metric[] {
  return [...metrics.values()];
}

export function allDashboards(): Dashboard[] {
  return [...dashboards.values()];
}

/** Whether the principal holds every right the metric requires. */
export function maySee(principal: Principal, metric: Metric): boolean {
  return metric.requires.every((r) => {
    const def = findObject(r.object);
    return def !== undefined && levelFor(principal, def, r.action) !== 'none';
  });
}
