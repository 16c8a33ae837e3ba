import { createMemo } from 'solid-js';
import { recordsApi } from '../api/endpoints';
import type { FilterNode, ObjectMeta, Rec } from '../api/types';
import { errorText, label, t } from '../i18n';
import { createServerList } from '../lib/list';
import { displayValue, fieldLabel, fieldOf } from '../lib/meta';
import { DataTable, type Column } from './DataTable';
import { Show } from 'solid-js';

type Props = {
  meta: ObjectMeta;
  q?: string;
  filter?: FilterNode | null;
  onOpen?: (rec: Rec) => void;
  selectedId?: string | null;
  /** Receives the table's refetch, so a page can reload it after a save. */
  controller?: (c: { refetch: () => void }) => void;
  columns?: string[];
  initialLimit?: number;
  empty?: string;
  testid?: string;
};

/** A DataTable over `GET /api/records/:object`, its columns and sort from object metadata. */
export function ObjectTable(props: Props) {
  const list = createServerList<Rec, { q?: string; filter?: FilterNode | null; object: string }>({
    initialSort: props.meta.defaultSort,
    initialLimit: props.initialLimit ?? 25,
    params: () => ({ q: props.q, filter: props.filter, object: props.meta.name }),
    fetch: (p) =>
      recordsApi.list(p.params.object, {
        q: p.params.q?.trim() || undefined,
        filter: p.params.filter ?? undefined,
        sort: p.sort,
        limit: p.limit,
        offset: p.offset,
      }),
  });
  props.controller?.({ refetch: () => void list.refetch() });

  const columns = createMemo<Column<Rec>[]>(() =>
    (props.columns ?? props.meta.listColumns)
      .filter((name) => {
        const f = fieldOf(props.meta, name);
        return f ? f.readable : name === 'createdAt' || name === 'updatedAt';
      })
      .map((name) => {
        const f = fieldOf(props.meta, name);
        const numeric = f?.type === 'number' || f?.type === 'money';
        return {
          key: name,
          header: fieldLabel(props.meta, name),
          sortable: f?.type !== 'longText',
          align: numeric ? 'right' : f?.type === 'boolean' ? 'center' : 'left',
          render: (rec: Rec) => {
            const text = displayValue(f, rec, name);
            if (f?.type === 'boolean') return <span class={`badge ${rec[name] ? 'badge-ok' : 'badge-muted'}`}>{text}</span>;
            if (name === props.meta.titleField) return <span class="cell-title">{text}</span>;
            if (f?.type === 'email' && text) return <a href={`mailto:${text}`}>{text}</a>;
            return text;
          },
        } satisfies Column<Rec>;
      }),
  );

  return (
    <>
      <Show when={list.error()}>
        <div class="form-alert" role="alert">
          {errorText(list.error())}
        </div>
      </Show>
      <DataTable
        label={label(props.meta.pluralLabel, props.meta.name)}
        columns={columns()}
        rows={list.rows()}
        total={list.total()}
        loading={list.loading()}
        sort={list.sort()}
        onSort={list.setSort}
        limit={list.limit()}
        offset={list.offset()}
        onPage={list.setPage}
        onOpen={props.onOpen}
        selectedId={props.selectedId}
        rowId={(r) => r.id}
        empty={props.empty ?? (props.q || props.filter ? t('common.noResults') : t('common.empty'))}
        testid={props.testid}
      />
    </>
  );
}
