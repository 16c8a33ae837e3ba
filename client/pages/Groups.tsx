import { For, Show, createEffect, createMemo, createResource, createSignal, createUniqueId, on } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { ApiError, type FieldError } from '../api/client';
import { groupsApi, usersApi } from '../api/endpoints';
import type { Action, GroupDto, GroupPermission, Level, UserDto } from '../api/types';
import type { GroupInput } from '../api/endpoints';
import { confirmDialog } from '../components/ConfirmDialog';
import { FormField, errorsFor } from '../components/FormField';
import { Icon } from '../components/Icons';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { errorText, fieldErrorText, label, locale, t } from '../i18n';
import { groupDescription, groupName } from '../lib/groups';
import { fetchAllPages } from '../lib/list';
import { can } from '../session';

type Draft = {
  name: string;
  description: string;
  permissions: { [object: string]: GroupPermission };
  memberIds: string[];
};

const ACTIONS: Action[] = ['create', 'read', 'edit', 'delete', 'export'];
const LEVELS: Level[] = ['all', 'department', 'own', 'none'];

function emptyDraft(): Draft {
  return { name: '', description: '', permissions: {}, memberIds: [] };
}

/** Built-in groups show (and edit) their translated defaults; an untouched translation is not sent back. */
function toDraft(g: GroupDto): Draft {
  return {
    name: groupName(g),
    description: groupDescription(g),
    permissions: JSON.parse(JSON.stringify(g.permissions ?? {})) as Draft['permissions'],
    memberIds: [...(g.memberIds ?? [])],
  };
}

export function Groups() {
  const [groups, { refetch }] = createResource(() => groupsApi.list().then((r) => r.items));
  const [catalog] = createResource(() => groupsApi.catalog());
  const [users] = createResource(() =>
    can('user', 'read') ? fetchAllPages((limit, offset) => usersApi.list({ sort: 'login', limit, offset })).catch(() => [] as UserDto[]) : Promise.resolve([] as UserDto[]),
  );
  const [selected, setSelected] = createSignal<string | 'new' | null>(null);
  const [draft, setDraft] = createStore<Draft>(emptyDraft());
  const [dirty, setDirty] = createSignal(false);
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [alert, setAlert] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [expanded, setExpanded] = createSignal<string | null>(null);
  const uid = createUniqueId();

  const current = createMemo(() => {
    const s = selected();
    return s && s !== 'new' ? groups.latest?.find((g) => g.id === s) ?? null : null;
  });
  const levels = () => catalog.latest?.levels ?? LEVELS;
  const actions = () => catalog.latest?.actions ?? ACTIONS;
  const mayEdit = () => (selected() === 'new' ? can('group', 'create') : can('group', 'edit'));
  /** The server keeps the administrators' rights complete and refuses any change to them. */
  const permLocked = () => current()?.builtin === 'administrators';
  const mayEditPerms = () => mayEdit() && !permLocked();

  // Switching the language re-renders the translated built-in name/description, unless the user is editing.
  createEffect(
    on(locale, () => {
      const g = current();
      if (g && !dirty()) setDraft(reconcile(toDraft(g)));
    }, { defer: true }),
  );

  const select = async (id: string | 'new') => {
    if (dirty()) {
      const ok = await confirmDialog({ title: t('common.unsavedTitle'), confirmLabel: t('common.confirm'), danger: true });
      if (!ok) return;
    }
    setSelected(id);
    setErrors([]);
    setAlert(null);
    setDirty(false);
    setExpanded(null);
    const g = id === 'new' ? null : groups.latest?.find((x) => x.id === id);
    setDraft(reconcile(g ? toDraft(g) : emptyDraft()));
    // On narrow screens the editor sits below the list: bring it into view.
    if (window.matchMedia('(max-width: 900px)').matches) {
      queueMicrotask(() => document.getElementById(uid)?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
    }
  };

  const edit = (fn: (d: Draft) => void) => {
    setDraft(produce(fn));
    setDirty(true);
  };
  const levelOf = (object: string, action: Action): Level => draft.permissions[object]?.[action] ?? 'none';
  const setLevel = (object: string, action: Action, level: Level) =>
    edit((d) => {
      d.permissions[object] = { ...(d.permissions[object] ?? {}), [action]: level };
    });
  const denied = (object: string, kind: 'read' | 'edit', field: string) => !!draft.permissions[object]?.deny?.[kind]?.includes(field);
  const toggleDeny = (object: string, kind: 'read' | 'edit', field: string, on: boolean) =>
    edit((d) => {
      const p = (d.permissions[object] ??= {});
      const deny = (p.deny ??= {});
      const list = new Set(deny[kind] ?? []);
      if (on) list.add(field);
      else list.delete(field);
      deny[kind] = [...list];
    });
  const denyCount = (object: string) => (draft.permissions[object]?.deny?.read?.length ?? 0) + (draft.permissions[object]?.deny?.edit?.length ?? 0);

  const userLabel = (id: string) => {
    const u = users.latest?.find((x) => x.id === id);
    return u ? (u.employeeName ? `${u.employeeName} (${u.login})` : u.login) : id;
  };
  const nonMembers = () => (users.latest ?? []).filter((u) => !draft.memberIds.includes(u.id));

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    setAlert(null);
    const g = current();
    const name = draft.name.trim();
    const description = draft.description.trim();
    const body: GroupInput & { name: string } = { name, memberIds: [...draft.memberIds] };
    // A built-in group whose shown (translated) text is untouched keeps its stored default.
    if (g && name === groupName(g)) delete (body as GroupInput).name;
    if (!g || description !== groupDescription(g).trim()) body.description = description;
    if (!permLocked()) body.permissions = JSON.parse(JSON.stringify(draft.permissions)) as Draft['permissions'];
    try {
      const saved = selected() === 'new' ? await groupsApi.create(body) : await groupsApi.update(selected()!, body as GroupInput);
      toast(selected() === 'new' ? t('common.created') : t('common.saved'));
      setDirty(false);
      await refetch();
      setSelected(saved.id);
      setDraft(reconcile(toDraft(saved)));
    } catch (ex) {
      if (ex instanceof ApiError && ex.code === 'conflict' && ex.fields.some((f) => f.field === 'memberIds')) {
        setAlert(t('groups.cannotRemoveSelf'));
        return;
      }
      if (ex instanceof ApiError && ex.fields.length) setErrors(ex.fields);
      setAlert(errorText(ex));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const g = current();
    if (!g) return;
    const ok = await confirmDialog({ title: t('common.deleteTitle', { name: groupName(g) }), body: t('common.deleteBody'), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await groupsApi.remove(g.id);
      toast(t('common.deleted'));
      setDirty(false);
      setSelected(null);
      void refetch();
    } catch (ex) {
      toast(ex instanceof ApiError && ex.code === 'conflict' ? t('groups.builtinNoDelete') : errorText(ex), 'error');
    }
  };

  const permErrors = () => errors().filter((e) => e.field.startsWith('permissions'));

  return (
    <div class="page">
      <PageHeader
        title={t('groups.title')}
        actions={
          <Show when={can('group', 'create')}>
            <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => select('new')}>
              <Icon name="plus" size={16} />
              {t('groups.new')}
            </button>
          </Show>
        }
      />
      <div class="split">
        <section class="panel split-side">
          <ul class="list-nav" aria-label={t('groups.title')}>
            <For each={groups.latest ?? []} fallback={<Show when={!groups.loading}><li class="muted list-empty">{groups.error ? errorText(groups.error) : t('groups.empty')}</li></Show>}>
              {(g) => (
                <li>
                  <button
                    type="button"
                    class="list-nav-item"
                    classList={{ 'is-selected': selected() === g.id }}
                    aria-current={selected() === g.id ? 'true' : undefined}
                    data-testid="row"
                    onClick={() => select(g.id)}
                  >
                    <span class="list-nav-title">
                      {groupName(g)}
                      <Show when={g.builtin}>
                        <span class="badge badge-info">{t('groups.builtin')}</span>
                      </Show>
                    </span>
                    <span class="muted small">{t('groups.memberCount', { count: g.memberIds?.length ?? 0 })}</span>
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={groups.loading && !groups.latest}>
            <div class="tree-skeleton">
              <span class="skeleton" />
              <span class="skeleton" />
            </div>
          </Show>
        </section>
        <section class="split-main">
          <Show
            when={selected()}
            fallback={
              <div class="panel empty-state large">
                <Icon name="group" size={32} />
                <p>{t('groups.select')}</p>
              </div>
            }
          >
            <form class="panel stack-lg" id={uid} onSubmit={save} novalidate>
              <div class="panel-header">
                <h2 class="panel-title">{selected() === 'new' ? t('groups.new') : current() ? groupName(current()!) : ''}</h2>
                <div class="page-actions">
                  <Show when={dirty()}>
                    <span class="badge badge-warn">{t('groups.unsaved')}</span>
                  </Show>
                  <Show when={current() && !current()!.builtin && can('group', 'delete')}>
                    <button type="button" class="btn btn-danger-ghost" data-testid="form-delete" onClick={remove}>
                      {t('common.delete')}
                    </button>
                  </Show>
                  <Show when={mayEdit()}>
                    <button type="submit" class="btn btn-primary" data-testid="form-save" disabled={busy()}>
                      {busy() ? t('common.saving') : t('common.save')}
                    </button>
                  </Show>
                </div>
              </div>
              <Show when={alert()}>
                <div class="form-alert" role="alert">
                  {alert()}
                </div>
              </Show>
              <div class="form-grid">
                <FormField
                  id={`${uid}-name`}
                  label={t('groups.name')}
                  required
                  hint={current()?.builtin && mayEdit() ? t('groups.builtinNameHint') : undefined}
                  errors={errorsFor(errors(), 'name')}
                >
                  <input
                    id={`${uid}-name`}
                    class="input"
                    data-testid="field-name"
                    disabled={!mayEdit()}
                    value={draft.name}
                    onInput={(e) => edit((d) => void (d.name = e.currentTarget.value))}
                  />
                </FormField>
                <FormField id={`${uid}-desc`} label={t('groups.description')} errors={errorsFor(errors(), 'description')} wide>
                  <textarea
                    id={`${uid}-desc`}
                    class="textarea"
                    rows={2}
                    disabled={!mayEdit()}
                    value={draft.description}
                    onInput={(e) => edit((d) => void (d.description = e.currentTarget.value))}
                  />
                </FormField>
              </div>

              <div>
                <h3 class="section-title">{t('groups.members')}</h3>
                <div class="chips">
                  <For each={draft.memberIds} fallback={<span class="muted">{t('groups.noMembers')}</span>}>
                    {(mid) => (
                      <span class="chip chip-removable">
                        {userLabel(mid)}
                        <Show when={mayEdit()}>
                          <button
                            type="button"
                            class="chip-remove"
                            aria-label={`${t('groups.remove')} ${userLabel(mid)}`}
                            onClick={() => edit((d) => void (d.memberIds = d.memberIds.filter((x) => x !== mid)))}
                          >
                            ×
                          </button>
                        </Show>
                      </span>
                    )}
                  </For>
                </div>
                <Show when={mayEdit() && nonMembers().length > 0}>
                  <select
                    class="select add-member"
                    aria-label={t('groups.addMember')}
                    value=""
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      if (v) edit((d) => void d.memberIds.push(v));
                      e.currentTarget.value = '';
                    }}
                  >
                    <option value="">{t('groups.addMember')}</option>
                    <For each={nonMembers()}>{(u) => <option value={u.id}>{userLabel(u.id)}</option>}</For>
                  </select>
                </Show>
                <Show when={errorsFor(errors(), 'memberIds').length > 0}>
                  <div class="field-error">{errorsFor(errors(), 'memberIds').map((e) => fieldErrorText(e)).join(' ')}</div>
                </Show>
              </div>

              <div>
                <h3 class="section-title">{t('groups.permissions')}</h3>
                <Show when={permLocked()}>
                  <div class="form-info matrix-note" role="note" data-testid="admin-perm-note">
                    {t('groups.adminLocked')}
                  </div>
                </Show>
                <Show when={permErrors().length > 0}>
                  <div class="form-alert" role="alert">
                    <For each={permErrors()}>
                      {(fe) => {
                        const obj = catalog.latest?.objects.find((o) => o.name === fe.field.split('.')[1]);
                        const where = obj ? label(obj.label, obj.name) : t('groups.permissions');
                        return <div>{`${where}: ${fieldErrorText(fe, where)}`}</div>;
                      }}
                    </For>
                  </div>
                </Show>
                <div class="table-scroll">
                  <table class="table matrix" data-testid="permission-matrix">
                    <thead>
                      <tr>
                        <th scope="col">{t('groups.object')}</th>
                        <For each={actions()}>{(a) => <th scope="col">{t(`action.${a}`)}</th>}</For>
                        <th scope="col">{t('groups.fieldDeny')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={catalog.latest?.objects ?? []}>
                        {(obj) => (
                          <>
                            <tr>
                              <th scope="row" class="matrix-object">
                                {label(obj.label, obj.name)}
                              </th>
                              <For each={actions()}>
                                {(a) => (
                                  <td>
                                    <select
                                      class={`select select-sm level level-${levelOf(obj.name, a)}`}
                                      aria-label={`${label(obj.label, obj.name)} · ${t(`action.${a}`)}`}
                                      disabled={!mayEditPerms()}
                                      data-testid={`perm-${obj.name}-${a}`}
                                      value={levelOf(obj.name, a)}
                                      onChange={(e) => setLevel(obj.name, a, e.currentTarget.value as Level)}
                                    >
                                      <For each={levels()}>{(l) => <option value={l} selected={levelOf(obj.name, a) === l}>{t(`level.${l}`)}</option>}</For>
                                    </select>
                                  </td>
                                )}
                              </For>
                              <td>
                                <Show when={obj.fields.length > 0}>
                                  <button
                                    type="button"
                                    class="btn btn-sm btn-ghost"
                                    aria-expanded={expanded() === obj.name}
                                    onClick={() => setExpanded(expanded() === obj.name ? null : obj.name)}
                                  >
                                    {denyCount(obj.name) > 0 ? t('groups.restrictedFields', { count: denyCount(obj.name) }) : t('groups.fieldDeny')}
                                    <span aria-hidden="true">{expanded() === obj.name ? ' ▴' : ' ▾'}</span>
                                  </button>
                                </Show>
                              </td>
                            </tr>
                            <Show when={expanded() === obj.name}>
                              <tr class="matrix-detail">
                                <td colSpan={actions().length + 2}>
                                  <p class="muted small">{t('groups.fieldDenyHint')}</p>
                                  <table class="table table-compact deny-table">
                                    <thead>
                                      <tr>
                                        <th scope="col">{t('groups.field')}</th>
                                        <th scope="col">{t('groups.denyRead')}</th>
                                        <th scope="col">{t('groups.denyEdit')}</th>
                                      </tr>
                                    </thead>
                                    <tbody>
                                      <For each={obj.fields}>
                                        {(f) => (
                                          <tr>
                                            <td>{label(f.label, f.name)}</td>
                                            <For each={['read', 'edit'] as const}>
                                              {(kind) => (
                                                <td>
                                                  <input
                                                    type="checkbox"
                                                    disabled={!mayEditPerms()}
                                                    aria-label={`${label(f.label, f.name)} · ${kind === 'read' ? t('groups.denyRead') : t('groups.denyEdit')}`}
                                                    checked={denied(obj.name, kind, f.name)}
                                                    onChange={(e) => toggleDeny(obj.name, kind, f.name, e.currentTarget.checked)}
                                                  />
                                                </td>
                                              )}
                                            </For>
                                          </tr>
                                        )}
                                      </For>
                                    </tbody>
                                  </table>
                                </td>
                              </tr>
                            </Show>
                          </>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </div>
            </form>
          </Show>
        </section>
      </div>
    </div>
  );
}
