import { Show, createSignal } from 'solid-js';
import type { FilterNode } from '../api/types';
import { Icon } from '../components/Icons';
import { ObjectTable } from '../components/ObjectTable';
import { RecordDrawer } from '../components/RecordDrawer';
import { PageHeader } from '../components/Shell';
import { TreeView } from '../components/TreeView';
import { label, t } from '../i18n';
import { debounce } from '../lib/list';
import { useMeta } from '../lib/meta';
import { createTreeData } from '../lib/tree';
import { can } from '../session';

export function Organisations() {
  const meta = useMeta(() => 'organisation');
  const tree = createTreeData(() => meta());
  const [selected, setSelected] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<string | null | undefined>(undefined);
  const [q, setQ] = createSignal('');
  const setQSoon = debounce(setQ, 250);
  let table: { refetch: () => void } | undefined;

  const filter = (): FilterNode | null => {
    const id = selected();
    const parentField = meta()?.tree?.parentField ?? 'parentId';
    return id ? { field: parentField, op: 'under', value: id } : null;
  };
  const refresh = () => {
    void tree.refetch();
    table?.refetch();
  };

  return (
    <div class="page">
      <PageHeader
        title={t('org.organisationsTitle')}
        subtitle={t('org.organisationsIntro')}
        actions={
          <Show when={can('organisation', 'create')}>
            <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => setEditing(null)}>
              <Icon name="plus" size={16} />
              {t('record.new', { object: meta() ? label(meta()!.label) : '' })}
            </button>
          </Show>
        }
      />
      <div class="split">
        <section class="panel split-side">
          <TreeView
            label={t('org.organisationsTitle')}
            nodes={tree.nodes()}
            loading={tree.loading()}
            selectedId={selected()}
            onSelect={setSelected}
            allLabel={t('org.allOrganisations')}
            testid="org-tree"
          />
        </section>
        <section class="panel split-main">
          <div class="toolbar">
            <div class="search-box">
              <Icon name="search" size={16} />
              <input
                class="input"
                type="search"
                aria-label={t('common.search')}
                placeholder={t('common.searchPlaceholder')}
                data-testid="search"
                onInput={(e) => setQSoon(e.currentTarget.value)}
              />
            </div>
          </div>
          <Show when={meta()}>
            <ObjectTable
              meta={meta()!}
              q={q()}
              filter={filter()}
              onOpen={(r) => setEditing(r.id)}
              controller={(c) => (table = c)}
              testid="org-table"
            />
          </Show>
        </section>
      </div>
      <RecordDrawer
        object="organisation"
        recordId={editing()}
        defaults={selected() ? { [meta()?.tree?.parentField ?? 'parentId']: selected(), _labels: { [meta()?.tree?.parentField ?? 'parentId']: tree.nodes().find((n) => n.id === selected())?.label ?? null } } : undefined}
        onClose={() => setEditing(undefined)}
        onSaved={refresh}
        onDeleted={(id) => {
          if (selected() === id) setSelected(null);
          refresh();
        }}
      />
    </div>
  );
}
