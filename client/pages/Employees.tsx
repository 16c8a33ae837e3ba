import { Show, createMemo, createResource, createSignal } from 'solid-js';
import { orgApi } from '../api/endpoints';
import type { FilterNode, Rec } from '../api/types';
import { Icon } from '../components/Icons';
import { ObjectTable } from '../components/ObjectTable';
import { RecordDrawer } from '../components/RecordDrawer';
import { RelationSelect } from '../components/RelationSelect';
import { PageHeader } from '../components/Shell';
import { label, t } from '../i18n';
import { debounce } from '../lib/list';
import { useMeta } from '../lib/meta';
import { can } from '../session';

function Superior(props: { employee: Rec }) {
  const [data] = createResource(
    () => props.employee.id,
    (id) => orgApi.superior(id).catch(() => ({ superior: null })),
  );
  return (
    <div class="related-block" data-testid="employee-superior">
      <h3 class="section-title">{t('org.superior')}</h3>
      <Show when={!data.loading} fallback={<span class="skeleton" />}>
        <Show when={data()?.superior} fallback={<p class="muted">{t('org.noSuperior')}</p>}>
          {(s) => (
            <div class="person">
              <span class="avatar" aria-hidden="true">
                {String(s().name ?? '?').slice(-2)}
              </span>
              <div>
                <div class="cell-title">{String(s().name ?? '')}</div>
                <div class="muted small">
                  {[s()._labels?.departmentId, s().mobile, s().email].filter(Boolean).join(' · ')}
                </div>
              </div>
            </div>
          )}
        </Show>
      </Show>
    </div>
  );
}

export function Employees() {
  const meta = useMeta(() => 'employee');
  const [q, setQ] = createSignal('');
  const setQSoon = debounce(setQ, 250);
  const [dept, setDept] = createSignal<{ id: string | null; label: string | null }>({ id: null, label: null });
  const [editing, setEditing] = createSignal<string | null | undefined>(undefined);
  let table: { refetch: () => void } | undefined;

  const filter = createMemo<FilterNode | null>(() => {
    const id = dept().id;
    return id ? { field: 'departmentId', op: 'under', value: id } : null;
  });

  return (
    <div class="page">
      <PageHeader
        title={t('org.employeesTitle')}
        actions={
          <Show when={can('employee', 'create')}>
            <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => setEditing(null)}>
              <Icon name="plus" size={16} />
              {t('record.new', { object: meta() ? label(meta()!.label) : '' })}
            </button>
          </Show>
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
              placeholder={t('org.searchEmployees')}
              data-testid="search"
              onInput={(e) => setQSoon(e.currentTarget.value)}
            />
          </div>
          <div class="toolbar-field">
            <label class="form-label inline" for="employee-dept-filter">
              {t('org.department')}
            </label>
            <div class="toolbar-combo">
              <RelationSelect
                id="employee-dept-filter"
                relation="department"
                value={dept().id}
                label={dept().label}
                placeholder={t('org.allDepartments')}
                testid="department-filter"
                onChange={(id, l) => setDept({ id, label: l })}
              />
            </div>
          </div>
        </div>
        <Show when={meta()}>
          <ObjectTable
            meta={meta()!}
            q={q()}
            filter={filter()}
            onOpen={(r) => setEditing(r.id)}
            controller={(c) => (table = c)}
            testid="employee-table"
          />
        </Show>
      </section>
      <RecordDrawer
        object="employee"
        recordId={editing()}
        defaults={dept().id ? { departmentId: dept().id, active: true, _labels: { departmentId: dept().label } } : { active: true }}
        onClose={() => setEditing(undefined)}
        onSaved={() => table?.refetch()}
        onDeleted={() => table?.refetch()}
        extra={(rec) => <Superior employee={rec} />}
      />
    </div>
  );
}
