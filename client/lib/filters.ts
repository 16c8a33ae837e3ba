import type { FieldMeta, FilterNode, ObjectMeta } from '../api/types';

/** Editable filter tree of the query builder; converts to and from the API's FilterNode. */
export type CondNode = { kind: 'cond'; id: string; field: string; op: string; value?: unknown; labels?: Record<string, string> };
export type RelatedNode = { kind: 'related'; id: string; related: string; via: string; exists: boolean; where: GroupNode };
export type GroupNode = { kind: 'group'; id: string; mode: 'and' | 'or'; items: EditNode[] };
export type EditNode = CondNode | RelatedNode | GroupNode;

let seq = 0;
export const nid = () => `n${++seq}`;

export const RELATIVE_OPS = ['today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisQuarter', 'lastQuarter', 'thisYear', 'lastYear', 'lastNDays', 'nextNDays'] as const;
const NO_VALUE = new Set<string>(['isNull', 'isNotNull', ...RELATIVE_OPS.filter((o) => o !== 'lastNDays' && o !== 'nextNDays')]);
export const needsValue = (op: string) => !NO_VALUE.has(op);

const textual = ['text', 'longText', 'email', 'phone', 'url'];

/** Operators offered per field type (mirrors server/records/query.ts opsFor). */
export function opsFor(f: FieldMeta | undefined, treeTarget = false): string[] {
  if (!f) return [];
  switch (f.type) {
    case 'multiSelect':
      return ['containsAny', 'containsAll', 'isNull', 'isNotNull'];
    case 'file':
      return ['isNull', 'isNotNull'];
    case 'boolean':
      return ['eq', 'isNull', 'isNotNull'];
    case 'select':
      return ['eq', 'ne', 'in', 'isNull', 'isNotNull'];
    case 'relation':
      return ['eq', 'ne', 'in', ...(treeTarget ? ['under'] : []), 'isNull', 'isNotNull'];
    case 'percent':
      return ['eq', 'ne', 'isNull', 'isNotNull'];
    case 'number':
    case 'money':
      return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull', 'isNotNull'];
    case 'date':
    case 'dateTime':
      return [...RELATIVE_OPS, 'eq', 'between', 'gte', 'lte', 'gt', 'lt', 'isNull', 'isNotNull'];
    default:
      return textual.includes(f.type) ? ['contains', 'eq', 'ne', 'startsWith', 'isNull', 'isNotNull'] : ['eq', 'ne', 'isNull', 'isNotNull'];
  }
}

/** Fields a user may filter on. */
export const filterableFields = (meta: ObjectMeta) => meta.fields.filter((f) => f.readable && f.name !== 'id');

/** Objects with a relation field pointing at `object`: the "has related …" choices. */
export function relatedSources(all: ObjectMeta[], object: string): { object: ObjectMeta; via: FieldMeta }[] {
  const out: { object: ObjectMeta; via: FieldMeta }[] = [];
  for (const o of all) {
    if (o.name === object) continue;
    for (const f of o.fields) if (f.type === 'relation' && f.relation === object && f.readable) out.push({ object: o, via: f });
  }
  return out;
}

export const emptyGroup = (mode: 'and' | 'or' = 'and'): GroupNode => ({ kind: 'group', id: nid(), mode, items: [] });

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && (v.length === 0 || v.some((x) => x === '' || x === null || x === undefined)));
}

/** Complete conditions only: a condition still missing its value is left out. */
export function toFilter(node: EditNode): FilterNode | null {
  if (node.kind === 'cond') {
    if (!node.field || !node.op) return null;
    if (!needsValue(node.op)) return { field: node.field, op: node.op };
    if (isEmptyValue(node.value)) return null;
    return { field: node.field, op: node.op, value: node.value };
  }
  if (node.kind === 'related') {
    const where = toFilter(node.where);
    return { related: node.related, via: node.via, ...(where ? { where } : {}), ...(node.exists ? {} : { exists: false }) };
  }
  const parts = node.items.map(toFilter).filter((x): x is FilterNode => !!x);
  if (parts.length === 0) return null;
  if (parts.length === 1 && node.mode === 'and') return parts[0];
  return node.mode === 'and' ? { and: parts } : { or: parts };
}

export function fromFilter(f: FilterNode | null | undefined): GroupNode {
  if (!f) return emptyGroup();
  const conv = (n: FilterNode): EditNode => {
    if ('and' in n) return { kind: 'group', id: nid(), mode: 'and', items: n.and.map(conv) };
    if ('or' in n) return { kind: 'group', id: nid(), mode: 'or', items: n.or.map(conv) };
    if ('related' in n) return { kind: 'related', id: nid(), related: n.related, via: n.via, exists: n.exists !== false, where: fromFilter(n.where ?? null) };
    return { kind: 'cond', id: nid(), field: n.field, op: n.op, value: n.value };
  };
  const root = conv(f);
  return root.kind === 'group' ? root : { kind: 'group', id: nid(), mode: 'and', items: [root] };
}

/** Top-level conditions of a filter, for chips: each can be removed on its own. */
export function topParts(f: FilterNode | null): FilterNode[] {
  if (!f) return [];
  if ('and' in f) return f.and;
  return [f];
}

export function withoutPart(f: FilterNode | null, i: number): FilterNode | null {
  const parts = topParts(f).filter((_, j) => j !== i);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** Today as YYYY-MM-DD in the browser's zone. */
export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
