import { useSearchParams } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createResource, createSignal, on } from 'solid-js';
import { createStore } from 'solid-js/store';
import { ApiError, type FieldError } from '../api/client';
import { metaApi } from '../api/endpoints';
import type { FieldInput, FieldMeta, FieldType, Localized, ObjectMeta } from '../api/types';
import { confirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/Icons';
import { Modal } from '../components/Modal';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { errorText, fieldErrorText, hasKey, label, t, type MessageKey } from '../i18n';
import { objects, refreshObjects } from '../lib/objects';
import { me } from '../session';
import { NoAccess } from '../components/NoAccess';

export const FIELD_TYPES: FieldType[] = ['text', 'longText', 'number', 'money', 'percent', 'date', 'dateTime', 'boolean', 'select', 'multiSelect', 'phone', 'email', 'url', 'relation', 'file'];
const NAME_RE = /^[a-z][a-zA-Z0-9]{0,62}$/;

export const typeLabel = (ty: string) => {
  const key = `fieldType.${ty}`;
  return hasKey(key) ? t(key as MessageKey) : ty;
};

function AdminOnly(props: { children: import('solid-js').JSX.Element }) {
  return (
    <Show
      when={me()?.isAdmin}
      fallback={<NoAccess />}
    >
      {props.children}
    </Show>
  );
}

/** `/system/fields` — administrators see every object's fields and manage custom ones. */
export function FieldsPage() {
  return (
    <AdminOnly>
      <FieldsAdmin />
    </AdminOnly>
  );
}

function FieldsAdmin() {
  const [search, setSearch] = useSearchParams();
  const selected = () => (typeof search.object === 'string' && search.object) || objects()[0]?.name || '';
  const [meta, { refetch }] = createResource(
    () => selected() || false,
    async (o) => {
      try {
        return await metaApi.get(o);
      } catch {
        return undefined;
      }
    },
  );
  const [editing, setEditing] = createSignal<FieldMeta | null | undefined>(undefined);

  const remove = async (f: FieldMeta) => {
    const ok = await confirmDialog({
      title: t('fields.deleteTitle', { name: label(f.label, f.name) }),
      body: t('fields.deleteBody'),
      confirmLabel: t('common.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await metaApi.deleteField(selected(), f.name);
      toast(t('common.deleted'));
      refreshObjects();
      void refetch();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  return (
    <div class="page" data-testid="fields-page">
      <PageHeader
        title={t('fields.title')}
        subtitle={t('fields.intro')}
        actions={
          <Show when={meta()}>
            <button type="button" class="btn btn-primary" data-testid="add-field" onClick={() => setEditing(null)}>
              <Icon name="plus" size={16} />
              {t('fields.add')}
            </button>
          </Show>
        }
      />
      <section class="panel">
        <div class="toolbar">
          <div class="toolbar-field">
            <label class="form-label inline" for="fields-object">
              {t('fields.object')}
            </label>
            <select id="fields-object" class="select" data-testid="fields-object" value={selected()} onChange={(e) => setSearch({ object: e.currentTarget.value })}>
              <For each={objects()}>
                {(o) => (
                  <option value={o.name} selected={o.name === selected()}>
                    {label(o.label, o.name)}
                    {o.custom ? ` · ${t('fields.customType')}` : ''}
                  </option>
                )}
              </For>
            </select>
          </div>
        </div>
        <Show when={meta()} fallback={<div class="form-skeleton"><span class="skeleton" /><span class="skeleton" /></div>}>
          <div class="table-scroll">
            <table class="table" aria-label={t('fields.title')} data-testid="fields-table">
              <thead>
                <tr>
                  <th scope="col">{t('fields.label')}</th>
                  <th scope="col">{t('fields.name')}</th>
                  <th scope="col">{t('fields.type')}</th>
                  <th scope="col" class="align-center">{t('fields.required')}</th>
                  <th scope="col" class="align-center">{t('fields.tracked')}</th>
                  <th scope="col" class="align-center">{t('fields.indexed')}</th>
                  <th scope="col">{t('fields.kind')}</th>
                  <th scope="col" class="align-right">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={meta()!.fields.filter((f) => f.name !== 'id')}>
                  {(f) => (
                    <tr data-testid={`field-row-${f.name}`}>
                      <td>
                        <span class="cell-title">{label(f.label, f.name)}</span>
                        <Show when={f.help}>
                          <div class="muted small">{label(f.help)}</div>
                        </Show>
                      </td>
                      <td class="mono small">{f.name}</td>
                      <td>
                        {typeLabel(f.type)}
                        <Show when={f.type === 'relation' && f.relation}>
                          <span class="muted small"> → {label(objects().find((o) => o.name === f.relation)?.label, f.relation)}</span>
                        </Show>
                        <Show when={f.options?.length}>
                          <span class="muted small"> ({f.options!.length})</span>
                        </Show>
                      </td>
                      <td class="align-center">{f.required ? '✓' : ''}</td>
                      <td class="align-center">{f.tracked ? '✓' : ''}</td>
                      <td class="align-center">{f.indexed ? '✓' : ''}</td>
                      <td>
                        <span class={`badge ${f.custom ? 'badge-info' : 'badge-muted'}`}>{f.custom ? t('fields.custom') : t('fields.builtin')}</span>
                      </td>
                      <td class="align-right">
                        <Show when={f.custom} fallback={<span class="muted small">{t('common.readOnly')}</span>}>
                          <span class="row-actions">
                            <button type="button" class="btn btn-sm" data-testid={`edit-field-${f.name}`} onClick={() => setEditing(f)}>
                              {t('common.edit')}
                            </button>
                            <button type="button" class="btn btn-sm btn-danger-ghost" data-testid={`delete-field-${f.name}`} onClick={() => remove(f)}>
                              {t('common.delete')}
                            </button>
                          </span>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </section>
      <FieldDialog
        object={selected()}
        field={editing()}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          refreshObjects();
          void refetch();
        }}
      />
    </div>
  );
}

type OptionDraft = { value: string; en: string; zh: string };
export type FieldDraft = {
  name: string;
  type: FieldType;
  en: string;
  zh: string;
  required: boolean;
  tracked: boolean;
  indexed: boolean;
  helpEn: string;
  helpZh: string;
  target: string;
  options: OptionDraft[];
};

export const emptyField = (): FieldDraft => ({ name: '', type: 'text', en: '', zh: '', required: false, tracked: false, indexed: false, helpEn: '', helpZh: '', target: '', options: [] });

const loc = (en: string, zh: string): Localized => ({ en: en.trim() || zh.trim(), 'zh-CN': zh.trim() || en.trim() });

/** The API body of a field draft. */
export function fieldInput(d: FieldDraft): FieldInput {
  const body: FieldInput = { name: d.name.trim(), type: d.type, label: loc(d.en, d.zh), required: d.required, tracked: d.tracked, indexed: d.indexed };
  if (d.helpEn.trim() || d.helpZh.trim()) body.help = loc(d.helpEn, d.helpZh);
  if (d.type === 'select' || d.type === 'multiSelect') body.options = d.options.map((o) => ({ value: o.value.trim(), label: loc(o.en, o.zh) }));
  if (d.type === 'relation') body.target = d.target;
  return body;
}

/** Client-side checks before the server's, as field errors. */
export function checkField(d: FieldDraft, isNew: boolean, prefix = ''): FieldError[] {
  const errs: FieldError[] = [];
  if (isNew && !d.name.trim()) errs.push({ field: `${prefix}name`, code: 'required' });
  else if (isNew && !NAME_RE.test(d.name.trim())) errs.push({ field: `${prefix}name`, code: 'invalid_format' });
  if (!d.en.trim() && !d.zh.trim()) errs.push({ field: `${prefix}label`, code: 'required' });
  if (isNew && d.type === 'relation' && !d.target) errs.push({ field: `${prefix}target`, code: 'required' });
  if ((d.type === 'select' || d.type === 'multiSelect') && d.options.length === 0) errs.push({ field: `${prefix}options`, code: 'required' });
  d.options.forEach((o, i) => {
    if (!o.value.trim()) errs.push({ field: `${prefix}options.${i}.value`, code: 'required' });
  });
  return errs;
}

/** The editor of one field draft; `isNew` unlocks name, type and relation target. */
export function FieldEditor(props: { draft: FieldDraft; set: (patch: Partial<FieldDraft>) => void; setOption: (i: number, patch: Partial<OptionDraft>) => void; isNew: boolean; errors: FieldError[]; prefix?: string; idPrefix: string }) {
  const p = () => props.prefix ?? '';
  const errs = (name: string) => props.errors.filter((e) => e.field === `${p()}${name}` || e.field.startsWith(`${p()}${name}.`));
  const errView = (name: string) => (
    <Show when={errs(name).length}>
      <div class="field-error">
        <For each={errs(name)}>{(e) => <div>{fieldErrorText(e)}</div>}</For>
      </div>
    </Show>
  );
  const id = (n: string) => `${props.idPrefix}-${n}`;
  const hasOptions = () => props.draft.type === 'select' || props.draft.type === 'multiSelect';
  return (
    <div class="form-grid">
      <div class="form-field" classList={{ 'is-invalid': errs('name').length > 0 }}>
        <label class="form-label" for={id('name')}>
          {t('fields.name')}
          <span class="req" aria-hidden="true">*</span>
        </label>
        <input id={id('name')} class="input mono" data-testid="field-name" disabled={!props.isNew} value={props.draft.name} placeholder={t('fields.namePlaceholder')} onInput={(e) => props.set({ name: e.currentTarget.value })} />
        <div class="field-hint">{t('fields.nameHint')}</div>
        {errView('name')}
      </div>
      <div class="form-field" classList={{ 'is-invalid': errs('type').length > 0 }}>
        <label class="form-label" for={id('type')}>
          {t('fields.type')}
        </label>
        <select id={id('type')} class="select" data-testid="field-type" disabled={!props.isNew} value={props.draft.type} onChange={(e) => props.set({ type: e.currentTarget.value as FieldType })}>
          <For each={FIELD_TYPES}>{(ty) => <option value={ty} selected={ty === props.draft.type}>{typeLabel(ty)}</option>}</For>
        </select>
        {errView('type')}
      </div>
      <div class="form-field" classList={{ 'is-invalid': errs('label').length > 0 }}>
        <label class="form-label" for={id('zh')}>
          {t('fields.labelZh')}
          <span class="req" aria-hidden="true">*</span>
        </label>
        <input id={id('zh')} class="input" lang="zh-CN" data-testid="field-label-zh" value={props.draft.zh} onInput={(e) => props.set({ zh: e.currentTarget.value })} />
        {errView('label')}
      </div>
      <div class="form-field">
        <label class="form-label" for={id('en')}>
          {t('fields.labelEn')}
          <span class="req" aria-hidden="true">*</span>
        </label>
        <input id={id('en')} class="input" lang="en" data-testid="field-label-en" value={props.draft.en} onInput={(e) => props.set({ en: e.currentTarget.value })} />
      </div>
      <Show when={props.draft.type === 'relation'}>
        <div class="form-field" classList={{ 'is-invalid': errs('target').length > 0 }}>
          <label class="form-label" for={id('target')}>
            {t('fields.target')}
            <span class="req" aria-hidden="true">*</span>
          </label>
          <select id={id('target')} class="select" data-testid="field-target" disabled={!props.isNew} value={props.draft.target} onChange={(e) => props.set({ target: e.currentTarget.value })}>
            <option value="">{t('common.select')}</option>
            <For each={objects()}>{(o: ObjectMeta) => <option value={o.name} selected={o.name === props.draft.target}>{label(o.label, o.name)}</option>}</For>
          </select>
          {errView('target')}
        </div>
      </Show>
      <div class="form-field is-wide">
        <span class="form-label">{t('fields.flags')}</span>
        <div class="radio-row">
          <label class="checkbox">
            <input type="checkbox" data-testid="field-required" checked={props.draft.required} onChange={(e) => props.set({ required: e.currentTarget.checked })} />
            <span>{t('fields.required')}</span>
          </label>
          <label class="checkbox">
            <input type="checkbox" data-testid="field-tracked" checked={props.draft.tracked} onChange={(e) => props.set({ tracked: e.currentTarget.checked })} />
            <span>{t('fields.tracked')}</span>
          </label>
          <label class="checkbox">
            <input type="checkbox" data-testid="field-indexed" checked={props.draft.indexed} onChange={(e) => props.set({ indexed: e.currentTarget.checked })} />
            <span>{t('fields.indexed')}</span>
          </label>
        </div>
        <div class="field-hint">{t('fields.flagsHint')}</div>
      </div>
      <Show when={hasOptions()}>
        <div class="form-field is-wide" classList={{ 'is-invalid': errs('options').length > 0 }}>
          <span class="form-label">{t('fields.options')}</span>
          <table class="table table-compact options-table" data-testid="field-options">
            <thead>
              <tr>
                <th scope="col">{t('fields.optionValue')}</th>
                <th scope="col">{t('fields.labelZh')}</th>
                <th scope="col">{t('fields.labelEn')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={props.draft.options}>
                {(o, i) => (
                  <tr>
                    <td>
                      <input class="input input-sm mono" aria-label={t('fields.optionValue')} data-testid={`option-value-${i()}`} value={o.value} onInput={(e) => props.setOption(i(), { value: e.currentTarget.value })} />
                    </td>
                    <td>
                      <input class="input input-sm" lang="zh-CN" aria-label={t('fields.labelZh')} data-testid={`option-zh-${i()}`} value={o.zh} onInput={(e) => props.setOption(i(), { zh: e.currentTarget.value })} />
                    </td>
                    <td>
                      <input class="input input-sm" lang="en" aria-label={t('fields.labelEn')} data-testid={`option-en-${i()}`} value={o.en} onInput={(e) => props.setOption(i(), { en: e.currentTarget.value })} />
                    </td>
                    <td class="nowrap">
                      <button type="button" class="icon-button icon-button-sm" aria-label={t('list.moveUp', { column: o.value })} disabled={i() === 0} onClick={() => {
                        const list = [...props.draft.options];
                        [list[i() - 1], list[i()]] = [list[i()], list[i() - 1]];
                        props.set({ options: list });
                      }}>
                        <Icon name="up" size={14} />
                      </button>
                      <button type="button" class="icon-button icon-button-sm" aria-label={t('fields.removeOption')} onClick={() => props.set({ options: props.draft.options.filter((_, j) => j !== i()) })}>
                        <Icon name="close" size={14} />
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <div>
            <button type="button" class="btn btn-sm" data-testid="add-option" onClick={() => props.set({ options: [...props.draft.options, { value: '', en: '', zh: '' }] })}>
              <Icon name="plus" size={14} />
              {t('fields.addOption')}
            </button>
          </div>
          {errView('options')}
        </div>
      </Show>
      <div class="form-field">
        <label class="form-label" for={id('helpZh')}>
          {t('fields.helpZh')}
        </label>
        <input id={id('helpZh')} class="input" lang="zh-CN" value={props.draft.helpZh} onInput={(e) => props.set({ helpZh: e.currentTarget.value })} />
      </div>
      <div class="form-field">
        <label class="form-label" for={id('helpEn')}>
          {t('fields.helpEn')}
        </label>
        <input id={id('helpEn')} class="input" lang="en" value={props.draft.helpEn} onInput={(e) => props.set({ helpEn: e.currentTarget.value })} />
      </div>
    </div>
  );
}

function draftOf(f: FieldMeta): FieldDraft {
  return {
    name: f.name,
    type: f.type,
    en: f.label.en,
    zh: f.label['zh-CN'],
    required: f.required,
    tracked: !!f.tracked,
    indexed: !!f.indexed,
    helpEn: f.help?.en ?? '',
    helpZh: f.help?.['zh-CN'] ?? '',
    target: f.relation ?? '',
    options: (f.options ?? []).map((o) => ({ value: o.value, en: o.label.en, zh: o.label['zh-CN'] })),
  };
}

/** Add (field === null) or edit a custom field. */
function FieldDialog(props: { object: string; field: FieldMeta | null | undefined; onClose: () => void; onSaved: () => void }) {
  const [draft, setDraft] = createStore<FieldDraft>(emptyField());
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const isNew = () => props.field === null;
  createEffect(
    on(
      () => props.field,
      (f) => {
        if (f === undefined) return;
        setDraft(f ? draftOf(f) : emptyField());
        setErrors([]);
        setError(null);
      },
    ),
  );
  const objLabel = createMemo(() => label(objects().find((o) => o.name === props.object)?.label, props.object));

  const submit = async (e: Event) => {
    e.preventDefault();
    const local = checkField(draft, isNew());
    setErrors(local);
    if (local.length) {
      setError(t('error.validation_failed'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = fieldInput(draft);
      if (isNew()) await metaApi.addField(props.object, body);
      else {
        const { name: _n, type: _t, target: _g, ...patch } = body;
        await metaApi.updateField(props.object, draft.name, patch);
      }
      toast(isNew() ? t('fields.added') : t('common.saved'));
      props.onSaved();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.field !== undefined}
      onClose={props.onClose}
      size="lg"
      title={isNew() ? t('fields.addTo', { object: objLabel() }) : t('fields.editTitle', { name: label(props.field?.label, props.field?.name ?? '') })}
      testid="field-dialog"
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="field-form" class="btn btn-primary" data-testid="field-save" disabled={busy()}>
            {busy() ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form id="field-form" novalidate onSubmit={submit}>
        <Show when={error()}>
          <div class="form-alert" role="alert" data-testid="field-error">
            {error()}
          </div>
        </Show>
        <FieldEditor
          draft={draft}
          set={(patch) => setDraft(patch)}
          setOption={(i, patch) => setDraft('options', i, patch)}
          isNew={isNew()}
          errors={errors()}
          idPrefix="fd"
        />
      </form>
    </Modal>
  );
}
