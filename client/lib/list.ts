import { createEffect, createMemo, createResource, createSignal, on, type Accessor } from 'solid-js';
import type { ListResult } from '../api/types';

export type PageParams = { sort: string; limit: number; offset: number };

/**
 * Server-paged list state: sort, page size and offset, plus extra params (search, filters)
 * whose change sends the user back to the first page.
 */
export function createServerList<T, P>(opts: {
  initialSort: string;
  initialLimit?: number;
  params: Accessor<P>;
  fetch: (p: PageParams & { params: P }) => Promise<ListResult<T>>;
}) {
  const [sort, setSort] = createSignal(opts.initialSort);
  const [limit, setLimit] = createSignal(opts.initialLimit ?? 25);
  const [offset, setOffset] = createSignal(0);
  const [error, setError] = createSignal<unknown>(null);
  const extra = createMemo(opts.params, undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  createEffect(on(extra, () => setOffset(0), { defer: true }));
  const key = createMemo(() => ({ sort: sort(), limit: limit(), offset: offset(), params: extra() }));
  const [data, { refetch }] = createResource(key, async (k): Promise<ListResult<T>> => {
    try {
      const r = await opts.fetch(k);
      setError(null);
      return r;
    } catch (e) {
      setError(e);
      return { items: [], total: 0 };
    }
  });
  return {
    rows: () => data.latest?.items ?? [],
    total: () => data.latest?.total ?? 0,
    loading: () => data.loading,
    error,
    sort,
    setSort: (s: string) => {
      setSort(s);
      setOffset(0);
    },
    limit,
    offset,
    setPage: (off: number, lim: number) => {
      setLimit(lim);
      setOffset(off);
    },
    refetch,
  };
}

/** Loads every page of a list (up to `max` rows), for trees and pickers. */
export async function fetchAllPages<T>(
  fetchPage: (limit: number, offset: number) => Promise<ListResult<T>>,
  max = 2000,
): Promise<T[]> {
  const pageSize = 200;
  const out: T[] = [];
  for (let offset = 0; offset < max; offset += pageSize) {
    const page = await fetchPage(pageSize, offset);
    out.push(...page.items);
    if (page.items.length < pageSize || out.length >= page.total) break;
  }
  return out;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
