import type { EntityManager } from '@mikro-orm/postgresql';
import ExcelJS from 'exceljs';
import type { Principal } from '../auth/principal';
import type { DashboardUpdate, MetricParams, MetricResult } from '../../collab/channels/events';
import { AppError, invalid } from '../errors';
import { fieldErrorsFromZod } from '../validation';
import { neutralise } from '../records/export';
import type { Label, LocaleCode } from '../records/types';
import { allDashboards, findMetric, maySee, type Metric } from './registry';
// The built-in dashboards register themselves when loaded.
import './customers';
import './sales';

export type DashboardDto = { name: string; label: Label; metrics: { name: string; label: Label; objects: string[] }[] };

/** Dashboards with the metrics this user may see (a dashboard with none left is not listed). */
export function listDashboards(principal: Principal): DashboardDto[] {
  return allDashboards().flatMap((d) => {
    const metrics = d.metrics.map((name) => findMetric(name)!).filter((m) => maySee(principal, m));
    return metrics.length ? [{ name: d.name, label: d.label, metrics: metrics.map((m) => ({ name: m.name, label: m.label, objects: m.objects })) }] : [];
  });
}

/** The metric, if it exists (404) and the principal may see it (403). */
export function requireMetric(principal: Principal, name: string): Metric {
  const metric = findMetric(name);
  if (!metric) throw new AppError('not_found', `Unknown metric "${name}"`);
  if (!maySee(principal, metric)) throw new AppError('forbidden');
  return metric;
}

/** Validates a metric's parameters; a metric without parameters takes none. Errors name `params.<key>`. */
export function parseParams(metric: Metric, raw: unknown): MetricParams {
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalid([{ field: 'params', code: 'invalid_type' }]);
  if (!metric.params) {
    const keys = Object.keys(input);
    if (keys.length) throw invalid(keys.map((k) => ({ field: `params.${k}`, code: 'unknown_field' as const })));
    return {};
  }
  const result = metric.params.safeParse(input);
  if (!result.success) throw invalid(fieldErrorsFromZod(result.error, input).map((f) => ({ ...f, field: `params.${f.field}` })));
  return result.data;
}

/** The same parameters always give the same key (subscriptions are shared by it). */
export function paramsKey(params: MetricParams): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

/** Computes a metric for a principal; the metric scopes its figures to what the principal may read. */
export async function computeMetric(em: EntityManager, principal: Principal, name: string, rawParams: unknown): Promise<DashboardUpdate & { result: MetricResult }> {
  const metric = requireMetric(principal, name);
  const params = parseParams(metric, rawParams);
  const result = await metric.compute(em, principal, params);
  return { metric: metric.name, params, result, at: new Date().toISOString() };
}

/**
 * A metric's figures as an .xlsx, all in `locale`: column labels, coded values in words (their
 * column's options) and names the metric writes (stages); text cells that look like formulas neutralised.
 */
export async function exportMetric(em: EntityManager, principal: Principal, name: string, rawParams: unknown, locale: LocaleCode): Promise<{ filename: string; data: Buffer }> {
  const metric = requireMetric(principal, name);
  const { result } = await computeMetric(em, { ...principal, locale }, name, rawParams);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(metric.label[locale].replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Sheet1');
  sheet.columns = result.columns.map((c) => ({
    header: c.label[locale],
    key: c.name,
    width: Math.min(40, Math.max(12, c.label[locale].length + 4)),
    ...(c.type === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : c.type === 'money' ? { style: { numFmt: '#,##0.00' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of result.rows) sheet.addRow(row.map((v, i) => cell(result, i, v, locale)));
  const data = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `${metric.name}-${new Date().toISOString().slice(0, 10)}.xlsx`, data };
}

function cell(result: MetricResult, index: number, v: string | number | null, locale: LocaleCode): string | number | Date | null {
  if (v === null) return null;
  const type = result.columns[index]?.type;
  const option = result.columns[index]?.options?.find((o) => o.value === v);
  if (option) return neutralise(option.label[locale]);
  if (type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  if ((type === 'number' || type === 'money') && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return typeof v === 'string' ? neutralise(v) : v;
}
