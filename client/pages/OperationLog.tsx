import { For, Match, Show, Switch, createResource, createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import { groupsApi, logsApi, metaApi, recordsApi, usersApi } from '../api/endpoints';
import type { FieldMeta, GroupDto, ObjectMeta, OperationLogEntry, UserDto } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { recordTitle } from '../components/RelationSelect';
import { PageHeader } from '../components/Shell';
import { errorText, formatDateTime, hasKey, label, locale, t, type MessageKey } from '../i18n';
import { groupName } from '../lib/groups';
import { createServerList, debounce, fetchAllPages } from '../lib/list';
import { displayValue, fieldLabel, fieldOf, getMeta } from '../lib/meta';
import { can, me } from '../session';
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

  // ----- Referenced records: titles instead of raw ids -----
  const [groups] = createResource(() =>
    can('group', 'read') ? groupsApi.list().then((r) => r.items).catch(() => [] as GroupDto[]) : Promise.resolve([] as GroupDto[]),
  );
  const [users] = createResource(() =>
    can('user', 'read')
      ? fetchAllPages((limit, offset) => usersApi.list({ sort: 'login', limit, offset })).catch(() => [] as UserDto[])
      : Promise.resolve([] as UserDto[]),
  );
  /** `${object}:${id}` → title; null = gone or not visible (we then show the id). */
  const [titles, setTitles] = createStore<Record<string, string | null>>({});
  const requested = new Set<string>();
  const fetchTitle = async (target: string, id: string, key: string) => {
    try {
      const [meta, rec] = await Promise.all([getMeta(target).catch(() => undefined), recordsApi.get(target, id)]);
      setTitles(key, recordTitle(rec, meta));
    } catch {
      setTitles(key, null);
    }
  };
  /** The title of a referenced record, or undefined while unknown (loading, deleted or hidden). */
  const refTitle = (target: string, id: string): string | undefined => {
    if (target === 'group') {
      const g = groups.latest?.find((x) => x.id === id);
      return g ? groupName(g) : undefined;
    }
    if (target === 'user') {
      const u = users.latest?.find((x) => x.id === id);
      return u ? (u.employeeName ? `${u.employeeName} (${u.login})` : u.login) : undefined;
    }
    const key = `${target}:${id}`;
    const v = titles[key];
    if (v === undefined && !requested.has(key)) {
      requested.add(key);
      void fetchTitle(target, id, key);
    }
    return v ?? undefined;
  };
  const refText = (target: string, id: string) => refTitle(target, id) ?? id;

  // ----- Fields: translated labels and typed values -----
  type Info = { label: string; kind: 'plain' | 'meta' | 'relation' | 'relations' | 'locale' | 'boolean' | 'password' | 'permissions'; target?: string; field?: FieldMeta };
  /** Users and groups are not metadata objects; these are the fields their log entries carry. */
  const SYSTEM_FIELDS: Record<string, Record<string, { key: MessageKey; kind: Info['kind']; target?: string }>> = {
    user: {
      login: { key: 'users.login', kind: 'plain' },
      password: { key: 'users.password', kind: 'password' },
      employeeId: { key: 'users.employee', kind: 'relation', target: 'employee' },
      groupIds: { key: 'users.groups', kind: 'relations', target: 'group' },
      locale: { key: 'users.locale', kind: 'locale' },
      active: { key: 'users.active', kind: 'boolean' },
    },
    group: {
      name: { key: 'groups.name', kind: 'plain' },
      description: { key: 'groups.description', kind: 'plain' },
      permissions: { key: 'groups.permissions', kind: 'permissions' },
      memberIds: { key: 'groups.members', kind: 'relations', target: 'user' },
    },
  };
  const fieldInfo = (obj: string, field: string): Info => {
    const sys = SYSTEM_FIELDS[obj]?.[field];
    if (sys) return { label: t(sys.key), kind: sys.kind, target: sys.target };
    const f = fieldOf(metaOf(obj), field);
    if (f?.type === 'relation' && f.relation) return { label: label(f.label, field), kind: 'relation', target: f.relation, field: f };
    if (f) return { label: label(f.label, field), kind: 'meta', field: f };
    if (field === 'createdAt' || field === 'updatedAt') return { label: fieldLabel(undefined, field), kind: 'plain' };
    return { label: field, kind: 'plain' };
  };

  const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  /** Shows a logged value the way the object's field would show it. */
  const valueText = (obj: string, field: string, v: unknown): string => {
    if (isEmpty(v)) return t('logs.empty');
    const info = fieldInfo(obj, field);
    switch (info.kind) {
      case 'relation':
        return refText(info.target!, String(v));
      case 'relations':
        return (Array.isArray(v) ? v : [v]).map((id) => refText(info.target!, String(id))).join(locale() === 'zh-CN' ? '、' : ', ');
      case 'locale': {
        const key = `lang.${String(v)}`;
        return hasKey(key) ? t(key) : String(v);
      }
      case 'boolean':
        return v ? t('common.yes') : t('common.no');
      case 'password':
        return t('logs.password');
      case 'meta':
        return displayValue(info.field, { id: '', createdAt: '', updatedAt: '', [field]: v }) || String(v);
      default:
        return typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
  };
  /** For a permission change: the objects whose rights differ. */
  const permissionDiff = (ch: { old: unknown; new: unknown }) => {
    const a = (ch.old ?? {}) as Record<string, unknown>;
    const b = (ch.new ?? {}) as Record<string, unknown>;
    const names = Array.from(new Set([...Object.keys(a), ...Object.keys(b)])).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return t('logs.permissionsChanged', { objects: names.map(objectText).join(locale() === 'zh-CN' ? '、' : ', ') || '—' });
  };
  const rawTitle = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? undefined : JSON.stringify(v));

  /** The record column: its title when we can find one, else the (shortened) id. */
  const recordText = (r: OperationLogEntry): { text: string; isId: boolean } => {
    const ch = r.changes ?? {};
    const titleField = metaOf(r.object)?.titleField ?? (r.object === 'user' ? 'login' : 'name');
    const logged = ch[titleField]?.new ?? ch[titleField]?.old;
    const known = r.object === 'user' || r.object === 'group' || metaOf(r.object) ? refTitle(r.object, r.recordId) : undefined;
    const title = known ?? (typeof logged === 'string' && logged ? logged : undefined);
    return title ? { text: title, isId: false } : { text: r.recordId, isId: true };
  };

  const columns = (): Column<OperationLogEntry>[] => [
    { key: 'at', header: t('logs.at'), width: '150px', render: (r) => <span class="nowrap">{formatDateTime(r.at)}</span> },
    { key: 'userLogin', header: t('logs.user'), render: (r) => r.userLogin ?? '—' },
    {
      key: 'action',
      header: t('logs.action'),
      render: (r) => <span class={`badge ${r.action === 'delete' ? 'badge-danger' : r.action === 'create' ? 'badge-ok' : 'badge-info'}`}>{actionText(r.action)}</span>,
    },
    { key: 'object', header: t('logs.object'), render: (r) => <span class="nowrap">{objectText(r.object)}</span> },
    {
      key: 'recordId',
      header: t('logs.record'),
      render: (r) => {
        const rt = () => recordText(r);
        return (
          <Show when={!rt().isId} fallback={<code class="mono truncate id-cell" title={r.recordId}>{r.recordId}</code>}>
            <span class="record-cell" title={r.recordId}>
              {rt().text}
            </span>
          </Show>
        );
      },
    },
    {
      key: 'changes',
      header: t('logs.changes'),
      render: (r) => {
        const entries = Object.entries(r.changes ?? {});
        return (
          <Show when={entries.length > 0} fallback={<span class="muted">{t('logs.noChanges')}</span>}>
            <ul class="changes">
              <For each={entries}>
                {([field, ch]) => {
                  const info = () => fieldInfo(r.object, field);
                  return (
                    <li>
                      <span class="change-field" title={field}>
                        {info().label}
                      </span>
                      <Switch>
                        <Match when={info().kind === 'permissions'}>
                          <span class="change-new">{permissionDiff(ch ?? { old: null, new: null })}</span>
                        </Match>
                        <Match when={r.action === 'create'}>
                          <span class="change-new" title={rawTitle(ch?.new)}>
                            {valueText(r.object, field, ch?.new)}
                          </span>
                        </Match>
                        <Match when={r.action === 'delete'}>
                          <span class="change-value" title={rawTitle(ch?.old)}>
                            {valueText(r.object, field, ch?.old)}
                          </span>
                        </Match>
                        <Match when={true}>
                          <span class="change-old" title={rawTitle(ch?.old)}>
                            {valueText(r.object, field, ch?.old)}
                          </span>
                          <span class="change-arrow" aria-label="→">
                            →
                          </span>
                          <span class="change-new" title={rawTitle(ch?.new)}>
                            {valueText(r.object, field, ch?.new)}
                          </span>
                        </Match>
                      </Switch>
                    </li>
                  );
                }}
              </For>
            </ul>
          </Show>
        );
      },
    },
    { key: 'channel', header: t('logs.channel'), render: (r) => <span class="muted nowrap">{hasKey(`channel.${r.channel}`) ? t(`channel.${r.channel}` as MessageKey) : r.channel}</span> },
  ];

  return (
    <div class="page">
      <PageHeader title={t('logs.operationTitle')} actions={<Show when={me()?.isAdmin}><PurgeControl purge={logsApi.purgeOperations} onDone={() => void list.refetch()} /></Show>} />
      <section class="panel">
        <div class="toolbar">
          <select class="select" aria-label={t('logs.object')} value={object()} onChange={(e) => setObject(e.currentTarget.value)}>
            <option value="">{t('logs.anyObject')}</option>
            <For each={objectChoices()}>{(o) => <option value={o} selected={object() === o}>{objectText(o)}</option>}</For>
          </select>
          <select class="select" aria-label={t('logs.action')} value={action()} onChange={(e) => setAction(e.currentTarget.value)}>
            <option value="">{t('logs.anyAction')}</option>
            <For each={['create', 'update', 'delete'] as const}>{(a) => <option value={a} selected={action() === a}>{actionText(a)}</option>}</For>
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
          empty={object() || action() || recordId() || from() || to() ? t('common.noResults') : t('common.empty')}
          testid="operation-log-table"
        />
      </section>
    </div>
  );
}
