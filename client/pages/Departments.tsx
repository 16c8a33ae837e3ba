import { For, Show, createMemo, createResource, createSignal } from 'solid-js';
import { recordsApi } from '../api/endpoints';
import type { FilterNode, Rec } from '../api/types';
import { Icon } from '../components/Icons';
import { ObjectTable } from '../components/ObjectTable';
import { RecordDrawer } from '../components/RecordDrawer';
import { PageHeader } from '../components/Shell';
import { TreeView } from '../components/TreeView';
import { label, t } from '../i18n';
import { displayValue, useMeta } from '../lib/meta';
import { createTreeData } from '../lib/tree';
import { can } from '../session';

export function Departments() {
  const meta = useMeta(() => 'department');
  const empMeta = useMeta(() => 'employee');
  const tree = createTreeData(
    () => meta(),
    (r) => r._labels?.organisationId ?? undefined,
  );
  const [selected, setSelected] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<string | null | undefined>(undefined);
  const [editingEmployee, setEditingEmployee] = createSignal<string | null | undefined>(undefined);
  const [newDefaults, setNewDefaults] = createSignal<Record<string, unknown> | undefined>(undefined);
  const [includeSub, setIncludeSub] = createSignal(true);
  let table: { refetch: () => void } | undefined;

  const [detail, { refetch: refetchDetail, mutate }] = createResource(
    () => selected() ?? false,
    (id) => recordsApi.get('department', id).catch(() => undefined),
  );
  // Tree nodes carry a hint (organisation name); keep it short on the tree itself.
  const parentField = () => meta()?.tree?.parentField ?? 'parentId';

  const employeeFilter = createMemo<FilterNode | null>(() => {
    const id = selected();
    return id ? { field: 'departmentId', op: includeSub() ? 'under' : 'eq', value: id } : null;
  });

  const detailFields = createMemo(() =>
    (meta()?.fields ?? []).filter((f) => f.readable && !['id', 'createdAt', 'updatedAt'].includes(f.name)),
  );

  const openNew = (parent: Rec | null) => {
    const pf = parentField();
    setNewDefaults(
      parent
        ? {
            [pf]: parent.id,
            organisationId: parent.organisationId ?? null,
            _labels: { [pf]: String(parent[meta()?.titleField ?? 'name'] ?? ''), organisationId: parent._labels?.organisationId ?? null },
          }
        : undefined,
    );
    setEditing(null);
  };

  const refresh = () => {
    void tree.refetch();
    void refetchDetail();
    table?.refetch();
  };

  return (
    <div class="page">
      <PageHeader
        title={t('org.departmentsTitle')}
        actions={
          <Show when={can('department', 'create')}>
            <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => openNew(detail() ?? null)}>
              <Icon name="plus" size={16} />
              {t('record.new', { object: meta() ? label(meta()!.label) : '' })}
            </button>
          </Show>
        }
      />
      <div class="split">
        <section class="panel split-side">
          <TreeView
            label={t('org.departmentsTitle')}
            nodes={tree.nodes()}
            loading={tree.loading()}
            selectedId={selected()}
            onSelect={(id) => {
              mutate(undefined);
              setSelected(id);
            }}
            testid="department-tree"
          />
        </section>
        <section class="split-main stack-lg">
          <Show
            when={selected()}
            fallback={
              <div class="panel empty-state large">
                <Icon name="department" size={32} />
                <p>{t('org.selectDepartment')}</p>
              </div>
            }
          >
            <div class="panel">
              <Show when={detail() && meta()} fallback={<div class="form-skeleton"><span class="skeleton" /><span class="skeleton" /></div>}>
                <div class="panel-header">
                  <div>
                    <h2 class="panel-title" data-testid="department-title">
                      {String(detail()![meta()!.titleField] ?? '')}
                    </h2>
                    <Show when={detail()!.code}>
                      <span class="muted small">{String(detail()!.code)}</span>
                    </Show>
                  </div>
                  <div class="page-actions">
                    <Show when={can('department', 'create')}>
                      <button type="button" class="btn" onClick={() => openNew(detail()!)}>
                        {t('org.newChild')}
                      </button>
                    </Show>
                    <Show when={can('department', 'edit') || can('department', 'delete')}>
                      <button type="button" class="btn" data-testid="edit-record" onClick={() => setEditing(detail()!.id)}>
                        {t('common.edit')}
                      </button>
                    </Show>
                  </div>
                </div>
                <dl class="detail-grid">
                  <For each={detailFields()}>
                    {(f) => (
                      <div class="detail-item">
                        <dt>{label(f.label, f.name)}</dt>
                        <dd>{displayValue(f, detail()!) || '—'}</dd>
                      </div>
                    )}
                  </For>
                </dl>
              </Show>
            </div>
            <Show when={empMeta() && can('employee', 'read')}>
              <div class="panel">
                <div class="panel-header">
                  <h2 class="panel-title">{t('org.departmentEmployees')}</h2>
                  <div class="page-actions">
                    <label class="checkbox">
                      <input type="checkbox" checked={includeSub()} onChange={(e) => setIncludeSub(e.currentTarget.checked)} />
                      <span>{t('org.includeSub')}</span>
                    </label>
                    <Show when={can('employee', 'create')}>
                      <button type="button" class="btn" data-testid="new-employee" onClick={() => setEditingEmployee(null)}>
                        <Icon name="plus" size={16} />
                        {t('record.new', { object: label(empMeta()!.label) })}
                      </button>
                    </Show>
                  </div>
                </div>
                <ObjectTable
                  meta={empMeta()!}
                  filter={employeeFilter()}
                  onOpen={(r) => setEditingEmployee(r.id)}
                  controller={(c) => (table = c)}
                  initialLimit={10}
                  testid="department-employees"
                />
              </div>
            </Show>
          </Show>
        </section>
      </div>
      <RecordDrawer
        object="department"
        recordId={editing()}
        defaults={newDefaults()}
        onClose={() => setEditing(undefined)}
        onSaved={(rec, created) => {
          if (created) setSelected(rec.id);
          refresh();
        }}
        onDeleted={(id) => {
          if (selected() === id) setSelected(null);
          void tree.refetch();
        }}
      />
      <RecordDrawer
        object="employee"
        recordId={editingEmployee()}
        defaults={detail() ? { departmentId: detail()!.id, active: true, _labels: { departmentId: String(detail()!.name ?? '') } } : { active: true }}
        onClose={() => setEditingEmployee(undefined)}
        onSaved={() => table?.refetch()}
        onDeleted={() => table?.refetch()}
      />
    </div>
  );
}
