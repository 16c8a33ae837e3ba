import { For, Index, Show, type JSX } from 'solid-js';
import { formatNumber, t } from '../i18n';

export type Column<T> = {
  key: string;
  header: string;
  sortable?: boolean;
  align?: 'left' | 'right' | 'center';
  width?: string;
  render?: (row: T) => JSX.Element;
};

type Props<T> = {
  label: string;
  columns: Column<T>[];
  rows: T[];
  total: number;
  loading: boolean;
  sort?: string;
  onSort?: (sort: string) => void;
  limit: number;
  offset: number;
  onPage: (offset: number, limit: number) => void;
  onOpen?: (row: T) => void;
  selectedId?: string | null;
  rowId?: (row: T) => string;
  empty?: JSX.Element;
  pageSizes?: number[];
  testid?: string;
};

function parseSort(sort: string | undefined): { key: string; desc: boolean } | null {
  const first = (sort ?? '').split(',')[0]?.trim();
  if (!first) return null;
  return first.startsWith('-') ? { key: first.slice(1), desc: true } : { key: first, desc: false };
}

/** A server-paged table: sortable headers, page size, skeleton while loading, Enter opens a row. */
export function DataTable<T>(props: Props<T>) {
  const current = () => parseSort(props.sort);
  const pages = () => Math.max(1, Math.ceil(props.total / props.limit));
  const page = () => Math.floor(props.offset / props.limit) + 1;
  const go = (p: number) => props.onPage((Math.min(Math.max(p, 1), pages()) - 1) * props.limit, props.limit);

  const toggleSort = (key: string) => {
    const c = current();
    props.onSort?.(c && c.key === key && !c.desc ? `-${key}` : key);
  };

  const onRowKey = (e: KeyboardEvent, row: T) => {
    const tr = e.currentTarget as HTMLTableRowElement;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onOpen?.(row);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      (tr.nextElementSibling as HTMLElement | null)?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      (tr.previousElementSibling as HTMLElement | null)?.focus();
    }
  };

  return (
    <div class="datatable" data-testid={props.testid}>
      <div class="table-scroll">
        <table class="table" aria-label={props.label} aria-busy={props.loading}>
          <thead>
            <tr>
              <For each={props.columns}>
                {(col) => {
                  const state = () => (current()?.key === col.key ? (current()!.desc ? 'descending' : 'ascending') : 'none');
                  return (
                    <th
                      scope="col"
                      style={col.width ? { width: col.width } : undefined}
                      class={`align-${col.align ?? 'left'}`}
                      aria-sort={col.sortable ? state() : undefined}
                    >
                      <Show when={col.sortable && props.onSort} fallback={<span>{col.header}</span>}>
                        <button
                          type="button"
                          class={`sort-button ${state() !== 'none' ? 'is-sorted' : ''}`}
                          title={t('table.sortBy', { column: col.header })}
                          onClick={() => toggleSort(col.key)}
                        >
                          <span>{col.header}</span>
                          <span class="sort-indicator" aria-hidden="true">
                            {state() === 'ascending' ? '▲' : state() === 'descending' ? '▼' : '↕'}
                          </span>
                          <Show when={state() !== 'none'}>
                            <span class="visually-hidden">
                              {state() === 'ascending' ? t('table.sortAsc') : t('table.sortDesc')}
                            </span>
                          </Show>
                        </button>
                      </Show>
                    </th>
                  );
                }}
              </For>
            </tr>
          </thead>
          <tbody classList={{ 'is-loading': props.loading && props.rows.length > 0 }}>
            <Show when={!(props.loading && props.rows.length === 0)}>
              <For each={props.rows}>
                {(row) => (
                  <tr
                    tabIndex={props.onOpen ? 0 : undefined}
                    data-testid="row"
                    classList={{ 'is-selected': !!props.selectedId && props.rowId?.(row) === props.selectedId, clickable: !!props.onOpen }}
                    aria-selected={props.selectedId !== undefined ? !!props.selectedId && props.rowId?.(row) === props.selectedId : undefined}
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('button, a, input, select')) return;
                      props.onOpen?.(row);
                    }}
                    onKeyDown={(e) => {
                      if (e.target !== e.currentTarget) return;
                      onRowKey(e, row);
                    }}
                  >
                    <For each={props.columns}>
                      {(col) => (
                        <td class={`align-${col.align ?? 'left'}`}>
                          {col.render ? col.render(row) : String((row as Record<string, unknown>)[col.key] ?? '')}
                        </td>
                      )}
                    </For>
                  </tr>
                )}
              </For>
            </Show>
            <Show when={props.loading && props.rows.length === 0}>
              <Index each={[0, 1, 2, 3, 4, 5]}>
                {() => (
                  <tr class="skeleton-row" aria-hidden="true">
                    <For each={props.columns}>
                      {() => (
                        <td>
                          <span class="skeleton" />
                        </td>
                      )}
                    </For>
                  </tr>
                )}
              </Index>
            </Show>
          </tbody>
        </table>
        <Show when={!props.loading && props.rows.length === 0}>
          <div class="empty-state" role="status">
            <svg viewBox="0 0 48 48" width="40" height="40" aria-hidden="true">
              <rect x="8" y="10" width="32" height="28" rx="4" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="M8 18h32M16 26h16M16 31h10" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
            <div>{props.empty ?? t('common.empty')}</div>
          </div>
        </Show>
      </div>
      <div class="pager">
        <label class="pager-size">
          <span>{t('table.pageSize')}</span>
          <select
            class="select select-sm"
            value={String(props.limit)}
            onChange={(e) => props.onPage(0, Number(e.currentTarget.value))}
          >
            <For each={props.pageSizes ?? [10, 25, 50, 100]}>{(n) => <option value={String(n)} selected={n === props.limit}>{n}</option>}</For>
          </select>
        </label>
        <span class="pager-info" aria-live="polite">
          {props.total === 0
            ? t('table.rows', { from: 0, to: 0, total: 0 })
            : t('table.rows', {
                from: formatNumber(props.offset + 1),
                to: formatNumber(Math.min(props.offset + props.limit, props.total)),
                total: formatNumber(props.total),
              })}
        </span>
        <div class="pager-buttons">
          <button type="button" class="icon-button" aria-label={t('table.first')} disabled={page() <= 1} onClick={() => go(1)}>
            «
          </button>
          <button type="button" class="icon-button" aria-label={t('table.prev')} disabled={page() <= 1} onClick={() => go(page() - 1)}>
            ‹
          </button>
          <span class="pager-page">{t('table.page', { page: page(), pages: pages() })}</span>
          <button type="button" class="icon-button" aria-label={t('table.next')} disabled={page() >= pages()} onClick={() => go(page() + 1)}>
            ›
          </button>
          <button type="button" class="icon-button" aria-label={t('table.last')} disabled={page() >= pages()} onClick={() => go(pages())}>
            »
          </button>
        </div>
      </div>
    </div>
  );
}
