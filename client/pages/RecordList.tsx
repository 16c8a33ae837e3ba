import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { For, Index, Show, batch, createEffect, createMemo, createResource, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { ApiError, type FieldError } from '../api/client';
import { exportUrl, foldersApi, recordsApi, viewsApi } from '../api/endpoints';
import type { FieldMeta, FilterNode, GroupNode, MeasureValues, ObjectMeta, Rec, SavedView, ViewConfig } from '../api/types';
import { FilterPanel, FilterText } from '../components/FilterPanel';
import { AddToFolder, FoldersMenu, ViewsMenu } from '../components/ListMenus';
import { ImportDialog } from '../components/ImportDialog';
import { topParts, withoutPart } from '../lib/filters';
import { cellAlign, renderCell } from '../components/Cell';
import { Icon } from '../components/Icons';
import { Modal } from '../components/Modal';
import { RecordDrawer } from '../components/RecordDrawer';
import { RelationSelect } from '../components/RelationSelect';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { errorText, fieldErrorText, formatDate, formatDateTime, formatNumber, label, locale, t } from '../i18n';
import { downloadFile } from '../lib/download';
import { debounce } from '../lib/list';
import { andFilter, clearPrefs, eqFilter, listView, loadPrefs, savePrefs, saveView } from '../lib/listState';
import { fieldLabel, fieldOf, formatMeasure, getMeta, isSummable, optionLabel } from '../lib/meta';
import { can, dataEpoch } from '../session';
import { NoAccess } from '../components/NoAccess';
import { useSocket, watchRecords } from '../collab/socket';

const DEFAULT_WIDTH = 140;
const MIN_WIDTH = 60;
const GROUP_ROW_CAP_STEP = 300;
const LEAF_PAGE = 50;

/** `/records/:object` — the list of any object, driven by its metadata. */
export function RecordListPage() {
  const params = useParams();
  return (
    <Show when={params.object} keyed>
      {(object) => (
        <Show
          when={can(object, 'read')}
          fallback={<NoAccess />}
        >
          <ListLoader object={object} />
        </Show>
      )}
    </Show>
  );
}

function ListLoader(props: { object: string }) {
  const [meta] = createResource(
    () => props.object,
    (o) => getMeta(o).catch((e: unknown) => ({ error: e }) as const),
  );
  return (
    <Show when={meta()} fallback={<div class="page"><div class="panel"><div class="form-skeleton"><span class="skeleton" /><span class="skeleton" /><span class="skeleton" /></div></div></div>}>
      {(m) => {
        const v = m();
        if ('error' in v)
          return (
            <div class="page">
              <div class="panel empty-state large" role="alert">
                <p>{v.error instanceof ApiError && v.error.code === 'not_found' ? t('list.unknownObject') : errorText(v.error)}</p>
              </div>
            </div>
          );
        return <RecordList meta={v} />;
      }}
    </Show>
  );
}

type FlatRow =
  | { kind: 'group'; key: string; depth: number; node: GroupNode; field: FieldMeta | undefined; leaf: boolean; path: FilterNode[] }
  | { kind: 'rec'; key: string; depth: number; rec: Rec }
  | { kind: 'more'; key: string; depth: number; groupKey: string; path: FilterNode[]; loaded: number; total: number }
  | { kind: 'loading'; key: string; depth: number };

type Leaf = { items: Rec[]; total: number; loading: boolean; error?: string };

/** The translated label of a group's value: relation titles, option labels, yes/no, dates. */
export function groupValueLabel(field: FieldMeta | undefined, node: GroupNode): string {
  const v = node.value;
  if (v === null || v === undefined || v === '') return t('group.empty');
  if (!field) return String(v);
  switch (field.type) {
    case 'relation':
      return node.label ?? String(v);
    case 'select':
      return optionLabel(field, v);
    case 'multiSelect':
      return (Array.isArray(v) ? v : [v]).map((x) => optionLabel(field, x)).join(', ');
    case 'boolean':
      return v === true || v === 'true' ? t('common.yes') : t('common.no');
    case 'date':
      return formatDate(String(v).slice(0, 10));
    case 'dateTime':
      return formatDateTime(v as string);
    case 'number':
    case 'money':
    case 'percent':
      return formatNumber(v as number);
    default:
      return String(v);
  }
}

export function RecordList(props: { meta: ObjectMeta }) {
  const meta = props.meta;
  const object = meta.name;
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const view = listView(object);
  const prefs = loadPrefs(object);

  /** An optional filter handed over in the URL (?filter=<json>), e.g. from a card's tab. */
  const urlFilter = createMemo<FilterNode | null>(() => {
    const raw = search.filter;
    if (!raw || typeof raw !== 'string') return null;
    try {
      return JSON.parse(raw) as FilterNode;
    } catch {
      return null;
    }
  });

  const readable = (name: string) => {
    const f = fieldOf(meta, name);
    return f ? f.readable && f.name !== 'id' : name === 'createdAt' || name === 'updatedAt';
  };
  const allFields = () => meta.fields.filter((f) => f.readable && f.name !== 'id');

  const [columns, setColumns] = createSignal<string[]>((prefs.columns ?? meta.listColumns).filter(readable));
  const [activeView, setActiveView] = createSignal<SavedView | null>(view.activeView ?? null);
  const [filterOpen, setFilterOpen] = createSignal(false);
  const [importOpen, setImportOpen] = createSignal(false);
  const [folderVersion, setFolderVersion] = createSignal(0);
  /** `?folder=<id>`: the list shows one of the user's favourite folders. */
  const folder = () => (typeof search.folder === 'string' && search.folder ? search.folder : null);
  const setFilter = (f: FilterNode | null) => {
    setSearch({ filter: f ? JSON.stringify(f) : undefined });
    setOffset(0);
  };
  const [widths, setWidths] = createStore<Record<string, number>>({ ...(prefs.widths ?? {}) });
  const [q, setQ] = createSignal(view.q);
  const [sort, setSort] = createSignal(view.sort ?? meta.defaultSort);
  const [limit, setLimit] = createSignal(view.limit);
  const [offset, setOffset] = createSignal(view.offset);
  const [groupBy, setGroupBy] = createSignal<string[]>((view.groupBy ?? []).filter(readable));
  const [expanded, setExpanded] = createSignal<Set<string>>(new Set(view.expanded));
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [editing, setEditing] = createSignal<string | null | undefined>(undefined);
  const [assignOpen, setAssignOpen] = createSignal(false);
  const [chooserOpen, setChooserOpen] = createSignal(false);
  const [exporting, setExporting] = createSignal(false);
  const [groupCap, setGroupCap] = createSignal(GROUP_ROW_CAP_STEP);
  const [dropActive, setDropActive] = createSignal(false);
  const setQSoon = debounce((v: string) => {
    setQ(v);
    setOffset(0);
  }, 250);

  // Remember the view for the page load (card → back), and choices in localStorage.
  createEffect(() =>
    saveView(object, { q: q(), sort: sort(), limit: limit(), offset: offset(), groupBy: groupBy(), expanded: [...expanded()], activeView: activeView() }),
  );
  createEffect(on(groupBy, (g) => persistPrefs({ groupBy: g }), { defer: true }));
  createEffect(on([urlFilter, q, folder], () => setSelected(new Set<string>()), { defer: true }));

  const filter = () => urlFilter();
  // The groups endpoint has no folder parameter: a folder is shown as a plain list.
  const grouped = () => groupBy().length > 0 && !folder();

  /** The current view as a saved-view config. */
  const currentConfig = (): ViewConfig => ({
    ...(filter() ? { filter: filter()! } : {}),
    ...(q().trim() ? { q: q().trim() } : {}),
    sort: sort(),
    columns: columns(),
    widths: Object.fromEntries(Object.entries(widths).map(([k, v]) => [k, Math.max(40, Math.min(2000, Math.round(v)))])),
    groupBy: groupBy(),
  });
  const applySaved = (v: SavedView) => {
    const c = v.config;
    batch(() => {
      if (v.kind === 'view') {
        setActiveView(v);
        if (c.columns?.length) setColumns(c.columns.filter(readable));
        setWidths(produce((w) => Object.keys(w).forEach((k) => delete w[k])));
        if (c.widths) setWidths({ ...c.widths });
        setSort(c.sort ?? meta.defaultSort);
        setGroupBy((c.groupBy ?? []).filter(readable));
        setExpanded(new Set<string>());
      } else setActiveView(v);
      setQ(c.q ?? '');
      setOffset(0);
    });
    setSearch({ filter: c.filter ? JSON.stringify(c.filter) : undefined, folder: undefined });
  };
  /** Column choices go to the chosen saved view (when it is the user's own), else to localStorage. */
  const pushViewSoon = debounce(async () => {
    const v = activeView();
    if (!v || !v.mine || v.kind !== 'view') return;
    try {
      setActiveView(await viewsApi.update(v.id, { config: { ...v.config, columns: columns(), widths: currentConfig().widths, groupBy: groupBy(), sort: sort() } }));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }, 600);
  const persistPrefs = (patch: Parameters<typeof savePrefs>[1]) => {
    const v = activeView();
    if (v && v.mine && v.kind === 'view') void pushViewSoon();
    else savePrefs(object, patch);
  };
  const measures = createMemo(() => columns().filter((c) => isSummable(fieldOf(meta, c))).map((c) => `sum:${c}`));

  // ---------- plain (paged) list ----------
  const listKey = createMemo(
    () => (grouped() ? false : { sort: sort(), limit: limit(), offset: offset(), q: q().trim(), filter: filter(), folder: folder() }),
    undefined,
    { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );
  const [listError, setListError] = createSignal<unknown>(null);
  const [list, { refetch: refetchList, mutate: mutateList }] = createResource(listKey, async (k) => {
    try {
      const r = await recordsApi.list(object, { sort: k.sort, limit: k.limit, offset: k.offset, q: k.q || undefined, filter: k.filter ?? undefined, folder: k.folder ?? undefined });
      setListError(null);
      return r;
    } catch (e) {
      setListError(e);
      return { items: [] as Rec[], total: 0 };
    }
  });

  // ---------- grouped view ----------
  const groupKey = createMemo(
    () => (grouped() ? { by: groupBy(), measures: measures(), q: q().trim(), filter: filter() } : false),
    undefined,
    { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );
  const [groupError, setGroupError] = createSignal<unknown>(null);
  const [groups, { refetch: refetchGroups }] = createResource(groupKey, async (k) => {
    try {
      const r = await recordsApi.groups(object, { by: k.by, measures: k.measures, q: k.q || undefined, filter: k.filter ?? undefined });
      setGroupError(null);
      return r;
    } catch (e) {
      setGroupError(e);
      return null;
    }
  });  // The user changed language: labels made by the server come again in the new one.
  createEffect(on(dataEpoch, () => void (grouped() ? refetchGroups() : refetchList()), { defer: true }));

  const [leaves, setLeaves] = createStore<Record<string, Leaf>>({});
  // A new grouping/search/filter starts the loaded records afresh.
  createEffect(
    on(
      () => JSON.stringify([groupKey(), sort()]),
      () => {
        setLeaves(produce((l) => Object.keys(l).forEach((k) => delete l[k])));
        setGroupCap(GROUP_ROW_CAP_STEP);
        for (const k of expanded()) if (isLeafKey(k)) void loadLeaf(k, pathFromKey(k), 0);
      },
      { defer: false },
    ),
  );

  const keyOf = (values: unknown[]) => JSON.stringify(values);
  const isLeafKey = (k: string) => {
    try {
      return (JSON.parse(k) as unknown[]).length === groupBy().length;
    } catch {
      return false;
    }
  };
  const pathFromKey = (k: string): FilterNode[] => (JSON.parse(k) as unknown[]).map((v, i) => eqFilter(groupBy()[i], v));

  const loadLeaf = async (k: string, path: FilterNode[], from: number) => {
    setLeaves(k, (old) => ({ items: from === 0 ? [] : old?.items ?? [], total: old?.total ?? 0, loading: true }));
    try {
      const r = await recordsApi.list(object, {
        filter: andFilter(...path, filter()) ?? undefined,
        q: q().trim() || undefined,
        sort: sort(),
        limit: LEAF_PAGE,
        offset: from,
      });
      setLeaves(k, (old) => ({ items: [...(from === 0 ? [] : old?.items ?? []), ...r.items], total: r.total, loading: false }));
    } catch (e) {
      setLeaves(k, (old) => ({ items: old?.items ?? [], total: old?.total ?? 0, loading: false, error: errorText(e) }));
    }
  };

  const toggleGroup = (row: Extract<FlatRow, { kind: 'group' }>) => {
    const next = new Set(expanded());
    if (next.has(row.key)) next.delete(row.key);
    else {
      next.add(row.key);
      if (row.leaf && !leaves[row.key]) void loadLeaf(row.key, row.path, 0);
    }
    setExpanded(next);
  };

  const flatRows = createMemo<FlatRow[]>(() => {
    const res = groups();
    if (!res) return [];
    const by = groupBy();
    const out: FlatRow[] = [];
    const walk = (nodes: GroupNode[], depth: number, values: unknown[], path: FilterNode[]) => {
      for (const node of nodes) {
        const vals = [...values, node.value];
        const key = keyOf(vals);
        const p = [...path, eqFilter(by[depth], node.value)];
        const leaf = depth === by.length - 1;
        out.push({ kind: 'group', key, depth, node, field: fieldOf(meta, by[depth]), leaf, path: p });
        if (!expanded().has(key)) continue;
        if (!leaf) walk(node.groups ?? [], depth + 1, vals, p);
        else {
          const l = leaves[key];
          for (const rec of l?.items ?? []) out.push({ kind: 'rec', key: `${key}/${rec.id}`, depth: depth + 1, rec });
          if (l?.loading) out.push({ kind: 'loading', key: `${key}/…`, depth: depth + 1 });
          else if (l && l.items.length < l.total)
            out.push({ kind: 'more', key: `${key}/+`, depth: depth + 1, groupKey: key, path: p, loaded: l.items.length, total: l.total });
        }
      }
    };
    walk(res.groups, 0, [], []);
    return out;
  });
  const visibleFlat = createMemo(() => flatRows().slice(0, groupCap()));

  const expandAll = () => {
    const res = groups();
    if (!res) return;
    const next = new Set<string>();
    const walk = (nodes: GroupNode[], depth: number, values: unknown[]) => {
      for (const n of nodes) {
        const vals = [...values, n.value];
        if (depth < groupBy().length - 1) {
          next.add(keyOf(vals));
          walk(n.groups ?? [], depth + 1, vals);
        }
      }
    };
    walk(res.groups, 0, []);
    setExpanded(next);
  };

  // ---------- columns ----------
  const saveColumns = (cols: string[]) => {
    setColumns(cols);
    persistPrefs({ columns: cols });
  };
  const moveColumn = (name: string, before: string | null) => {
    const cols = columns().filter((c) => c !== name);
    const i = before ? cols.indexOf(before) : -1;
    if (i < 0) cols.push(name);
    else cols.splice(i, 0, name);
    saveColumns(cols);
  };
  const hideColumn = (name: string) => saveColumns(columns().filter((c) => c !== name));
  /** A sensible starting width per field type, until the user drags it. */
  const defaultWidth = (name: string) => {
    const f = fieldOf(meta, name);
    if (name === meta.titleField) return 200;
    if (name === 'code') return 110;
    switch (f?.type) {
      case 'boolean':
      case 'select':
      case 'percent':
        return 110;
      case 'date':
        return 120;
      case 'number':
      case 'money':
        return 140;
      case 'relation':
        return 130;
      case 'dateTime':
        return 160;
      default:
        return DEFAULT_WIDTH;
    }
  };
  const widthOf = (name: string) => widths[name] ?? defaultWidth(name);
  const tableWidth = () => 44 + columns().reduce((s, c) => s + widthOf(c), 0);

  const startResize = (e: PointerEvent, name: string) => {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const start = widthOf(name);
    const move = (ev: PointerEvent) => setWidths(name, Math.max(MIN_WIDTH, Math.round(start + ev.clientX - startX)));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      document.body.classList.remove('is-resizing');
      persistPrefs({ widths: { ...widths } });
    };
    document.body.classList.add('is-resizing');
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const resizeByKey = (e: KeyboardEvent, name: string) => {
    const step = e.shiftKey ? 40 : 10;
    if (e.key === 'ArrowLeft') setWidths(name, Math.max(MIN_WIDTH, widthOf(name) - step));
    else if (e.key === 'ArrowRight') setWidths(name, widthOf(name) + step);
    else return;
    e.preventDefault();
    persistPrefs({ widths: { ...widths } });
  };

  // ---------- sort / group ----------
  const sortState = (name: string): 'ascending' | 'descending' | 'none' => {
    const first = sort().split(',')[0]?.trim() ?? '';
    if (first === name) return 'ascending';
    if (first === `-${name}`) return 'descending';
    return 'none';
  };
  const toggleSort = (name: string) => {
    setSort(sortState(name) === 'ascending' ? `-${name}` : name);
    setOffset(0);
  };
  const groupable = (name: string) => {
    const f = fieldOf(meta, name);
    return !!f && f.type !== 'longText' && f.type !== 'file' && f.name !== 'id';
  };
  const addGroup = (name: string) => {
    if (!groupable(name) || groupBy().includes(name)) return;
    if (groupBy().length >= 4) {
      toast(t('group.maxLevels', { max: 4 }), 'error');
      return;
    }
    batch(() => {
      setGroupBy([...groupBy(), name]);
      setExpanded(new Set<string>());
    });
  };
  const removeGroup = (name: string) => {
    batch(() => {
      setGroupBy(groupBy().filter((g) => g !== name));
      setExpanded(new Set<string>());
    });
  };
  const moveGroup = (name: string, dir: -1 | 1) => {
    const g = [...groupBy()];
    const i = g.indexOf(name);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= g.length) return;
    [g[i], g[j]] = [g[j], g[i]];
    batch(() => {
      setGroupBy(g);
      setExpanded(new Set<string>());
    });
  };

  // ---------- selection ----------
  const pageRows = () => (grouped() ? visibleFlat().filter((r): r is Extract<FlatRow, { kind: 'rec' }> => r.kind === 'rec').map((r) => r.rec) : list.latest?.items ?? []);
  const allSelected = () => pageRows().length > 0 && pageRows().every((r) => selected().has(r.id));
  const toggleAll = () => {
    const next = new Set(selected());
    if (allSelected()) pageRows().forEach((r) => next.delete(r.id));
    else pageRows().forEach((r) => next.add(r.id));
    setSelected(next);
  };
  const toggleOne = (id: string) => {
    const next = new Set(selected());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const mayAssign = () => can(object, 'edit') && (!!fieldOf(meta, 'ownerId')?.editable || !!fieldOf(meta, 'departmentId')?.editable);

  const refresh = () => {
    if (grouped()) {
      void refetchGroups();
      for (const k of expanded()) if (isLeafKey(k)) void loadLeaf(k, pathFromKey(k), 0);
    } else void refetchList();
  };

  // ---------- live rows ----------
  // Rows change in place (with a short highlight), deleted ones go, and anything that may add
  // or reorder rows (a create, a bulk change) refetches the page, debounced.
  const [flashed, setFlashed] = createSignal<ReadonlySet<string>>(new Set());
  const flash = (id: string) => {
    setFlashed((s) => new Set([...s, id]));
    setTimeout(() => setFlashed((s) => new Set([...s].filter((x) => x !== id))), 2000);
  };
  const refreshSoon = debounce(refresh, 400);
  const refreshGroupsSoon = debounce(() => void refetchGroups(), 400);
  const replaceRow = (id: string, next: Rec | null) => {
    let found = false;
    const cur = list.latest;
    if (cur && cur.items.some((r) => r.id === id)) {
      found = true;
      mutateList({ ...cur, items: next ? cur.items.map((r) => (r.id === id ? next : r)) : cur.items.filter((r) => r.id !== id), total: next ? cur.total : Math.max(0, cur.total - 1) });
    }
    for (const k of Object.keys(leaves)) {
      if (!leaves[k].items.some((r) => r.id === id)) continue;
      found = true;
      setLeaves(k, (l) => ({ ...l, items: next ? l.items.map((r) => (r.id === id ? next : r)) : l.items.filter((r) => r.id !== id), total: next ? l.total : Math.max(0, l.total - 1) }));
    }
    return found;
  };
  watchRecords({ object });
  useSocket('record:changed', (c) => {
    if (c.object !== object) return;
    if (c.id === '*' || c.action === 'create') return refreshSoon();
    // Deleted, or no longer visible to this viewer: the row goes.
    if (c.action === 'delete' || !c.record) {
      replaceRow(c.id, null);
      if (grouped()) refreshGroupsSoon();
      return;
    }
    if (replaceRow(c.id, c.record as Rec)) flash(c.id);
    // Group counts and totals may have moved.
    if (grouped()) refreshGroupsSoon();
  });

  // ---------- export ----------
  const doExport = async (format: 'xlsx' | 'csv') => {
    setExporting(true);
    try {
      const url = exportUrl(object, { format, columns: columns(), sort: sort(), filter: filter() ?? undefined, q: q().trim() || undefined, locale: locale() });
      await downloadFile(url, `${object}.${format}`);
      toast(t('list.exported'));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setExporting(false);
    }
  };

  const total = () => (grouped() ? groups()?.totals.count ?? 0 : list.latest?.total ?? 0);
  const pages = () => Math.max(1, Math.ceil((list.latest?.total ?? 0) / limit()));
  const page = () => Math.floor(offset() / limit()) + 1;
  const go = (p: number) => setOffset((Math.min(Math.max(p, 1), pages()) - 1) * limit());

  const open = (rec: Rec) => navigate(`/records/${object}/${rec.id}`);
  const onRowKey = (e: KeyboardEvent, rec: Rec) => {
    if (e.target !== e.currentTarget) return;
    const tr = e.currentTarget as HTMLTableRowElement;
    if (e.key === 'Enter') open(rec);
    else if (e.key === ' ') toggleOne(rec.id);
    else if (e.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
    else if (e.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
    else return;
    e.preventDefault();
  };

  /** Index of the first summable column: the group label spans the columns before it. */
  const labelSpan = () => {
    const i = columns().findIndex((c) => isSummable(fieldOf(meta, c)));
    return i <= 0 ? Math.max(1, i === 0 ? 1 : columns().length) : i;
  };
  const measureCells = (values: MeasureValues, from: number) => (
    <For each={columns().slice(from)}>
      {(c) => {
        const f = fieldOf(meta, c);
        return <td class={`align-${cellAlign(meta, c)} group-measure`}>{isSummable(f) ? formatMeasure(f, values[`sum:${c}`]) : ''}</td>;
      }}
    </For>
  );

  const recordRow = (rec: Rec, depth: number) => (
    <tr
      tabIndex={0}
      data-testid="row"
      class="clickable"
      classList={{ 'is-selected': selected().has(rec.id), 'is-flash': flashed().has(rec.id) }}
      aria-selected={selected().has(rec.id)}
      data-id={rec.id}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('button, a, input, select, label')) return;
        open(rec);
      }}
      onKeyDown={(e) => onRowKey(e, rec)}
    >
      <td class="select-cell">
        <input
          type="checkbox"
          aria-label={t('list.selectRow')}
          data-testid="row-select"
          checked={selected().has(rec.id)}
          onChange={() => toggleOne(rec.id)}
        />
      </td>
      <For each={columns()}>
        {(c, i) => (
          <td class={`align-${cellAlign(meta, c)}`} style={i() === 0 && depth > 0 ? { 'padding-left': `${12 + depth * 20}px` } : undefined}>
            {renderCell(meta, c, rec)}
          </td>
        )}
      </For>
    </tr>
  );

  const header = (c: string) => {
    const f = fieldOf(meta, c);
    const h = fieldLabel(meta, c);
    const [menu, setMenu] = createSignal(false);
    const [over, setOver] = createSignal(false);
    let menuRoot!: HTMLSpanElement;
    const onDoc = (e: MouseEvent) => {
      if (menu() && !menuRoot.contains(e.target as Node)) setMenu(false);
    };
    document.addEventListener('mousedown', onDoc);
    onCleanup(() => document.removeEventListener('mousedown', onDoc));
    const focusFirst = () => queueMicrotask(() => menuRoot.querySelector<HTMLElement>('[role=menuitem]')?.focus());
    const onMenuKey = (e: KeyboardEvent) => {
      const items = Array.from(menuRoot.querySelectorAll<HTMLElement>('[role=menuitem]'));
      const i = items.indexOf(document.activeElement as HTMLElement);
      if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
      else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
      else if (e.key === 'Escape') {
        setMenu(false);
        menuRoot.querySelector<HTMLElement>('button')?.focus();
      } else return;
      e.preventDefault();
    };
    return (
      <th
        scope="col"
        class={`align-${cellAlign(meta, c)}`}
        classList={{ 'is-drop-target': over() }}
        aria-sort={f?.type !== 'longText' ? sortState(c) : undefined}
        draggable={true}
        data-testid={`col-${c}`}
        onDragStart={(e) => {
          e.dataTransfer?.setData('text/x-tandem-column', c);
          e.dataTransfer?.setData('text/plain', c);
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copyMove';
        }}
        onDragOver={(e) => {
          if (!e.dataTransfer?.types.includes('text/x-tandem-column')) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          setOver(false);
          const name = e.dataTransfer?.getData('text/x-tandem-column');
          if (!name || name === c) return;
          e.preventDefault();
          moveColumn(name, c);
        }}
      >
        <div class="th-inner">
          <Show when={f?.type !== 'longText'} fallback={<span class="th-text">{h}</span>}>
            <button type="button" class="sort-button" classList={{ 'is-sorted': sortState(c) !== 'none' }} title={t('table.sortBy', { column: h })} onClick={() => toggleSort(c)}>
              <span class="th-text">{h}</span>
              <span class="sort-indicator" aria-hidden="true">
                {sortState(c) === 'ascending' ? '▲' : sortState(c) === 'descending' ? '▼' : '↕'}
              </span>
              <Show when={sortState(c) !== 'none'}>
                <span class="visually-hidden">{sortState(c) === 'ascending' ? t('table.sortAsc') : t('table.sortDesc')}</span>
              </Show>
            </button>
          </Show>
          <span class="th-menu" ref={menuRoot} onKeyDown={onMenuKey}>
            <button
              type="button"
              class="th-menu-button"
              aria-haspopup="menu"
              aria-expanded={menu()}
              aria-label={t('list.columnMenu', { column: h })}
              data-testid={`col-menu-${c}`}
              onClick={() => {
                setMenu(!menu());
                if (menu()) focusFirst();
              }}
            >
              ⋮
            </button>
            <Show when={menu()}>
              <div class="menu th-menu-list" role="menu" aria-label={t('list.columnMenu', { column: h })}>
                <Show when={f?.type !== 'longText'}>
                  <button type="button" role="menuitem" class="menu-item" onClick={() => { setSort(c); setOffset(0); setMenu(false); }}>
                    <span class="menu-check">▲</span>
                    {t('list.sortAsc')}
                  </button>
                  <button type="button" role="menuitem" class="menu-item" onClick={() => { setSort(`-${c}`); setOffset(0); setMenu(false); }}>
                    <span class="menu-check">▼</span>
                    {t('list.sortDesc')}
                  </button>
                </Show>
                <Show when={groupable(c) && !groupBy().includes(c)}>
                  <button type="button" role="menuitem" class="menu-item" data-testid={`group-by-${c}`} onClick={() => { addGroup(c); setMenu(false); }}>
                    <span class="menu-check"><Icon name="layers" size={14} /></span>
                    {t('group.byThis')}
                  </button>
                </Show>
                <button type="button" role="menuitem" class="menu-item" onClick={() => { hideColumn(c); setMenu(false); }}>
                  <span class="menu-check"><Icon name="close" size={14} /></span>
                  {t('list.hideColumn')}
                </button>
              </div>
            </Show>
          </span>
        </div>
        <span
          class="col-resizer"
          role="separator"
          aria-orientation="vertical"
          aria-label={t('list.resize', { column: h })}
          aria-valuenow={widthOf(c)}
          tabIndex={0}
          onPointerDown={(e) => startResize(e, c)}
          onKeyDown={(e) => resizeByKey(e, c)}
          onClick={(e) => e.stopPropagation()}
        />
      </th>
    );
  };

  const title = () => label(meta.pluralLabel, object);

  return (
    <div class="page" data-testid={`list-${object}`}>
      <PageHeader
        title={title()}
        actions={
          <>
            <Show when={can(object, 'export')}>
              <div class="btn-group" role="group" aria-label={t('list.export')}>
                <button type="button" class="btn" data-testid="export-xlsx" disabled={exporting()} onClick={() => doExport('xlsx')}>
                  <Icon name="download" size={16} />
                  {t('list.exportXlsx')}
                </button>
                <button type="button" class="btn" data-testid="export-csv" disabled={exporting()} onClick={() => doExport('csv')}>
                  {t('list.exportCsv')}
                </button>
              </div>
            </Show>
            <Show when={object === 'opportunity'}>
              <A href="/sales/kanban" class="btn" data-testid="list-to-kanban">
                <Icon name="kanban" size={16} />
                {t('nav.kanban')}
              </A>
            </Show>
            <Show when={can(object, 'create')}>
              <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => setEditing(null)}>
                <Icon name="plus" size={16} />
                {t('record.new', { object: label(meta.label) })}
              </button>
            </Show>
          </>
        }
      />
      <section class="panel">
        <div class="toolbar">
          <div class="search-box">
            <Icon name="search" size={16} />
            <input
              class="input"
              type="search"
              aria-label={t('common.search')}
              placeholder={t('list.searchPlaceholder', { object: title() })}
              data-testid="search"
              value={q()}
              onInput={(e) => setQSoon(e.currentTarget.value)}
            />
          </div>
          <div class="chooser-anchor">
            <button
              type="button"
              class="btn"
              classList={{ 'is-active': !!filter() }}
              data-testid="filter-open"
              aria-haspopup="dialog"
              aria-expanded={filterOpen()}
              onClick={() => setFilterOpen(!filterOpen())}
            >
              <Icon name="search" size={16} />
              {t('filter.button')}
              <Show when={topParts(filter()).length}>
                <span class="badge badge-info">{formatNumber(topParts(filter()).length)}</span>
              </Show>
            </button>
            <Show when={filterOpen()}>
              <FilterPanel
                meta={meta}
                value={filter()}
                onApply={(f) => {
                  setFilterOpen(false);
                  setFilter(f);
                }}
                onClose={() => setFilterOpen(false)}
              />
            </Show>
          </div>
          <ViewsMenu
            object={object}
            activeId={activeView()?.id ?? null}
            current={currentConfig}
            onApply={applySaved}
            onSaved={(v) => setActiveView(v)}
            onDeleted={(id) => {
              if (activeView()?.id === id) setActiveView(null);
            }}
          />
          <FoldersMenu
            object={object}
            activeId={folder()}
            version={folderVersion()}
            onOpen={(f) => {
              setOffset(0);
              setSearch({ folder: f ? f.id : undefined });
            }}
          />
          <span class="spacer" />
          <Show when={can(object, 'create')}>
            <button type="button" class="btn" data-testid="import-open" onClick={() => setImportOpen(true)}>
              {t('import.button')}
            </button>
          </Show>
          <div class="chooser-anchor">
            <button
              type="button"
              class="btn"
              data-testid="column-chooser"
              aria-haspopup="dialog"
              aria-expanded={chooserOpen()}
              onClick={() => setChooserOpen(!chooserOpen())}
            >
              <Icon name="columns" size={16} />
              {t('list.columns')}
            </button>
            <Show when={chooserOpen()}>
              <ColumnChooser
                fields={allFields()}
                columns={columns()}
                onChange={saveColumns}
                onReset={() => {
                  clearPrefs(object);
                  setColumns(meta.listColumns.filter(readable));
                  setWidths(produce((w) => Object.keys(w).forEach((k) => delete w[k])));
                  setGroupBy([]);
                }}
                onClose={() => setChooserOpen(false)}
              />
            </Show>
          </div>
          <button type="button" class="icon-button" aria-label={t('common.refresh')} title={t('common.refresh')} onClick={refresh}>
            ↻
          </button>
        </div>

        <Show when={filter() || folder() || activeView()}>
          <div class="filter-chips" role="region" aria-label={t('filter.applied')} data-testid="filter-chips">
            <Show when={folder()}>
              <span class="chip chip-removable chip-folder" data-testid="folder-chip">
                <Icon name="category" size={14} />
                {t('folders.viewing')}
                <button type="button" class="chip-remove" aria-label={t('folders.showAll')} onClick={() => setSearch({ folder: undefined })}>
                  ×
                </button>
              </span>
            </Show>
            <Show when={activeView()}>
              <span class="chip chip-removable" data-testid="view-chip">
                {activeView()!.nameLabel ? label(activeView()!.nameLabel!, activeView()!.name) : activeView()!.name}
                <button type="button" class="chip-remove" aria-label={t('views.leave')} onClick={() => setActiveView(null)}>
                  ×
                </button>
              </span>
            </Show>
            <For each={topParts(filter())}>
              {(part, i) => (
                <span class="chip chip-removable filter-chip" data-testid="filter-chip">
                  <FilterText meta={meta} node={part} />
                  <button type="button" class="chip-remove" aria-label={t('filter.removeCondition')} onClick={() => setFilter(withoutPart(filter(), i()))}>
                    ×
                  </button>
                </span>
              )}
            </For>
            <Show when={filter()}>
              <button type="button" class="btn btn-ghost btn-sm" data-testid="url-filter" onClick={() => setFilter(null)}>
                {t('filter.clearAll')}
              </button>
            </Show>
          </div>
        </Show>

        <div
          class="group-bar"
          classList={{ 'is-drop-active': dropActive(), 'is-empty': !grouped(), 'is-hidden': !!folder() }}
          data-testid="group-bar"
          role="region"
          aria-label={t('group.bar')}
          onDragOver={(e) => {
            if (!e.dataTransfer?.types.includes('text/x-tandem-column')) return;
            e.preventDefault();
            setDropActive(true);
          }}
          onDragLeave={() => setDropActive(false)}
          onDrop={(e) => {
            setDropActive(false);
            const name = e.dataTransfer?.getData('text/x-tandem-column');
            if (!name) return;
            e.preventDefault();
            addGroup(name);
          }}
        >
          <Icon name="layers" size={16} />
          <Show when={grouped()} fallback={<span class="group-bar-hint">{t('group.hint')}</span>}>
            <span class="group-bar-label">{t('group.by')}</span>
            <For each={groupBy()}>
              {(g, i) => (
                <>
                  <Show when={i() > 0}>
                    <span class="group-sep" aria-hidden="true">
                      ›
                    </span>
                  </Show>
                  <span class="group-chip" data-testid={`group-chip-${g}`}>
                    <Show when={i() > 0}>
                      <button type="button" class="chip-remove" aria-label={t('group.moveOut', { column: fieldLabel(meta, g) })} onClick={() => moveGroup(g, -1)}>
                        ‹
                      </button>
                    </Show>
                    <span>{fieldLabel(meta, g)}</span>
                    <Show when={i() < groupBy().length - 1}>
                      <button type="button" class="chip-remove" aria-label={t('group.moveIn', { column: fieldLabel(meta, g) })} onClick={() => moveGroup(g, 1)}>
                        ›
                      </button>
                    </Show>
                    <button type="button" class="chip-remove" aria-label={t('group.remove', { column: fieldLabel(meta, g) })} data-testid={`group-remove-${g}`} onClick={() => removeGroup(g)}>
                      ×
                    </button>
                  </span>
                </>
              )}
            </For>
            <span class="spacer" />
            <button type="button" class="btn btn-ghost btn-sm" onClick={expandAll}>
              {t('group.expandAll')}
            </button>
            <button type="button" class="btn btn-ghost btn-sm" onClick={() => setExpanded(new Set<string>())}>
              {t('group.collapseAll')}
            </button>
            <button type="button" class="btn btn-ghost btn-sm" data-testid="group-clear" onClick={() => batch(() => { setGroupBy([]); setExpanded(new Set<string>()); })}>
              {t('group.clear')}
            </button>
          </Show>
          <Show when={groupBy().length < 4}>
            <select
              class="select select-sm group-add"
              aria-label={t('group.addLevel')}
              data-testid="group-add"
              value=""
              onChange={(e) => {
                const v = e.currentTarget.value;
                e.currentTarget.value = '';
                if (v) addGroup(v);
              }}
            >
              <option value="">{t('group.addLevel')}</option>
              <For each={allFields().filter((f) => groupable(f.name) && !groupBy().includes(f.name))}>{(f) => <option value={f.name}>{label(f.label, f.name)}</option>}</For>
            </select>
          </Show>
        </div>

        <Show when={selected().size > 0}>
          <div class="bulk-bar" role="region" aria-label={t('list.selection')} data-testid="bulk-bar">
            <span>{t('list.selectedCount', { count: formatNumber(selected().size) })}</span>
            <Show when={mayAssign()}>
              <button type="button" class="btn btn-sm btn-primary" data-testid="bulk-assign" onClick={() => setAssignOpen(true)}>
                {t('list.assignTo')}
              </button>
            </Show>
            <AddToFolder object={object} ids={() => [...selected()]} onDone={() => setFolderVersion(folderVersion() + 1)} />
            <Show when={folder()}>
              <button
                type="button"
                class="btn btn-sm"
                data-testid="remove-from-folder"
                onClick={async () => {
                  try {
                    await foldersApi.removeItems(folder()!, [...selected()]);
                    toast(t('folders.removed', { count: formatNumber(selected().size) }));
                    setSelected(new Set<string>());
                    setFolderVersion(folderVersion() + 1);
                    refresh();
                  } catch (e) {
                    toast(errorText(e), 'error');
                  }
                }}
              >
                {t('folders.removeFrom')}
              </button>
            </Show>
            <button type="button" class="btn btn-sm btn-ghost" onClick={() => setSelected(new Set<string>())}>
              {t('list.clearSelection')}
            </button>
          </div>
        </Show>

        <Show when={listError() || groupError()}>
          <div class="form-alert" role="alert">
            {errorText(listError() ?? groupError())}
          </div>
        </Show>

        <div class="table-scroll list-scroll">
          <table
            class="table list-table"
            style={{ width: `${tableWidth()}px` }}
            aria-label={title()}
            aria-busy={grouped() ? groups.loading : list.loading}
            data-testid="record-table"
          >
            <colgroup>
              <col style={{ width: '44px' }} />
              <For each={columns()}>{(c) => <col style={{ width: `${widthOf(c)}px` }} />}</For>
            </colgroup>
            <thead>
              <tr>
                <th scope="col" class="select-cell">
                  <input type="checkbox" aria-label={t('list.selectAll')} data-testid="select-all" checked={allSelected()} onChange={toggleAll} />
                </th>
                <For each={columns()}>{(c) => header(c)}</For>
              </tr>
            </thead>
            <Show
              when={grouped()}
              fallback={
                <tbody classList={{ 'is-loading': list.loading && (list.latest?.items.length ?? 0) > 0 }}>
                  <Show
                    when={!(list.loading && !list.latest)}
                    fallback={
                      <Index each={[0, 1, 2, 3, 4, 5]}>
                        {() => (
                          <tr class="skeleton-row" aria-hidden="true">
                            <td />
                            <For each={columns()}>{() => <td><span class="skeleton" /></td>}</For>
                          </tr>
                        )}
                      </Index>
                    }
                  >
                    <For each={list.latest?.items ?? []}>{(rec) => recordRow(rec, 0)}</For>
                  </Show>
                </tbody>
              }
            >
              <tbody classList={{ 'is-loading': groups.loading }}>
                <For each={visibleFlat()}>
                  {(row) => {
                    if (row.kind === 'rec') return recordRow(row.rec, row.depth);
                    if (row.kind === 'loading')
                      return (
                        <tr class="group-note">
                          <td />
                          <td colSpan={columns().length} style={{ 'padding-left': `${12 + row.depth * 20}px` }}>
                            {t('common.loading')}
                          </td>
                        </tr>
                      );
                    if (row.kind === 'more')
                      return (
                        <tr class="group-note">
                          <td />
                          <td colSpan={columns().length} style={{ 'padding-left': `${12 + row.depth * 20}px` }}>
                            <button type="button" class="link-button" data-testid="group-more" onClick={() => void loadLeaf(row.groupKey, row.path, row.loaded)}>
                              {t('group.loadMore', { shown: formatNumber(row.loaded), total: formatNumber(row.total) })}
                            </button>
                          </td>
                        </tr>
                      );
                    const isOpen = () => expanded().has(row.key);
                    const name = () => groupValueLabel(row.field, row.node);
                    return (
                      <tr
                        class={`group-row depth-${row.depth}`}
                        data-testid="group-row"
                        data-depth={row.depth}
                        tabIndex={0}
                        aria-expanded={isOpen()}
                        aria-level={row.depth + 1}
                        onClick={() => toggleGroup(row)}
                        onKeyDown={(e) => {
                          if (e.target !== e.currentTarget) return;
                          const tr = e.currentTarget as HTMLElement;
                          if (e.key === 'Enter' || e.key === ' ') toggleGroup(row);
                          else if (e.key === 'ArrowRight' && !isOpen()) toggleGroup(row);
                          else if (e.key === 'ArrowLeft' && isOpen()) toggleGroup(row);
                          else if (e.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
                          else if (e.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
                          else return;
                          e.preventDefault();
                        }}
                      >
                        <td class="select-cell" />
                        <td colSpan={labelSpan()} style={{ 'padding-left': `${12 + row.depth * 20}px` }}>
                          <span class="group-twisty" aria-hidden="true" classList={{ 'is-open': isOpen() }}>
                            <Icon name="right" size={14} />
                          </span>
                          <span class="group-field muted">{row.field ? label(row.field.label, row.field.name) : ''}:</span>{' '}
                          <span class="group-value">{name()}</span>{' '}
                          <span class="badge badge-muted group-count" data-testid="group-count">
                            {formatNumber(row.node.count)}
                          </span>
                        </td>
                        {measureCells(row.node.measures, labelSpan())}
                      </tr>
                    );
                  }}
                </For>
                <Show when={flatRows().length > groupCap()}>
                  <tr class="group-note">
                    <td />
                    <td colSpan={columns().length}>
                      <button type="button" class="link-button" onClick={() => setGroupCap(groupCap() + GROUP_ROW_CAP_STEP)}>
                        {t('group.showMoreRows', { shown: formatNumber(groupCap()), total: formatNumber(flatRows().length) })}
                      </button>
                    </td>
                  </tr>
                </Show>
              </tbody>
              <Show when={groups()}>
                {(g) => (
                  <tfoot>
                    <tr class="total-row" data-testid="grand-total">
                      <td />
                      <td colSpan={labelSpan()}>
                        <strong>{t('group.grandTotal')}</strong>{' '}
                        <span class="badge badge-info">{formatNumber(g().totals.count)}</span>
                      </td>
                      {measureCells(g().totals.measures, labelSpan())}
                    </tr>
                  </tfoot>
                )}
              </Show>
            </Show>
          </table>
          <Show when={!grouped() && !list.loading && (list.latest?.items.length ?? 0) === 0}>
            <div class="empty-state" role="status">
              <div>{q() || urlFilter() || folder() ? t('common.noResults') : t('common.empty')}</div>
            </div>
          </Show>
          <Show when={grouped() && !groups.loading && groups() && groups()!.groups.length === 0}>
            <div class="empty-state" role="status">
              <div>{t('common.noResults')}</div>
            </div>
          </Show>
        </div>

        <Show
          when={!grouped()}
          fallback={
            <div class="pager">
              <span class="pager-info" aria-live="polite">
                {t('group.summary', { groups: formatNumber(groups()?.groups.length ?? 0), total: formatNumber(total()) })}
              </span>
            </div>
          }
        >
          <div class="pager">
            <label class="pager-size">
              <span>{t('table.pageSize')}</span>
              <select
                class="select select-sm"
                value={String(limit())}
                onChange={(e) => {
                  setLimit(Number(e.currentTarget.value));
                  setOffset(0);
                }}
              >
                <For each={[25, 50, 100, 200]}>{(n) => <option value={String(n)} selected={n === limit()}>{n}</option>}</For>
              </select>
            </label>
            <span class="pager-info" aria-live="polite" data-testid="pager-info">
              {total() === 0
                ? t('table.rows', { from: 0, to: 0, total: 0 })
                : t('table.rows', { from: formatNumber(offset() + 1), to: formatNumber(Math.min(offset() + limit(), total())), total: formatNumber(total()) })}
            </span>
            <div class="pager-buttons">
              <button type="button" class="icon-button" aria-label={t('table.first')} disabled={page() <= 1} onClick={() => go(1)}>
                «
              </button>
              <button type="button" class="icon-button" aria-label={t('table.prev')} data-testid="page-prev" disabled={page() <= 1} onClick={() => go(page() - 1)}>
                ‹
              </button>
              <span class="pager-page">{t('table.page', { page: formatNumber(page()), pages: formatNumber(pages()) })}</span>
              <button type="button" class="icon-button" aria-label={t('table.next')} data-testid="page-next" disabled={page() >= pages()} onClick={() => go(page() + 1)}>
                ›
              </button>
              <button type="button" class="icon-button" aria-label={t('table.last')} disabled={page() >= pages()} onClick={() => go(pages())}>
                »
              </button>
            </div>
          </div>
        </Show>
      </section>

      <RecordDrawer
        object={object}
        recordId={editing()}
        onClose={() => setEditing(undefined)}
        onSaved={(rec, created) => {
          refresh();
          if (created) navigate(`/records/${object}/${rec.id}`);
        }}
      />
      <Show when={importOpen()}>
        <ImportDialog
          meta={meta}
          onClose={() => setImportOpen(false)}
          onDone={() => {
            refresh();
          }}
        />
      </Show>
      <BulkAssignDialog
        open={assignOpen()}
        meta={meta}
        ids={[...selected()]}
        onClose={() => setAssignOpen(false)}
        onDone={() => {
          setAssignOpen(false);
          setSelected(new Set<string>());
          refresh();
        }}
      />
    </div>
  );
}

/** Show/hide and reorder columns (drag and drop, or the arrow buttons). */
function ColumnChooser(props: { fields: FieldMeta[]; columns: string[]; onChange: (cols: string[]) => void; onReset: () => void; onClose: () => void }) {
  let root!: HTMLDivElement;
  const [dragging, setDragging] = createSignal<string | null>(null);
  const [over, setOver] = createSignal<string | null>(null);
  const onDoc = (e: MouseEvent) => {
    if (!root.contains(e.target as Node) && !(e.target as HTMLElement).closest('[data-testid=column-chooser]')) props.onClose();
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));

  /** Shown columns first in their order, then the rest in metadata order. */
  const ordered = createMemo(() => {
    const shown = props.columns.map((c) => props.fields.find((f) => f.name === c)).filter((f): f is FieldMeta => !!f);
    const rest = props.fields.filter((f) => !props.columns.includes(f.name));
    return [...shown, ...rest];
  });
  const toggle = (name: string) =>
    props.onChange(props.columns.includes(name) ? props.columns.filter((c) => c !== name) : [...props.columns, name]);
  const move = (name: string, dir: -1 | 1) => {
    const cols = [...props.columns];
    const i = cols.indexOf(name);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= cols.length) return;
    [cols[i], cols[j]] = [cols[j], cols[i]];
    props.onChange(cols);
  };
  const dropOn = (target: string) => {
    const src = dragging();
    setDragging(null);
    setOver(null);
    if (!src || src === target) return;
    const cols = props.columns.includes(src) ? props.columns.filter((c) => c !== src) : [...props.columns];
    const i = cols.indexOf(target);
    if (i < 0) cols.push(src);
    else cols.splice(i, 0, src);
    props.onChange(cols);
  };

  return (
    <div
      class="popover column-popover"
      ref={root}
      role="dialog"
      aria-label={t('list.columns')}
      data-testid="column-chooser-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      <div class="popover-head">
        <strong>{t('list.columns')}</strong>
        <span class="muted small">{t('list.columnsHint')}</span>
      </div>
      <ul class="column-list">
        <For each={ordered()}>
          {(f) => {
            const shown = () => props.columns.includes(f.name);
            return (
              <li
                class="column-item"
                classList={{ 'is-hidden': !shown(), 'is-over': over() === f.name, 'is-dragging': dragging() === f.name }}
                draggable={true}
                data-testid={`chooser-${f.name}`}
                onDragStart={(e) => {
                  setDragging(f.name);
                  e.dataTransfer?.setData('text/plain', f.name);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setOver(null);
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(f.name);
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  dropOn(f.name);
                }}
              >
                <span class="grip" aria-hidden="true">
                  <Icon name="grip" size={14} />
                </span>
                <label class="checkbox">
                  <input type="checkbox" checked={shown()} onChange={() => toggle(f.name)} />
                  <span>{label(f.label, f.name)}</span>
                </label>
                <Show when={shown()}>
                  <span class="column-move">
                    <button type="button" class="icon-button icon-button-sm" aria-label={t('list.moveUp', { column: label(f.label, f.name) })} onClick={() => move(f.name, -1)}>
                      <Icon name="up" size={14} />
                    </button>
                    <button type="button" class="icon-button icon-button-sm" aria-label={t('list.moveDown', { column: label(f.label, f.name) })} onClick={() => move(f.name, 1)}>
                      <Icon name="down" size={14} />
                    </button>
                  </span>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
      <div class="popover-foot">
        <button type="button" class="btn btn-ghost btn-sm" data-testid="columns-reset" onClick={props.onReset}>
          {t('list.resetColumns')}
        </button>
        <span class="spacer" />
        <button type="button" class="btn btn-sm" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}

/** Assigns the selected records to an employee (owner) or a department: POST bulk-assign. */
function BulkAssignDialog(props: { open: boolean; meta: ObjectMeta; ids: string[]; onClose: () => void; onDone: () => void }) {
  const hasOwner = () => !!fieldOf(props.meta, 'ownerId')?.editable;
  const hasDept = () => !!fieldOf(props.meta, 'departmentId')?.editable;
  const [kind, setKind] = createSignal<'owner' | 'department'>('owner');
  const [target, setTarget] = createSignal<{ id: string | null; label: string | null }>({ id: null, label: null });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fieldErrors, setFieldErrors] = createSignal<FieldError[]>([]);
  createEffect(
    on(
      () => props.open,
      (o) => {
        if (!o) return;
        setKind(hasOwner() ? 'owner' : 'department');
        setTarget({ id: null, label: null });
        setError(null);
        setFieldErrors([]);
      },
    ),
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!target().id) {
      setError(t('assign.pickTarget'));
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const body = kind() === 'owner' ? { ids: props.ids, ownerId: target().id } : { ids: props.ids, departmentId: target().id };
      const r = await recordsApi.bulkAssign(props.meta.name, body);
      toast(t('assign.done', { count: formatNumber(r.updated), target: target().label ?? '' }));
      props.onDone();
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError) setFieldErrors(err.fields);
    } finally {
      setBusy(false);
    }
  };
  const errLabel = (fe: FieldError): JSX.Element => {
    const name = fe.field.split('.')[0];
    const f = fieldOf(props.meta, name);
    return f ? `${label(f.label, f.name)}: ${fieldErrorText(fe, label(f.label, f.name))}` : fieldErrorText(fe);
  };
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={t('assign.title', { count: formatNumber(props.ids.length) })}
      size="sm"
      testid="bulk-assign-dialog"
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="bulk-assign-form" class="btn btn-primary" data-testid="bulk-assign-submit" disabled={busy()}>
            {busy() ? t('common.saving') : t('assign.submit')}
          </button>
        </>
      }
    >
      <form id="bulk-assign-form" class="stack" onSubmit={submit}>
        <Show when={error()}>
          <div class="form-alert" role="alert" data-testid="bulk-assign-error">
            {error()}
            <Show when={fieldErrors().length}>
              <ul>
                <For each={fieldErrors()}>{(fe) => <li>{errLabel(fe)}</li>}</For>
              </ul>
            </Show>
          </div>
        </Show>
        <fieldset class="fieldset">
          <legend>{t('assign.to')}</legend>
          <div class="radio-row">
            <Show when={hasOwner()}>
              <label class="checkbox">
                <input type="radio" name="assign-kind" checked={kind() === 'owner'} data-testid="assign-kind-owner" onChange={() => { setKind('owner'); setTarget({ id: null, label: null }); }} />
                <span>{t('assign.employee')}</span>
              </label>
            </Show>
            <Show when={hasDept()}>
              <label class="checkbox">
                <input type="radio" name="assign-kind" checked={kind() === 'department'} data-testid="assign-kind-department" onChange={() => { setKind('department'); setTarget({ id: null, label: null }); }} />
                <span>{t('assign.department')}</span>
              </label>
            </Show>
          </div>
        </fieldset>
        <div class="form-field">
          <label class="form-label" for="bulk-assign-target">
            {kind() === 'owner' ? t('assign.employee') : t('assign.department')}
          </label>
          <Show when={kind()} keyed>
            {(k) => (
              <RelationSelect
                id="bulk-assign-target"
                relation={k === 'owner' ? 'employee' : 'department'}
                value={target().id}
                label={target().label}
                testid="bulk-assign-target"
                onChange={(id, l) => setTarget({ id, label: l })}
              />
            )}
          </Show>
        </div>
      </form>
    </Modal>
  );
}
