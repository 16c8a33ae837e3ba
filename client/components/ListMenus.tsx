import { For, Show, createEffect, createResource, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { ApiError } from '../api/client';
import { foldersApi, viewsApi } from '../api/endpoints';
import type { Folder, SavedView, ViewConfig } from '../api/types';
import { errorText, fieldErrorText, formatNumber, label, t } from '../i18n';
import { confirmDialog } from './ConfirmDialog';
import { Icon } from './Icons';
import { Modal } from './Modal';
import { toast } from './Toasts';

/** A popover anchored under its button that closes on an outside click or Escape. */
export function Dropdown(props: { label: JSX.Element; testid: string; class?: string; align?: 'left' | 'right'; children: (close: () => void) => JSX.Element; buttonClass?: string; title?: string }) {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  const onDoc = (e: MouseEvent) => {
    const el = e.target as HTMLElement;
    if (open() && !root.contains(el) && !el.closest('.dialog-backdrop')) setOpen(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  return (
    <div
      class="chooser-anchor"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open()) {
          e.preventDefault();
          setOpen(false);
          root.querySelector<HTMLElement>('button')?.focus();
        }
      }}
    >
      <button type="button" class={props.buttonClass ?? 'btn'} data-testid={props.testid} title={props.title} aria-haspopup="dialog" aria-expanded={open()} onClick={() => setOpen(!open())}>
        {props.label}
      </button>
      <Show when={open()}>
        <div class={`popover menu-popover ${props.class ?? ''}`} classList={{ 'popover-left': props.align === 'left' }} role="dialog" data-testid={`${props.testid}-panel`}>
          {props.children(() => setOpen(false))}
        </div>
      </Show>
    </div>
  );
}

/** Asks for a name (and optionally "shared"); used to save, rename and create. */
export function NameDialog(props: {
  open: boolean;
  title: string;
  initial?: string;
  withShared?: boolean;
  initialShared?: boolean;
  submitLabel?: string;
  testid: string;
  onClose: () => void;
  onSubmit: (name: string, shared: boolean) => Promise<void>;
}) {
  const [name, setName] = createSignal('');
  const [shared, setShared] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(
    on(
      () => props.open,
      (o) => {
        if (!o) return;
        setName(props.initial ?? '');
        setShared(!!props.initialShared);
        setError(null);
      },
    ),
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name().trim()) {
      setError(t('field.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(name().trim(), shared());
      props.onClose();
    } catch (err) {
      setError(err instanceof ApiError && err.fields.length ? err.fields.map((f) => fieldErrorText(f, f.field === 'name' ? t('views.name') : undefined)).join(' ') : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const formId = `${props.testid}-form`;
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={props.title}
      size="sm"
      testid={props.testid}
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={formId} class="btn btn-primary" data-testid={`${props.testid}-submit`} disabled={busy()}>
            {busy() ? t('common.saving') : props.submitLabel ?? t('common.save')}
          </button>
        </>
      }
    >
      <form id={formId} class="stack" onSubmit={submit}>
        <Show when={error()}>
          <div class="form-alert" role="alert">
            {error()}
          </div>
        </Show>
        <div class="form-field">
          <label class="form-label" for={`${formId}-name`}>
            {t('views.name')}
          </label>
          <input id={`${formId}-name`} class="input" maxLength={100} data-autofocus data-testid={`${props.testid}-name`} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <Show when={props.withShared}>
          <label class="checkbox">
            <input type="checkbox" checked={shared()} data-testid={`${props.testid}-shared`} onChange={(e) => setShared(e.currentTarget.checked)} />
            <span>{t('views.sharedToggle')}</span>
          </label>
        </Show>
      </form>
    </Modal>
  );
}

export const viewName = (v: SavedView) => (v.nameLabel ? label(v.nameLabel, v.name) : v.name);

/**
 * Query favourites (built-in, own, shared) and saved views of a list: choose to apply, save the
 * current filter or the whole view, rename / share / delete own ones.
 */
export function ViewsMenu(props: {
  object: string;
  activeId: string | null;
  current: () => ViewConfig;
  onApply: (v: SavedView) => void;
  onSaved: (v: SavedView) => void;
  onDeleted: (id: string) => void;
}) {
  const [items, { refetch }] = createResource(
    () => props.object,
    async (o) => {
      try {
        return (await viewsApi.list(o)).items;
      } catch {
        return [] as SavedView[];
      }
    },
  );
  const [dialog, setDialog] = createSignal<null | { kind: 'query' | 'view' } | { rename: SavedView }>(null);
  const queries = () => (items() ?? []).filter((v) => v.kind === 'query');
  const views = () => (items() ?? []).filter((v) => v.kind === 'view');
  const active = () => (items() ?? []).find((v) => v.id === props.activeId);

  const remove = async (v: SavedView) => {
    if (!(await confirmDialog({ title: t('common.deleteTitle', { name: viewName(v) }), body: t('common.deleteBody'), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await viewsApi.remove(v.id);
      toast(t('common.deleted'));
      props.onDeleted(v.id);
      void refetch();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  const toggleShare = async (v: SavedView) => {
    try {
      await viewsApi.update(v.id, { shared: !v.shared });
      toast(v.shared ? t('views.unshared') : t('views.shared'));
      void refetch();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const row = (v: SavedView, close: () => void) => (
    <li class="view-item" classList={{ 'is-active': v.id === props.activeId }} data-testid="favourite-item" data-view-id={v.id}>
      <button
        type="button"
        class="view-apply"
        onClick={() => {
          props.onApply(v);
          close();
        }}
      >
        <span class="view-name">{viewName(v)}</span>
        <Show when={v.builtin}>
          <span class="badge badge-muted">{t('views.builtin')}</span>
        </Show>
        <Show when={!v.builtin && v.shared}>
          <span class="badge badge-info">{v.mine ? t('views.sharedBadge') : v.owner?.login ?? t('views.sharedBadge')}</span>
        </Show>
      </button>
      <Show when={v.mine}>
        <span class="view-actions">
          <button type="button" class="icon-button icon-button-sm" title={t('views.rename')} aria-label={t('views.renameNamed', { name: v.name })} data-testid="favourite-rename" onClick={() => setDialog({ rename: v })}>
            ✎
          </button>
          <button type="button" class="icon-button icon-button-sm" title={v.shared ? t('views.unshare') : t('views.share')} aria-label={v.shared ? t('views.unshare') : t('views.share')} aria-pressed={v.shared} data-testid="favourite-share" onClick={() => void toggleShare(v)}>
            <Icon name="globe" size={14} />
          </button>
          <button type="button" class="icon-button icon-button-sm" title={t('common.delete')} aria-label={t('views.deleteNamed', { name: v.name })} data-testid="favourite-delete" onClick={() => void remove(v)}>
            <Icon name="close" size={14} />
          </button>
        </span>
      </Show>
    </li>
  );

  const d = () => dialog();
  return (
    <>
      <Dropdown
        testid="favourites"
        class="views-popover"
        align="left"
        label={
          <>
            <Icon name="check" size={16} />
            <span class="views-current">{active() ? viewName(active()!) : t('views.favourites')}</span>
            <Icon name="chevron" size={14} />
          </>
        }
      >
        {(close) => (
          <>
            <div class="popover-section">
              <div class="menu-header">{t('views.queries')}</div>
              <Show when={queries().length} fallback={<p class="muted small pad">{t('views.noQueries')}</p>}>
                <ul class="view-list">
                  <For each={queries()}>{(v) => row(v, close)}</For>
                </ul>
              </Show>
            </div>
            <div class="popover-section">
              <div class="menu-header">{t('views.views')}</div>
              <Show when={views().length} fallback={<p class="muted small pad">{t('views.noViews')}</p>}>
                <ul class="view-list">
                  <For each={views()}>{(v) => row(v, close)}</For>
                </ul>
              </Show>
            </div>
            <div class="popover-foot">
              <button type="button" class="btn btn-sm" data-testid="save-favourite" onClick={() => { close(); setDialog({ kind: 'query' }); }}>
                {t('views.saveFavourite')}
              </button>
              <button type="button" class="btn btn-sm" data-testid="save-view" onClick={() => { close(); setDialog({ kind: 'view' }); }}>
                {t('views.saveView')}
              </button>
              <Show when={active()?.mine && active()?.kind === 'view'}>
                <button
                  type="button"
                  class="btn btn-sm btn-primary"
                  data-testid="update-view"
                  onClick={async () => {
                    close();
                    try {
                      const v = await viewsApi.update(active()!.id, { config: props.current() });
                      toast(t('common.saved'));
                      props.onSaved(v);
                      void refetch();
                    } catch (e) {
                      toast(errorText(e), 'error');
                    }
                  }}
                >
                  {t('views.updateView')}
                </button>
              </Show>
            </div>
          </>
        )}
      </Dropdown>
      <NameDialog
        open={!!d()}
        testid={d() && 'rename' in d()! ? 'rename-view-dialog' : 'save-view-dialog'}
        title={(() => {
          const x = d();
          if (!x) return '';
          if ('rename' in x) return t('views.rename');
          return x.kind === 'query' ? t('views.saveFavourite') : t('views.saveView');
        })()}
        initial={(() => {
          const x = d();
          return x && 'rename' in x ? x.rename.name : '';
        })()}
        withShared
        initialShared={(() => {
          const x = d();
          return x && 'rename' in x ? x.rename.shared : false;
        })()}
        onClose={() => setDialog(null)}
        onSubmit={async (name, shared) => {
          const x = d();
          if (!x) return;
          let v: SavedView;
          if ('rename' in x) v = await viewsApi.update(x.rename.id, { name, shared });
          else {
            const cur = props.current();
            const config: ViewConfig = x.kind === 'query' ? (cur.filter ? { filter: cur.filter, ...(cur.q ? { q: cur.q } : {}) } : cur.q ? { q: cur.q } : {}) : cur;
            v = await viewsApi.create({ object: props.object, kind: x.kind, name, shared, config });
          }
          toast(t('common.saved'));
          props.onSaved(v);
          void refetch();
        }}
      />
    </>
  );
}

/** The user's favourite folders of an object; shared by the list's Folders menu and "Add to folder". */
export function useFolders(object: () => string) {
  const [folders, { refetch }] = createResource(object, async (o) => {
    try {
      return (await foldersApi.list(o)).items;
    } catch {
      return [] as Folder[];
    }
  });
  return { folders: () => folders() ?? [], refetch: () => void refetch() };
}

/** "Folders" on a list: open one as the list, create, rename, delete. */
export function FoldersMenu(props: { object: string; activeId: string | null; version?: number; onOpen: (f: Folder | null) => void }) {
  const f = useFolders(() => `${props.object}`);
  createEffect(on(() => props.version, () => f.refetch(), { defer: true }));
  const [dialog, setDialog] = createSignal<null | { create: true } | { rename: Folder }>(null);
  const active = () => f.folders().find((x) => x.id === props.activeId);
  const remove = async (x: Folder) => {
    if (!(await confirmDialog({ title: t('common.deleteTitle', { name: x.name }), body: t('folders.deleteBody'), confirmLabel: t('common.delete'), danger: true }))) return;
    try {
      await foldersApi.remove(x.id);
      toast(t('common.deleted'));
      if (x.id === props.activeId) props.onOpen(null);
      f.refetch();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  const d = () => dialog();
  return (
    <>
      <Dropdown
        testid="folders"
        class="views-popover"
        label={
          <>
            <Icon name="category" size={16} />
            <span class="views-current">{active() ? active()!.name : t('folders.title')}</span>
          </>
        }
      >
        {(close) => (
          <>
            <div class="popover-section">
              <div class="menu-header">{t('folders.title')}</div>
              <Show when={f.folders().length} fallback={<p class="muted small pad">{t('folders.none')}</p>}>
                <ul class="view-list">
                  <For each={f.folders()}>
                    {(x) => (
                      <li class="view-item" classList={{ 'is-active': x.id === props.activeId }} data-testid="folder-item">
                        <button type="button" class="view-apply" data-testid="folder-open" onClick={() => { props.onOpen(x); close(); }}>
                          <span class="view-name">{x.name}</span>
                          <span class="badge badge-muted">{formatNumber(x.count)}</span>
                        </button>
                        <span class="view-actions">
                          <button type="button" class="icon-button icon-button-sm" title={t('views.rename')} aria-label={t('views.renameNamed', { name: x.name })} data-testid="folder-rename" onClick={() => setDialog({ rename: x })}>
                            ✎
                          </button>
                          <button type="button" class="icon-button icon-button-sm" title={t('common.delete')} aria-label={t('views.deleteNamed', { name: x.name })} data-testid="folder-delete" onClick={() => void remove(x)}>
                            <Icon name="close" size={14} />
                          </button>
                        </span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </div>
            <div class="popover-foot">
              <button type="button" class="btn btn-sm" data-testid="folder-create" onClick={() => { close(); setDialog({ create: true }); }}>
                <Icon name="plus" size={14} />
                {t('folders.new')}
              </button>
              <Show when={props.activeId}>
                <button type="button" class="btn btn-sm btn-ghost" data-testid="folder-leave" onClick={() => { props.onOpen(null); close(); }}>
                  {t('folders.showAll')}
                </button>
              </Show>
            </div>
          </>
        )}
      </Dropdown>
      <NameDialog
        open={!!d()}
        testid="folder-dialog"
        title={d() && 'rename' in d()! ? t('folders.rename') : t('folders.new')}
        initial={(() => {
          const x = d();
          return x && 'rename' in x ? x.rename.name : '';
        })()}
        onClose={() => setDialog(null)}
        onSubmit={async (name) => {
          const x = d();
          if (!x) return;
          if ('rename' in x) await foldersApi.rename(x.rename.id, name);
          else await foldersApi.create(props.object, name);
          toast(t('common.saved'));
          f.refetch();
        }}
      />
    </>
  );
}

/** "Add to folder": picks one of the user's folders (or creates one) and adds the records. */
export function AddToFolder(props: { object: string; ids: () => string[]; onDone?: () => void; buttonClass?: string; testid?: string }) {
  const f = useFolders(() => props.object);
  const [creating, setCreating] = createSignal(false);
  const add = async (folder: Folder) => {
    try {
      const r = await foldersApi.add(folder.id, props.ids());
      toast(t('folders.added', { count: formatNumber(props.ids().length), folder: r.name }));
      f.refetch();
      props.onDone?.();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <>
      <Dropdown testid={props.testid ?? 'add-to-folder'} buttonClass={props.buttonClass ?? 'btn btn-sm'} class="views-popover" align="left" label={<>{t('folders.addTo')}</>}>
        {(close) => (
          <>
            <Show when={f.folders().length} fallback={<p class="muted small pad">{t('folders.none')}</p>}>
              <ul class="view-list">
                <For each={f.folders()}>
                  {(x) => (
                    <li class="view-item">
                      <button type="button" class="view-apply" data-testid="add-to-folder-item" onClick={() => { close(); void add(x); }}>
                        <span class="view-name">{x.name}</span>
                        <span class="badge badge-muted">{formatNumber(x.count)}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <div class="popover-foot">
              <button type="button" class="btn btn-sm" data-testid="add-to-new-folder" onClick={() => { close(); setCreating(true); }}>
                <Icon name="plus" size={14} />
                {t('folders.new')}
              </button>
            </div>
          </>
        )}
      </Dropdown>
      <NameDialog
        open={creating()}
        testid="folder-dialog"
        title={t('folders.new')}
        onClose={() => setCreating(false)}
        onSubmit={async (name) => {
          const folder = await foldersApi.create(props.object, name);
          await add(folder);
        }}
      />
    </>
  );
}
