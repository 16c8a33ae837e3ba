import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError, invalid } from '../errors';
import type { Principal } from '../auth/principal';
import type { Level } from '../../db/entities';
import { fieldOf, fieldsOf, findObject } from './registry';
import type { FieldDef, FieldType, LocaleCode, ObjectDef } from './types';
import { DEFAULT_LOCALE } from '../auth/locale';
import { fieldSchema } from './validate';
import { isUuid } from '../validation';
import { runSql, type Sql } from '../../db/sql';
import { isHanPair, normaliseQuery } from '../search/text';
import { relativeDateOps, relativeRange, timeZone, type RelativeDateOp } from '../time';


export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Field names of custom fields are checked against this, so they can be inlined as JSON keys. */
export const FIELD_NAME = /^[a-z][a-zA-Z0-9]{0,47}$/;

/** The SQL expression of a field on table alias `alias`: a column, or a typed JSONB lookup. */
export function col(field: FieldDef, alias = 't'): string {
  if (!field.json) return `${alias}.${ident(field.column)}`;
  if (!FIELD_NAME.test(field.column)) throw new Error(`Bad JSON key "${field.column}"`);
  const container = `${alias}.${ident(field.json)}`;
  if (field.type === 'multiSelect' || field.type === 'file') return `(${container}->'${field.column}')`;
  const text = `(${container}->>'${field.column}')`;
  switch (field.type) {
    case 'number':
    case 'money':
    case 'percent':
      return `${text}::numeric`;
    case 'boolean':
      return `${text}::boolean`;
    case 'dateTime':
      return `${text}::timestamptz`;
    case 'date':
      return `${text}::date`;
    case 'relation':
      return `${text}::uuid`;
    default:
      return text;
  }
}

/** The principal's level for an action; the system (no principal) may do anything, an object without a grant gives nothing. */
export function levelFor(principal: Principal | null, def: ObjectDef, action: 'create' | 'read' | 'edit' | 'delete' | 'export'): Level {
  if (!principal) return 'all';
  return principal.permissions[def.name]?.[action] ?? 'none';
}

/** Rows of this object only, where several objects share a table. */
export function discriminatorSql(def: ObjectDef, alias = 't'): Sql {
  return def.discriminator ? { text: `${alias}.object = ?`, bindings: [def.discriminator] } : { text: 'true', bindings: [] };
}

export type FilterNode =
  | { and: FilterNode[] }
  | { or: FilterNode[] }
  | { field: string; op: string; value?: unknown }
  /** Records with (or, with `exists: false`, without) a related record matching `where`: e.g. customers with an activity in the last 30 days. */
  | { related: string; via: string; where?: FilterNode; exists?: boolean };

export const filterSchema: z.ZodType<FilterNode> = z.lazy(() =>
  z.union([
    z.strictObject({ and: z.array(filterSchema).max(50) }),
    z.strictObject({ or: z.array(filterSchema).max(50) }),
    z.strictObject({ field: z.string().max(64), op: z.string().max(16), value: z.unknown().optional() }),
    z.strictObject({ related: z.string().max(64), via: z.string().max(64), where: filterSchema.optional(), exists: z.boolean().optional() }),
  ]),
);

/** What compiling a filter needs: who reads (related records are scoped too) and the table alias. */
export type FilterContext = { em: EntityManager; principal: Principal | null; alias: string; depth: number };

const comparable: FieldType[] = ['number', 'money', 'date', 'dateTime', 'text', 'email', 'phone', 'url', 'longText'];
const textual: FieldType[] = ['text', 'longText', 'email', 'phone', 'url'];

/** Operators allowed per field type: anything else is a 400, never SQL. */
function opsFor(field: FieldDef, def: ObjectDef): string[] {
  const base = ['eq', 'ne', 'in', 'isNull', 'isNotNull'];
  if (textual.includes(field.type)) base.push('contains', 'startsWith');
  if (comparable.includes(field.type)) base.push('lt', 'lte', 'gt', 'gte', 'between');
  if (field.type === 'relation' && findObject(field.relation!)?.tree) base.push('under');
  if (field.name === 'id' && def.tree) base.push('under');
  if (field.type === 'date' || field.type === 'dateTime') base.push(...relativeDateOps);
  if (field.type === 'multiSelect') return ['containsAny', 'containsAll', 'isNull', 'isNotNull'];
  return base;
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function compileLeaf(def: ObjectDef, node: { field: string; op: string; value?: unknown }, readDenied: string[], path: string, alias: string): Sql {
  const field = fieldOf(def, node.field);
  if (!field || readDenied.includes(field.name)) throw invalid([{ field: `${path}.field`, code: 'unknown_field' }]);
  if (!opsFor(field, def).includes(node.op)) throw invalid([{ field: `${path}.op`, code: 'invalid_option' }]);
  const c = col(field, alias);
  if (node.op === 'isNull') return { text: `${c} is null`, bindings: [] };
  if (node.op === 'isNotNull') return { text: `${c} is not null`, bindings: [] };
  if ((relativeDateOps as readonly string[]).includes(node.op)) return relativeDateSql(field, c, node.op as RelativeDateOp, node.value, path);
  if (node.op === 'containsAny' || node.op === 'containsAll') {
    const options = new Set((field.options ?? []).map((o) => o.value));
    if (!Array.isArray(node.value) || node.value.length === 0 || node.value.length > 100 || !node.value.every((v) => options.has(v as string))) {
      throw invalid([{ field: `${path}.value`, code: 'invalid_option' }]);
    }
    // @> on JSON arrays: no array literals, no `?` operators that the placeholder syntax would eat.
    const parts = node.op === 'containsAll' ? [JSON.stringify(node.value)] : node.value.map((v) => JSON.stringify([v]));
    return { text: `(${parts.map(() => `coalesce(${c}, '[]'::jsonb) @> ?::jsonb`).join(node.op === 'containsAll' ? ' and ' : ' or ')})`, bindings: parts };
  }
  const valueSchema = field.name === 'id' ? z.uuid() : fieldSchema({ ...field, required: true });
  const parseValue = (v: unknown, p: string) => {
    const r = valueSchema.safeParse(v);
    if (!r.success) throw invalid([{ field: p, code: 'invalid_type' }]);
    return r.data;
  };
  switch (node.op) {
    case 'in': {
      if (!Array.isArray(node.value) || node.value.length === 0 || node.value.length > 1000) {
        throw invalid([{ field: `${path}.value`, code: 'invalid_type' }]);
      }
      const values = node.value.map((v, i) => parseValue(v, `${path}.value.${i}`));
      return { text: `${c} in (${values.map(() => '?').join(', ')})`, bindings: values };
    }
    case 'between': {
      if (!Array.isArray(node.value) || node.value.length !== 2) throw invalid([{ field: `${path}.value`, code: 'invalid_type' }]);
      return { text: `${c} between ? and ?`, bindings: [parseValue(node.value[0], `${path}.value.0`), parseValue(node.value[1], `${path}.value.1`)] };
    }
    case 'contains':
    case 'startsWith': {
      if (typeof node.value !== 'string' || node.value.length > 200) throw invalid([{ field: `${path}.value`, code: 'invalid_type' }]);
      const pattern = node.op === 'contains' ? `%${escapeLike(node.value)}%` : `${escapeLike(node.value)}%`;
      return { text: `${c} ilike ?`, bindings: [pattern] };
    }
    case 'under': {
      const target = field.name === 'id' ? def : findObject(field.relation!)!;
      const value = parseValue(node.value, `${path}.value`);
      const parent = fieldOf(target, target.tree!.parentField)!;
      return {
        text: `${c} in (with recursive sub(id) as (select id from ${ident(target.table)} where id = ? union select x.id from ${ident(target.table)} x join sub on ${col(parent, 'x')} = sub.id) select id from sub)`,
        bindings: [value],
      };
    }
    default: {
      const sqlOp = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' }[node.op]!;
      const value = parseValue(node.value, `${path}.value`);
      if (node.op === 'ne') return { text: `${c} is distinct from ?`, bindings: [value] };
      return { text: `${c} ${sqlOp} ?`, bindings: [value] };
    }
  }
}

function relativeDateSql(field: FieldDef, c: string, op: RelativeDateOp, value: unknown, path: string): Sql {
  let n = 0;
  if (op === 'lastNDays' || op === 'nextNDays') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3660) throw invalid([{ field: `${path}.value`, code: 'invalid_type' }]);
    n = value;
  }
  const [start, end] = relativeRange(op, n);
  // Day boundaries are the company's, whatever zone the database or server runs in.
  if (field.type === 'date') return { text: `(${c} >= ?::date and ${c} < ?::date)`, bindings: [start, end] };
  const tz = timeZone();
  return { text: `(${c} >= (?::date)::timestamp at time zone ? and ${c} < (?::date)::timestamp at time zone ?)`, bindings: [start, tz, end, tz] };
}

/** Compiles a filter tree to SQL on `ctx.alias`; every field, operator and related object is checked against metadata. */
export async function compileFilter(def: ObjectDef, node: FilterNode, readDenied: string[], ctx: FilterContext, path = 'filter'): Promise<Sql> {
  if ('and' in node || 'or' in node) {
    const parts = 'and' in node ? node.and : node.or;
    if (parts.length === 0) return { text: 'true', bindings: [] };
    const compiled: Sql[] = [];
    for (const [i, p] of parts.entries()) compiled.push(await compileFilter(def, p, readDenied, ctx, `${path}.${i}`));
    return {
      text: `(${compiled.map((s) => s.text).join('and' in node ? ' and ' : ' or ')})`,
      bindings: compiled.flatMap((s) => s.bindings),
    };
  }
  if ('related' in node) return compileRelated(def, node, ctx, path);
  return compileLeaf(def, node, readDenied, path, ctx.alias);
}

/** EXISTS over a related object's records that point here through `via`, limited to those the reader may see. */
async function compileRelated(def: ObjectDef, node: { related: string; via: string; where?: FilterNode; exists?: boolean }, ctx: FilterContext, path: string): Promise<Sql> {
  const related = findObject(node.related);
  if (!related || related.hidden || levelFor(ctx.principal, related, 'read') === 'none') throw invalid([{ field: `${path}.related`, code: 'unknown_field' }]);
  const via = fieldOf(related, node.via);
  const relatedDenied = ctx.principal?.permissions[related.name]?.deny.read ?? [];
  if (!via || via.type !== 'relation' || via.relation !== def.name || relatedDenied.includes(via.name)) throw invalid([{ field: `${path}.via`, code: 'unknown_field' }]);
  if (ctx.depth >= 3) throw invalid([{ field: path, code: 'too_big', params: { max: 3 } }]);
  const alias = `r${ctx.depth + 1}`;
  const inner = { ...ctx, alias, depth: ctx.depth + 1 };
  const scope = (await scopeCondition(ctx.em, related, ctx.principal, levelFor(ctx.principal, related, 'read'), alias))!;
  const only = discriminatorSql(related, alias);
  const where = node.where ? await compileFilter(related, node.where, relatedDenied, inner, `${path}.where`) : { text: 'true', bindings: [] };
  return {
    text: `${node.exists === false ? 'not ' : ''}exists (select 1 from ${ident(related.table)} ${alias} where ${col(via, alias)} = ${ctx.alias}.id and ${only.text} and ${scope.text} and ${where.text})`,
    bindings: [...only.bindings, ...scope.bindings, ...where.bindings],
  };
}

/**
 * The rows a user may see (or act on) at a permission level, as a SQL condition on alias `t`.
 * Returns null when the level grants nothing.
 */
export async function scopeCondition(em: EntityManager, def: ObjectDef, principal: Principal | null, level: Level, alias = 't'): Promise<Sql | null> {
  if (!principal || level === 'all') return { text: 'true', bindings: [] };
  if (level === 'none') return null;
  const parts: Sql[] = [];
  if (def.scope.owner && principal.employeeId) parts.push({ text: `${alias}.${ident(def.scope.owner)} = ?`, bindings: [principal.employeeId] });
  if (level === 'own' && !def.scope.owner) parts.push({ text: `${alias}.created_by = ?`, bindings: [principal.userId] });
  if (level === 'department' && def.scope.department) {
    const ids = await principal.departmentScope(em);
    if (ids.length) parts.push({ text: `${alias}.${ident(def.scope.department)} in (${ids.map(() => '?').join(', ')})`, bindings: ids });
  }
  if (parts.length === 0) return { text: 'false', bindings: [] };
  return { text: `(${parts.map((p) => p.text).join(' or ')})`, bindings: parts.flatMap((p) => p.bindings) };
}

/**
 * The display label of a record of `target` on table alias `alias`, in the reader's language:
 * the English title where the object keeps one and it is filled, else the title.
 */
export function titleSql(target: ObjectDef, alias: string, locale: LocaleCode): string {
  const title = col(fieldOf(target, target.titleField)!, alias);
  const en = locale === 'en' && target.titleFieldEn ? fieldOf(target, target.titleFieldEn) : undefined;
  return en ? `coalesce(nullif(${col(en, alias)}, ''), ${title})` : title;
}

/** The language labels are read in: the principal's; the system's reads (no principal) in the company's. */
export const labelLocale = (principal: Principal | null): LocaleCode => principal?.locale ?? DEFAULT_LOCALE;

/** Select list: every field the user may read, plus the display label of each relation in `locale`. */
function selectSql(def: ObjectDef, readDenied: string[], locale: LocaleCode): { columns: string; joins: string } {
  const columns: string[] = [];
  const joins: string[] = [];
  for (const field of fieldsOf(def)) {
    if (readDenied.includes(field.name)) continue;
    // Dates leave the database as 'YYYY-MM-DD' text so no time zone can shift them.
    columns.push(field.type === 'date' ? `${col(field)}::text as ${ident(field.name)}` : `${col(field)} as ${ident(field.name)}`);
    if (field.type === 'relation') {
      const target = findObject(field.relation!)!;
      const alias = ident(`r_${field.name}`);
      joins.push(`left join ${ident(target.table)} ${alias} on ${alias}.id = ${col(field)}`);
      columns.push(`${titleSql(target, alias, locale)} as ${ident(`_label_${field.name}`)}`);
    }
  }
  return { columns: columns.join(', '), joins: joins.join(' ') };
}

export type RecordDto = Record<string, unknown> & { id: string; _labels: Record<string, string | null> };

export function presentRow(def: ObjectDef, row: Record<string, unknown>): RecordDto {
  const out: Record<string, unknown> = {};
  const labels: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('_label_')) labels[key.slice(7)] = (value as string | null) ?? null;
    else out[key] = value instanceof Date ? value.toISOString() : value;
  }
  for (const field of fieldsOf(def)) {
    const v = out[field.name];
    if (v == null) continue;
    if (field.type === 'money') out[field.name] = String(v);
    // Numbers kept in JSONB come out of `::numeric` as strings; they travel as JSON numbers.
    else if (field.type === 'number' || field.type === 'percent') out[field.name] = Number(v);
    // PostgreSQL hands timestamps over as text ('2026-01-02 03:04:05+00'), PGlite as Dates: one ISO form on the wire.
    else if (field.type === 'dateTime' && typeof v === 'string') out[field.name] = new Date(v).toISOString();
  }
  return { ...out, _labels: labels } as RecordDto;
}

export type ListParams = ReadParams & { sort?: string; limit: number; offset: number };

export function orderSql(def: ObjectDef, sort: string | undefined, readDenied: string[]): string {
  const parts: string[] = [];
  for (const raw of (sort || def.defaultSort).split(',').map((s) => s.trim()).filter(Boolean)) {
    const desc = raw.startsWith('-');
    const field = fieldOf(def, desc ? raw.slice(1) : raw);
    if (!field || readDenied.includes(field.name)) throw invalid([{ field: 'sort', code: 'unknown_field', params: { value: raw } }]);
    const expr = field.type === 'relation' ? ident(`_label_${field.name}`) : col(field);
    parts.push(`${expr} ${desc ? 'desc' : 'asc'} nulls last`);
  }
  parts.push('t.id asc');
  return parts.join(', ');
}

/**
 * The quick search of a list. Objects with a search_text column match it (text, pinyin,
 * initials, bare phone digits) unless a searchable field is hidden from the reader, in which
 * case only the fields they may read are searched.
 */
export function quickSearch(def: ObjectDef, q: string, readDenied: string[]): Sql {
  const variants = normaliseQuery(q).map((v) => `%${escapeLike(v)}%`);
  const searchable = def.fields.filter((f) => f.searchable);
  const visible = searchable.filter((f) => !readDenied.includes(f.name));
  if (def.searchText && visible.length === searchable.length) {
    if (isHanPair(q)) return { text: 't.search_text like ?', bindings: [`% ${q.trim()} %`] };
    return { text: `(${variants.map(() => 't.search_text ilike ?').join(' or ')})`, bindings: variants };
  }
  const parts = visible.flatMap((f) => variants.map((v) => ({ text: `${col(f)}::text ilike ?`, binding: v })));
  return { text: `(${parts.map((p) => p.text).join(' or ') || 'false'})`, bindings: parts.map((p) => p.binding) };
}

export type ReadParams = {
  filter?: FilterNode;
  q?: string;
  /** Only records in this favourite folder of the reader. */
  folder?: string;
};

/**
 * The WHERE of every read that spans many records (list, count, groups, export): the rows the
 * principal may read, narrowed by the filter tree and the quick search.
 */
export async function readableWhere(em: EntityManager, def: ObjectDef, principal: Principal | null, params: ReadParams, action: 'read' | 'export' = 'read'): Promise<Sql> {
  const grant = principal?.permissions[def.name];
  const readDenied = grant?.deny.read ?? [];
  const scope = await scopeCondition(em, def, principal, levelFor(principal, def, 'read'));
  if (!scope) throw new AppError('forbidden');
  const where: Sql[] = [discriminatorSql(def), scope];
  // Exporting needs both rights: the rows must be readable and exportable.
  if (action === 'export') {
    const exportScope = await scopeCondition(em, def, principal, levelFor(principal, def, 'export'));
    if (!exportScope) throw new AppError('forbidden');
    where.push(exportScope);
  }
  if (params.filter) where.push(await compileFilter(def, params.filter, readDenied, { em, principal, alias: 't', depth: 0 }));
  if (params.q?.trim()) where.push(quickSearch(def, params.q, readDenied));
  if (params.folder) {
    if (!principal || !isUuid(params.folder)) throw invalid([{ field: 'folder', code: 'invalid_reference' }]);
    where.push({
      text: `t.id in (select i.record_id from folder_item i join folder f on f.id = i.folder_id where f.id = ? and f.owner_id = ? and f.object = ?)`,
      bindings: [params.folder, principal.userId, def.name],
    });
  }
  return { text: where.map((w) => w.text).join(' and '), bindings: where.flatMap((w) => w.bindings) };
}

/** One page of records the principal may read (or export), without counting. */
export async function fetchPage(em: EntityManager, def: ObjectDef, principal: Principal | null, params: ListParams, action: 'read' | 'export' = 'read'): Promise<{ items: RecordDto[]; where: Sql }> {
  const readDenied = principal?.permissions[def.name].deny.read ?? [];
  const where = await readableWhere(em, def, principal, params, action);
  const { columns, joins } = selectSql(def, readDenied, labelLocale(principal));
  const order = orderSql(def, params.sort, readDenied);
  const rows = await runSql<Record<string, unknown>>(em, {
    text: `select ${columns} from ${ident(def.table)} t ${joins} where ${where.text} order by ${order} limit ? offset ?`,
    bindings: [...where.bindings, params.limit, params.offset],
  });
  return { items: rows.map((r) => presentRow(def, r)), where };
}

/**
 * Every record a long read (an export) will walk, in order, as ids only: one sort of the whole
 * set, after which rows are fetched by id in batches instead of re-sorting for each page.
 */
export async function orderedIds(em: EntityManager, def: ObjectDef, principal: Principal | null, params: ReadParams & { sort?: string }, action: 'read' | 'export'): Promise<string[]> {
  const readDenied = principal?.permissions[def.name]?.deny.read ?? [];
  const where = await readableWhere(em, def, principal, params, action);
  const sortsByLabel = (params.sort || def.defaultSort).split(',').some((s) => fieldOf(def, s.trim().replace(/^-/, ''))?.type === 'relation');
  const { joins } = sortsByLabel ? selectSql(def, readDenied, labelLocale(principal)) : { joins: '' };
  const labels = sortsByLabel ? `, ${selectSql(def, readDenied, labelLocale(principal)).columns}` : '';
  const rows = await runSql<{ id: string }>(em, {
    text: `select t.id${labels} from ${ident(def.table)} t ${joins} where ${where.text} order by ${orderSql(def, params.sort, readDenied)}`,
    bindings: where.bindings,
  });
  return rows.map((r) => r.id);
}

/** The given records (all readable, as listed by orderedIds), in the given order. */
export async function recordsByIds(em: EntityManager, def: ObjectDef, principal: Principal | null, ids: string[]): Promise<RecordDto[]> {
  if (!ids.length) return [];
  const { columns, joins } = selectSql(def, principal?.permissions[def.name]?.deny.read ?? [], labelLocale(principal));
  const rows = await runSql<Record<string, unknown>>(em, {
    text: `select ${columns} from ${ident(def.table)} t ${joins} where t.id in (${ids.map(() => '?').join(', ')})`,
    bindings: ids,
  });
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  return ids.flatMap((id) => (byId.has(id) ? [presentRow(def, byId.get(id)!)] : []));
}

/** One page of records the principal may read, with the total count. */
export async function listRecords(em: EntityManager, def: ObjectDef, principal: Principal | null, params: ListParams) {
  const { items, where } = await fetchPage(em, def, principal, params);
  const [{ total }] = await runSql<{ total: string | number }>(em, {
    text: `select count(*) as total from ${ident(def.table)} t where ${where.text}`,
    bindings: where.bindings,
  });
  return { items, total: Number(total) };
}

/** One record if it exists and the principal may read it; otherwise null (callers answer 404). */
export async function findRecord(em: EntityManager, def: ObjectDef, principal: Principal | null, id: string, level?: Level): Promise<RecordDto | null> {
  if (!isUuid(id)) return null;
  const grant = principal?.permissions[def.name];
  const scope = await scopeCondition(em, def, principal, level ?? levelFor(principal, def, 'read'));
  if (!scope) return null;
  const { columns, joins } = selectSql(def, grant?.deny.read ?? [], labelLocale(principal));
  const only = discriminatorSql(def);
  const [row] = await runSql<Record<string, unknown>>(em, {
    text: `select ${columns} from ${ident(def.table)} t ${joins} where t.id = ? and ${only.text} and ${scope.text}`,
    bindings: [id, ...only.bindings, ...scope.bindings],
  });
  return row ? presentRow(def, row) : null;
}

/** Whether a record exists and the principal may read it: what a relation check needs, without reading the record. */
export async function isReadable(em: EntityManager, def: ObjectDef, principal: Principal | null, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const scope = await scopeCondition(em, def, principal, levelFor(principal, def, 'read'));
  if (!scope) return false;
  const only = discriminatorSql(def);
  const [row] = await runSql(em, {
    text: `select 1 from ${ident(def.table)} t where t.id = ? and ${only.text} and ${scope.text}`,
    bindings: [id, ...only.bindings, ...scope.bindings],
  });
  return Boolean(row);
}

/**
 * A record locked for a write (FOR UPDATE, so concurrent writes serialise and history stays
 * exact), read in full, with whether the principal may read it and may act on it at `level`
 * — one query where a write used to need four. Null when no such record exists.
 */
export async function lockRecord(em: EntityManager, def: ObjectDef, principal: Principal | null, id: string, level: Level): Promise<{ record: RecordDto; readable: boolean; permitted: boolean } | null> {
  if (!isUuid(id)) return null;
  const read = (await scopeCondition(em, def, principal, levelFor(principal, def, 'read'))) ?? { text: 'false', bindings: [] };
  const act = (await scopeCondition(em, def, principal, level)) ?? { text: 'false', bindings: [] };
  const { columns, joins } = selectSql(def, [], labelLocale(principal));
  const only = discriminatorSql(def);
  const [row] = await runSql<Record<string, unknown>>(em, {
    text: `select ${read.text} as "_may_read", ${act.text} as "_may_act", ${columns} from ${ident(def.table)} t ${joins} where t.id = ? and ${only.text} for update of t`,
    bindings: [...read.bindings, ...act.bindings, id, ...only.bindings],
  });
  if (!row) return null;
  const { _may_read: readable, _may_act: permitted, ...rest } = row;
  return { record: presentRow(def, rest), readable: Boolean(readable), permitted: Boolean(permitted) };
}
