import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { invalid } from '../errors';
import { runSql } from '../../db/sql';
import { col, ident, labelLocale, readableWhere, titleSql, type ReadParams } from './query';
import { fieldOf, findObject } from './registry';
import type { FieldDef, ObjectDef } from './types';
import { timeZone } from '../time';

/** A measure's value; money of an object with a currency is one exact amount per currency. */
export type MeasureValue = number | string | Record<string, string> | null;

export type GroupNode = {
  value: unknown;
  label?: string | null;
  count: number;
  measures: Record<string, MeasureValue>;
  groups?: GroupNode[];
};

export type GroupResult = { groups: GroupNode[]; totals: { count: number; measures: Record<string, MeasureValue> } };

const MAX_LEVELS = 4;
const aggregates = ['sum', 'avg', 'min', 'max'] as const;

/** `perCurrency`: one aggregate per currency, `sql[i]` for `perCurrency[i]`. */
type Measure = { key: string; sql: string[]; money: boolean; perCurrency?: string[] };

/**
 * The currency field of an object whose money is kept in several currencies (a `currency`
 * select, as sales records have): their sums are never added across currencies.
 */
function currencyFieldOf(def: ObjectDef): FieldDef | undefined {
  return def.fields.find((f) => f.name === 'currency' && f.type === 'select' && f.options?.length);
}

function parseMeasures(def: ObjectDef, raw: string[], readDenied: string[]): Measure[] {
  const currency = currencyFieldOf(def);
  return raw.map((key) => {
    if (key === 'count') return { key, sql: ['count(*)'], money: false };
    const [fn, name] = key.split(':');
    const field = name ? fieldOf(def, name) : undefined;
    if (!aggregates.includes(fn as (typeof aggregates)[number]) || !field || readDenied.includes(field.name) || !['number', 'money'].includes(field.type)) {
      throw invalid([{ field: 'measures', code: 'invalid_option', params: { value: key } }]);
    }
    // Money stays exact: numeric in, string out; per currency where the object has one.
    const aggregate = `${fn}(${col(field)})`;
    // Amounts whose currency the reader may not see cannot be added up meaningfully.
    if (field.type === 'money' && currency && readDenied.includes(currency.name)) return { key, sql: ['null'], money: true };
    if (field.type === 'money' && currency) {
      // Option values are codes of the metadata (CNY, USD…), safe to inline.
      const codes = currency.options!.map((o) => o.value).filter((v) => /^[A-Z]{3}$/.test(v));
      return { key, sql: codes.map((c) => `${aggregate} filter (where ${col(currency)} = '${c}')`), money: true, perCurrency: codes };
    }
    return { key, sql: [aggregate], money: field.type === 'money' };
  });
}

const buckets = ['day', 'week', 'month', 'quarter', 'year'] as const;
type Bucket = (typeof buckets)[number];
type GroupLevel = { field: FieldDef; bucket?: Bucket };

/** `by` entries are field names, or `field:month` (day/week/month/quarter/year) for dates. */
function groupLevels(def: ObjectDef, by: string[], readDenied: string[]): GroupLevel[] {
  // No `by`: only the grand totals (a card's sums of a related list).
  if (by.length > MAX_LEVELS) throw invalid([{ field: 'by', code: 'invalid_option', params: { max: MAX_LEVELS } }]);
  return by.map((entry) => {
    const [name, bucket] = entry.split(':');
    const field = fieldOf(def, name);
    if (!field || readDenied.includes(field.name) || ['longText', 'multiSelect', 'file'].includes(field.type) || field.name === 'id') {
      throw invalid([{ field: 'by', code: 'unknown_field', params: { value: entry } }]);
    }
    if (bucket !== undefined && (!buckets.includes(bucket as Bucket) || !['date', 'dateTime'].includes(field.type))) {
      throw invalid([{ field: 'by', code: 'invalid_option', params: { value: entry } }]);
    }
    return { field, bucket: bucket as Bucket | undefined };
  });
}

/** The grouping key: dates as text, optionally cut to the start of their day/week/… in the company's zone. */
function keyExpr(level: GroupLevel): { text: string; bindings: unknown[] } {
  const { field, bucket } = level;
  if (field.type === 'dateTime') {
    const unit = bucket ?? 'day';
    return { text: `date_trunc('${unit}', ${col(field)} at time zone ?)::date::text`, bindings: [timeZone()] };
  }
  if (field.type === 'date') return { text: bucket ? `date_trunc('${bucket}', ${col(field)})::date::text` : `${col(field)}::text`, bindings: [] };
  return { text: col(field), bindings: [] };
}

const scalar = (m: Measure, v: unknown) => (v === null || v === undefined ? null : m.money ? String(v) : Number(v));

/** A measure's value from its columns (`m<i>_<j>`) of a result row. */
function measureValue(m: Measure, row: Record<string, unknown>, i: number): MeasureValue {
  if (!m.perCurrency) return scalar(m, row[`m${i}_0`]);
  const byCurrency = Object.fromEntries(m.perCurrency.flatMap((c, j) => (row[`m${i}_${j}`] == null ? [] : [[c, String(row[`m${i}_${j}`])]])));
  return Object.keys(byCurrency).length ? byCurrency : null;
}

/**
 * Nested groups with count and sum/avg/min/max per group and a grand total, in one query
 * (GROUPING SETS), over exactly the rows the principal may read.
 */
export async function groupRecords(em: EntityManager, def: ObjectDef, principal: Principal | null, by: string[], measureKeys: string[], params: ReadParams): Promise<GroupResult> {
  const readDenied = principal?.permissions[def.name].deny.read ?? [];
  const levels = groupLevels(def, by, readDenied);
  const fields = levels.map((l) => l.field);
  const measures = parseMeasures(def, measureKeys.includes('count') ? measureKeys : ['count', ...measureKeys], readDenied);
  const where = await readableWhere(em, def, principal, params);
  // Per level: the key expression, plus the related record's title for relations.
  const levelKeys: string[][] = [];
  const joins: string[] = [];
  const selects: string[] = [];
  // Key expressions repeat in SELECT, GROUPING SETS and grouping(); their bindings are inlined as literals below.
  fields.forEach((field, i) => {
    const expr = keyExpr(levels[i]);
    const key = expr.bindings.length ? expr.text.replace('?', `'${timeZone().replace(/'/g, "''")}'`) : expr.text;
    levelKeys.push([key]);
    selects.push(`${key} as ${ident(`g${i}`)}`, `grouping(${key}) as ${ident(`x${i}`)}`);
    if (field.type === 'relation') {
      const target = findObject(field.relation!)!;
      const alias = ident(`gj${i}`);
      joins.push(`left join ${ident(target.table)} ${alias} on ${alias}.id = ${col(field)}`);
      const label = titleSql(target, alias, labelLocale(principal));
      levelKeys[i].push(label);
      selects.push(`${label} as ${ident(`l${i}`)}`);
    }
  });
  // One grouping set per level — (k0), (k0, k1), … — and () for the grand total.
  const sets = [...fields.map((_, level) => `(${levelKeys.slice(0, level + 1).flat().join(', ')})`), '()'];
  // A level's subtotal row comes before the rows nested in it.
  const order = fields.map((f, i) => `${ident(`x${i}`)} desc, ${ident(f.type === 'relation' ? `l${i}` : `g${i}`)} asc nulls last`).join(', ') || '1';
  const rows = await runSql<Record<string, unknown>>(em, {
    text: `select ${[...selects, ...measures.flatMap((m, i) => m.sql.map((sql, j) => `${sql} as ${ident(`m${i}_${j}`)}`))].join(', ')}
           from ${ident(def.table)} t ${joins.join(' ')}
           where ${where.text}
           group by grouping sets (${sets.join(', ')})
           order by ${order}`,
    bindings: where.bindings,
  });
  const toMeasures = (row: Record<string, unknown>) => Object.fromEntries(measures.map((m, i) => [m.key, measureValue(m, row, i)]));
  const result: GroupResult = { groups: [], totals: { count: 0, measures: {} } };
  // grouping(k) is 1 where the key is rolled up: a row's level is its last kept key.
  const levelOf = (row: Record<string, unknown>) => fields.reduce((level, _, i) => (Number(row[`x${i}`]) === 0 ? i : level), -1);
  const path: GroupNode[] = [];
  for (const row of rows) {
    const level = levelOf(row);
    const ms = toMeasures(row);
    if (level === -1) {
      result.totals = { count: Number(ms.count), measures: ms };
      continue;
    }
    const node: GroupNode = {
      value: row[`g${level}`] ?? null,
      ...(fields[level].type === 'relation' ? { label: (row[`l${level}`] as string | null) ?? null } : {}),
      count: Number(ms.count),
      measures: ms,
      ...(level < fields.length - 1 ? { groups: [] } : {}),
    };
    if (level === 0) result.groups.push(node);
    else path[level - 1]?.groups?.push(node);
    path[level] = node;
  }
  return result;
}
