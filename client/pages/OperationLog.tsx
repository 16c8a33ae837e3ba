import { For, Show, createResource, createSignal } from 'solid-js';
import { logsApi, metaApi } from '../api/endpoints';
import type { ObjectMeta, OperationLogEntry } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { PageHeader } from '../components/Shell';
import { errorText, formatDateTime, hasKey, label, t } from '../i18n';
import { createServerList, debounce } from '../lib/list';
import { displayValue, fieldOf } from '../lib/meta';
import { me } from '../session';
import { DateRange, PurgeControl, dayToIso } from './LoginLog';

const OBJECTS = ['organisation', 'department', 'employee', 'user', 'group'];

export function OperationLog() {
  const [object, setObject] = createSignal('');
  const [action, setAction] = createSignal('');
  const [recordId, setRecordId] = createSignal('');
  const setRecordIdSoon = debounce(setRecordId, 300);
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  const [metas] = createResource(() => metaApi.list().then((r) => r.items).catch(() => [] as ObjectMeta[]));
  const metaOf = (name: string) => metas.latest?.find((m) => m.name === name);

  const objectText = (name: string) => {
    const m = metaOf(name);
    if (m) return label(m.label);
    const key = `object.${name}`;
    return hasKey(key) ? t(key) : name;
  };
  const actionText = (a: string) => {
    const key = `action.${a}`;
    return hasKey(key) ? t(key) : a;
  };
  const objectChoices = () => Array.from(new Set([...OBJECTS, ...(metas.latest ?? []).map((m) => m.name)])).filter((o) => o !== 'loginLog' && o !== 'operationLog');

  const list = createServerList<OperationLogEntry, Record<string, string>>({
    initialSort: '-at',
    params: () => ({ object: object(), action: action(), recordId: recordId().trim(), from: from(), to: to() }),
    fetch: (p) =>
      logsApi.operations({
        object: p.params.object || undefined,
        action: p.params.action || undefined,
        recordId: p.params.recordId || undefined,
        from: dayToIso(p.params.from),
        to: dayToIso(p.params.to, true),
        limit: p.limit,
        offset: p.offset,
      }),
  });

  /** Shows a logged value the way the object's field would show it. */
  const valueText = (obj: string, field: string, v: unknown) => {
    if (v === null || v === undefined || v === '') return t('logs.empty');
    const f = fieldOf(metaOf(obj), field);
    if (f && f.type !== 'relation') return displayValue(f, { id: '', createdAt: '', updatedAt: '', [field]: v });
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  const fieldText = (obj: string, field: string) => label(fieldOf(metaOf(obj), field)?.label, field);

  const columns = (): Column<OperationLogEntry>[] => [
    { key: 'at', header: t('logs.at'), width: '150px', render: (r) => <span class="nowrap">{formatDateTime(r.at)}</span> },
    { key: 'userLogin', header: t('logs.user'), render: (r) => r.userLogin ?? '—' },
    {
      key: 'action',
      header: t('logs.action'),
      render: (r) => <span class={`badge ${r.action === 'delete' ? 'badge-danger' : r.action === 'create' ? 'badge-ok' : 'badge-info'}`}>{actionText(r.action)}</span>,
    },
    { key: 'object', header: t('logs.object'), render: (r) => objectText(r.object) },
    { key: 'recordId', header: t('logs.record'), render: (r) => <code class="mono truncate" title={r.recordId}>{r.recordId}</code> },
    {
      key: 'changes',
      header: t('logs.changes'),
      render: (r) => {
        const entries = Object.entries(r.changes ?? {});
        return (
          <Show when={entries.length > 0} fallback={<span class="muted">{t('logs.noChanges')}</span>}>
            <ul class="changes">
              <For each={entries}>
                {([field, ch]) => (
                  <li>
                    <span class="change-field">{fieldText(r.object, field)}</span>
                    <span class="change-old">{valueText(r.object, field, ch?.old)}</span>
                    <span class="change-arrow" aria-label="→">
                      →
                    </span>
                    <span class="change-new">{valueText(r.object, field, ch?.new)}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        );
      },
    },
    { key: 'channel', header: t('logs.channel'), render: (r) => <span class="muted">{r.channel}</span> },
  ];

  return (
    <div class="page">
      <PageHeader title={t('logs.operationTitle')} actions={<Show when={me()?.isAdmin}><PurgeControl purge={logsApi.purgeOperations} onDone={() => void list.refetch()} /></Show>} />
      <section class="panel">
        <div class="toolbar">
          <select class="select" aria-label={t('logs.object')} value={object()} onChange={(e) => setObject(e.currentTarget.value)}>
            <option value="">{t('logs.anyObject')}</option>
            <For each={objectChoices()}>{(o) => <option value={o}>{objectText(o)}</option>}</For>
          </select>
          <select class="select" aria-label={t('logs.action')} value={action()} onChange={(e) => setAction(e.currentTarget.value)}>
            <option value="">{t('logs.anyAction')}</option>
            <For each={['create', 'update', 'delete'] as const}>{(a) => <option value={a}>{actionText(a)}</option>}</For>
          </select>
          <input class="input input-id" type="search" aria-label={t('logs.recordId')} placeholder={t('logs.recordId')} onInput={(e) => setRecordIdSoon(e.currentTarget.value)} />
          <DateRange from={from()} to={to()} onFrom={setFrom} onTo={setTo} />
        </div>
        <Show when={list.error()}>
          <div class="form-alert" role="alert">
            {errorText(list.error())}
          </div>
        </Show>
        <DataTable
          label={t('logs.operationTitle')}
          columns={columns()}
          rows={list.rows()}
          total={list.total()}
          loading={list.loading()}
          limit={list.limit()}
          offset={list.offset()}
          onPage={list.setPage}
          testid="operation-log-table"
        />
      </section>
    </div>
  );
}
