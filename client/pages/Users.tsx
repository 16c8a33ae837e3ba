import { For, Show, createResource, createSignal, createUniqueId } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { groupsApi, usersApi, type UserInput } from '../api/endpoints';
import type { GroupDto, Locale, UserDto } from '../api/types';
import { confirmDialog } from '../components/ConfirmDialog';
import { DataTable, type Column } from '../components/DataTable';
import { FormField, errorsFor } from '../components/FormField';
import { Icon } from '../components/Icons';
import { Drawer, Modal } from '../components/Modal';
import { RelationSelect } from '../components/RelationSelect';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { LOCALES, errorText, formatDateTime, t } from '../i18n';
import { groupDescription, groupName } from '../lib/groups';
import { createServerList, debounce } from '../lib/list';
import { can } from '../session';

function UserDrawer(props: { user: UserDto | null; groups: GroupDto[]; onClose: () => void; onSaved: () => void }) {
  const id = createUniqueId();
  const isNew = () => !props.user;
  const [login, setLogin] = createSignal(props.user?.login ?? '');
  const [password, setPassword] = createSignal('');
  const [employee, setEmployee] = createSignal<{ id: string | null; label: string | null }>({
    id: props.user?.employeeId ?? null,
    label: props.user?.employeeName ?? null,
  });
  const [groupIds, setGroupIds] = createSignal<string[]>(props.user?.groupIds ?? []);
  const [locale, setLocaleValue] = createSignal<Locale | ''>(props.user?.locale ?? '');
  const [active, setActive] = createSignal(props.user?.active ?? true);
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [alert, setAlert] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    setAlert(null);
    const body: UserInput = {
      employeeId: employee().id,
      groupIds: groupIds(),
      locale: locale() || null,
      active: active(),
    };
    try {
      if (isNew()) await usersApi.create({ ...body, login: login().trim(), password: password() });
      else await usersApi.update(props.user!.id, body);
      toast(isNew() ? t('common.created') : t('common.saved'));
      props.onSaved();
      props.onClose();
    } catch (ex) {
      if (ex instanceof ApiError && ex.fields.length) setErrors(ex.fields);
      setAlert(errorText(ex));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      onClose={props.onClose}
      title={isNew() ? t('users.new') : t('users.edit', { login: props.user!.login })}
      size="lg"
      testid="user-drawer"
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={id} class="btn btn-primary" data-testid="form-save" disabled={busy()}>
            {busy() ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form id={id} class="record-form" onSubmit={submit} novalidate>
        <Show when={alert()}>
          <div class="form-alert" role="alert">
            {alert()}
          </div>
        </Show>
        <div class="form-grid">
          <FormField id={`${id}-login`} label={t('users.login')} required={isNew()} errors={errorsFor(errors(), 'login')}>
            <Show when={isNew()} fallback={<div class="static-value" id={`${id}-login`}>{props.user!.login}</div>}>
              <input
                id={`${id}-login`}
                class="input"
                autocomplete="off"
                data-testid="field-login"
                value={login()}
                onInput={(e) => setLogin(e.currentTarget.value)}
              />
            </Show>
          </FormField>
          <Show when={isNew()}>
            <FormField id={`${id}-password`} label={t('users.password')} required hint={t('password.hint')} errors={errorsFor(errors(), 'password')}>
              <input
                id={`${id}-password`}
                class="input"
                type="password"
                autocomplete="new-password"
                data-testid="field-password"
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </FormField>
          </Show>
          <FormField id={`${id}-employee`} label={t('users.employee')} errors={errorsFor(errors(), 'employeeId')}>
            <RelationSelect
              id={`${id}-employee`}
              relation="employee"
              value={employee().id}
              label={employee().label}
              testid="field-employeeId"
              onChange={(v, l) => setEmployee({ id: v, label: l })}
            />
          </FormField>
          <FormField id={`${id}-locale`} label={t('users.locale')} errors={errorsFor(errors(), 'locale')}>
            <select id={`${id}-locale`} class="select" value={locale()} onChange={(e) => setLocaleValue(e.currentTarget.value as Locale | '')}>
              <option value="">{t('users.localeDefault')}</option>
              <For each={LOCALES}>{(l) => <option value={l} selected={locale() === l}>{t(`lang.${l}`)}</option>}</For>
            </select>
          </FormField>
          <fieldset class="form-field is-wide fieldset" classList={{ 'is-invalid': errorsFor(errors(), 'groupIds').length > 0 }}>
            <legend class="form-label">{t('users.groups')}</legend>
            <div class="check-grid">
              <For each={props.groups}>
                {(g) => (
                  <label class="checkbox" title={groupDescription(g) || undefined}>
                    <input
                      type="checkbox"
                      checked={groupIds().includes(g.id)}
                      onChange={(e) =>
                        setGroupIds(e.currentTarget.checked ? [...groupIds(), g.id] : groupIds().filter((x) => x !== g.id))
                      }
                    />
                    <span>{groupName(g)}</span>
                  </label>
                )}
              </For>
            </div>
          </fieldset>
          <div class="form-field is-checkbox">
            <label class="checkbox">
              <input type="checkbox" checked={active()} data-testid="field-active" onChange={(e) => setActive(e.currentTarget.checked)} />
              <span>{t('users.active')}</span>
            </label>
          </div>
        </div>
      </form>
    </Drawer>
  );
}

function ResetPasswordDialog(props: { user: UserDto; onClose: () => void }) {
  const id = createUniqueId();
  const [password, setPassword] = createSignal('');
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password().length < 8) {
      setErrors([{ field: 'password', code: 'too_small_length', params: { min: 8 } }]);
      return;
    }
    setBusy(true);
    try {
      await usersApi.update(props.user.id, { password: password() });
      toast(t('users.passwordReset'));
      props.onClose();
    } catch (ex) {
      if (ex instanceof ApiError && ex.fields.length) setErrors(ex.fields);
      else toast(errorText(ex), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      onClose={props.onClose}
      title={t('users.resetPasswordFor', { login: props.user.login })}
      size="sm"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={id} class="btn btn-primary" disabled={busy()}>
            {t('users.resetPassword')}
          </button>
        </>
      }
    >
      <form id={id} onSubmit={submit} novalidate>
        <FormField id={`${id}-pw`} label={t('password.new')} hint={t('password.hint')} errors={errorsFor(errors(), 'password')}>
          <input id={`${id}-pw`} class="input" type="password" autocomplete="new-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
        </FormField>
      </form>
    </Modal>
  );
}

export function Users() {
  const [q, setQ] = createSignal('');
  const setQSoon = debounce(setQ, 250);
  const [editing, setEditing] = createSignal<UserDto | null | undefined>(undefined);
  const [resetting, setResetting] = createSignal<UserDto | null>(null);
  const [groups] = createResource(() => (can('group', 'read') ? groupsApi.list().then((r) => r.items).catch(() => [] as GroupDto[]) : Promise.resolve([] as GroupDto[])));
  const groupLabel = (gid: string) => {
    const g = groups.latest?.find((x) => x.id === gid);
    return g ? groupName(g) : '';
  };

  const list = createServerList<UserDto, { q: string }>({
    initialSort: 'login',
    params: () => ({ q: q() }),
    fetch: (p) => usersApi.list({ q: p.params.q || undefined, sort: p.sort, limit: p.limit, offset: p.offset }),
  });

  const toggleActive = async (u: UserDto) => {
    if (u.active) {
      const ok = await confirmDialog({ title: t('users.disableTitle', { login: u.login }), body: t('users.disableBody'), confirmLabel: t('users.disable'), danger: true });
      if (!ok) return;
    }
    try {
      await usersApi.update(u.id, { active: !u.active });
      toast(u.active ? t('users.disabled', { login: u.login }) : t('users.enabled', { login: u.login }));
      void list.refetch();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const columns = (): Column<UserDto>[] => [
    { key: 'login', header: t('users.login'), sortable: true, render: (u) => <span class="cell-title">{u.login}</span> },
    { key: 'employeeName', header: t('users.employee'), render: (u) => u.employeeName ?? '—' },
    {
      key: 'groupIds',
      header: t('users.groups'),
      render: (u) => (
        <div class="chips">
          <For each={u.groupIds.filter((g) => groupLabel(g))} fallback={<span class="muted">—</span>}>{(g) => <span class="chip">{groupLabel(g)}</span>}</For>
        </div>
      ),
    },
    { key: 'locale', header: t('users.locale'), render: (u) => (u.locale ? t(`lang.${u.locale}`) : t('users.localeDefault')) },
    {
      key: 'active',
      header: t('users.status'),
      render: (u) => <span class={`badge ${u.active ? 'badge-ok' : 'badge-muted'}`}>{u.active ? t('common.active') : t('common.inactive')}</span>,
    },
    { key: 'lastLoginAt', header: t('users.lastLogin'), sortable: true, render: (u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt) : t('users.never')) },
    {
      key: 'actions',
      header: t('common.actions'),
      align: 'right',
      render: (u) => (
        <Show when={can('user', 'edit')}>
          <div class="row-actions">
            <button type="button" class="btn btn-sm btn-ghost" onClick={() => setResetting(u)}>
              {t('users.resetPassword')}
            </button>
            <button type="button" class="btn btn-sm btn-ghost" data-testid="toggle-active" onClick={() => toggleActive(u)}>
              {u.active ? t('users.disable') : t('users.enable')}
            </button>
          </div>
        </Show>
      ),
    },
  ];

  return (
    <div class="page">
      <PageHeader
        title={t('users.title')}
        actions={
          <Show when={can('user', 'create')}>
            <button type="button" class="btn btn-primary" data-testid="new-record" onClick={() => setEditing(null)}>
              <Icon name="plus" size={16} />
              {t('users.new')}
            </button>
          </Show>
        }
      />
      <section class="panel">
        <div class="toolbar">
          <div class="search-box">
            <Icon name="search" size={16} />
            <input class="input" type="search" aria-label={t('common.search')} placeholder={t('users.search')} data-testid="search" onInput={(e) => setQSoon(e.currentTarget.value)} />
          </div>
        </div>
        <Show when={list.error()}>
          <div class="form-alert" role="alert">
            {errorText(list.error())}
          </div>
        </Show>
        <DataTable
          label={t('users.title')}
          columns={columns()}
          rows={list.rows()}
          total={list.total()}
          loading={list.loading()}
          sort={list.sort()}
          onSort={list.setSort}
          limit={list.limit()}
          offset={list.offset()}
          onPage={list.setPage}
          onOpen={(u) => setEditing(u)}
          empty={q() ? t('common.noResults') : t('common.empty')}
          testid="user-table"
        />
      </section>
      <Show when={editing() !== undefined}>
        <UserDrawer user={editing() ?? null} groups={groups.latest ?? []} onClose={() => setEditing(undefined)} onSaved={() => void list.refetch()} />
      </Show>
      <Show when={resetting()}>{(u) => <ResetPasswordDialog user={u()} onClose={() => setResetting(null)} />}</Show>
    </div>
  );
}
