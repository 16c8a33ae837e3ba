import type { FilterNode, SavedView } from '../api/types';

/** Per-object list view state kept for the page load, so card → back to list restores it. */
export type ListView = {
  q: string;
  sort: string | null;
  limit: number;
  offset: number;
  groupBy: string[];
  expanded: string[];
  /** The saved view or favourite last chosen on this list. */
  activeView?: SavedView | null;
};

const views = new Map<string, ListView>();

export function listView(object: string): ListView {
  let v = views.get(object);
  if (!v) {
    const prefs = loadPrefs(object);
    v = { q: '', sort: null, limit: 50, offset: 0, groupBy: prefs.groupBy ?? [], expanded: [] };
    views.set(object, v);
  }
  return v;
}

export function saveView(object: string, patch: Partial<ListView>): void {
  views.set(object, { ...listView(object), ...patch });
}

/** Column choice, order, widths and grouping, remembered per object in localStorage. */
export type ListPrefs = { columns?: string[]; widths?: Record<string, number>; groupBy?: string[] };

const key = (object: string) => `tandem.list.${object}`;

export function loadPrefs(object: string): ListPrefs {
  try {
    const raw = localStorage.getItem(key(object));
    const v = raw ? (JSON.parse(raw) as ListPrefs) : {};
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

export function savePrefs(object: string, patch: Partial<ListPrefs>): void {
  try {
    localStorage.setItem(key(object), JSON.stringify({ ...loadPrefs(object), ...patch }));
  } catch {
    /* storage full or private mode: preferences just do not stick */
  }
}

export function clearPrefs(object: string): void {
  try {
    localStorage.removeItem(key(object));
  } catch {
    /* ignore */
  }
}

/** AND of the given filters, skipping empty ones. */
export function andFilter(...parts: (FilterNode | null | undefined)[]): FilterNode | null {
  const list = parts.filter((p): p is FilterNode => !!p);
  if (list.length === 0) return null;
  if (list.length === 1) return list[0];
  return { and: list };
}

export function eqFilter(field: string, value: unknown): FilterNode {
  return value === null || value === undefined ? { field, op: 'isNull' } : { field, op: 'eq', value };
}
