import { A, useNavigate } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { ApiError, type FieldError } from '../api/client';
import { metaApi } from '../api/endpoints';
import { Icon } from '../components/Icons';
import { Modal } from '../components/Modal';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { errorText, fieldErrorText, formatNumber, label, t } from '../i18n';
import { customObjects, refreshObjects } from '../lib/objects';
import { me } from '../session';
import { FieldEditor, checkField, emptyField, fieldInput, type FieldDraft } from './Fields';
import { NoAccess } from '../components/NoAccess';
import { confirmDialog } from '../components/ConfirmDialog';
import type { ObjectMeta } from '../api/types';

/** `/system/business-types` — administrators define custom business types. */
export function BusinessTypesPage() {
  const [creating, setCreating] = createSignal(false);
  const removeType = async (o: ObjectMeta) => {
    const ok = await confirmDialog({ title: t('types.deleteTitle', { name: label(o.pluralLabel, o.name) }), body: t('types.deleteBody'), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await metaApi.deleteObject(o.name);
      toast(t('common.deleted'));
      refreshObjects();
    } catch (e) {
      toast(e instanceof ApiError && e.code === 'conflict' ? t('types.inUse') : errorText(e), 'error');
    }
  };
  return (
    <Show
      when={me()?.isAdmin}
      fallback={<NoAccess />}
    >
      <div class="page" data-testid="business-types-page">
        <PageHeader
          title={t('types.title')}
          subtitle={t('types.intro')}
          actions={
            <button type="button" class="btn btn-primary" data-testid="new-business-type" onClick={() => setCreating(true)}>
              <Icon name="plus" size={16} />
              {t('types.new')}
            </button>
          }
        />
        <section class="panel">
          <Show when={customObjects().length > 0} fallback={<div class="empty-state" role="status">{t('types.empty')}</div>}>
            <div class="table-scroll">
              <table class="table" aria-label={t('types.title')} data-testid="business-types-table">
                <thead>
                  <tr>
                    <th scope="col">{t('types.label')}</th>
                    <th scope="col">{t('fields.name')}</th>
                    <th scope="col" class="align-right">{t('types.fieldCount')}</th>
                    <th scope="col" class="align-right">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={customObjects()}>
                    {(o) => (
                      <tr data-testid={`business-type-${o.name}`}>
                        <td>
                          <span class="cell-title">{label(o.pluralLabel, o.name)}</span>
                        </td>
                        <td class="mono small">{o.name}</td>
                        <td class="align-right">{formatNumber(o.fields.filter((f) => f.custom).length)}</td>
                        <td class="align-right">
                          <span class="row-actions">
                            <A class="btn btn-sm" href={`/records/${o.name}`}>
                              {t('types.openList')}
                            </A>
                            <A class="btn btn-sm" href={`/system/fields?object=${o.name}`}>
                              {t('types.editFields')}
                            </A>
                            <button type="button" class="btn btn-sm btn-danger-ghost" data-testid={`delete-type-${o.name}`} onClick={() => void removeType(o)}>
                              {t('common.delete')}
                            </button>
                          </span>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </section>
        <NewTypeDialog open={creating()} onClose={() => setCreating(false)} />
      </div>
    </Show>
  );
}

type TypeDraft = { name: string; en: string; zh: string; pluralEn: string; pluralZh: string; fields: FieldDraft[] };
const emptyType = (): TypeDraft => ({ name: '', en: '', zh: '', pluralEn: '', pluralZh: '', fields: [] });

function NewTypeDialog(props: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [draft, setDraft] = createStore<TypeDraft>(emptyType());
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const errs = (name: string) => errors().filter((e) => e.field === name);

  const close = () => {
    setDraft(emptyType());
    setErrors([]);
    setError(null);
    props.onClose();
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldError[] = [];
    if (!/^[a-z][a-zA-Z0-9]{0,62}$/.test(draft.name.trim())) local.push({ field: 'name', code: draft.name.trim() ? 'invalid_format' : 'required' });
    if (!draft.en.trim() && !draft.zh.trim()) local.push({ field: 'label', code: 'required' });
    draft.fields.forEach((f, i) => local.push(...checkField(f, true, `fields.${i}.`)));
    setErrors(local);
    if (local.length) {
      setError(t('error.validation_failed'));
      return;
    }
    setBusy(true);
    setError(null);
    const loc = (en: string, zh: string) => ({ en: en.trim() || zh.trim(), 'zh-CN': zh.trim() || en.trim() });
    try {
      const created = await metaApi.createObject({
        name: draft.name.trim(),
        label: loc(draft.en, draft.zh),
        pluralLabel: loc(draft.pluralEn || draft.en, draft.pluralZh || draft.zh),
        fields: draft.fields.length ? draft.fields.map(fieldInput) : undefined,
      });
      toast(t('types.created', { name: label(created.label, created.name) }));
      refreshObjects();
      close();
      navigate(`/records/${created.name}`);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const errView = (name: string) => (
    <Show when={errs(name).length}>
      <div class="field-error">
        <For each={errs(name)}>{(x) => <div>{fieldErrorText(x)}</div>}</For>
      </div>
    </Show>
  );

  return (
    <Modal
      open={props.open}
      onClose={close}
      size="lg"
      title={t('types.new')}
      testid="business-type-dialog"
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="type-form" class="btn btn-primary" data-testid="business-type-save" disabled={busy()}>
            {busy() ? t('common.saving') : t('common.create')}
          </button>
        </>
      }
    >
      <form id="type-form" novalidate onSubmit={submit} class="stack">
        <Show when={error()}>
          <div class="form-alert" role="alert" data-testid="business-type-error">
            {error()}
          </div>
        </Show>
        <div class="form-grid">
          <div class="form-field is-wide" classList={{ 'is-invalid': errs('name').length > 0 }}>
            <label class="form-label" for="bt-name">
              {t('fields.name')}
              <span class="req" aria-hidden="true">*</span>
            </label>
            <input id="bt-name" class="input mono" data-testid="type-name" placeholder={t('types.namePlaceholder')} value={draft.name} onInput={(e) => setDraft('name', e.currentTarget.value)} />
            <div class="field-hint">{t('fields.nameHint')}</div>
            {errView('name')}
          </div>
          <div class="form-field" classList={{ 'is-invalid': errs('label').length > 0 }}>
            <label class="form-label" for="bt-zh">
              {t('types.labelZh')}
              <span class="req" aria-hidden="true">*</span>
            </label>
            <input id="bt-zh" class="input" lang="zh-CN" data-testid="type-label-zh" value={draft.zh} onInput={(e) => setDraft('zh', e.currentTarget.value)} />
            {errView('label')}
          </div>
          <div class="form-field">
            <label class="form-label" for="bt-en">
              {t('types.labelEn')}
              <span class="req" aria-hidden="true">*</span>
            </label>
            <input id="bt-en" class="input" lang="en" data-testid="type-label-en" value={draft.en} onInput={(e) => setDraft('en', e.currentTarget.value)} />
          </div>
          <div class="form-field">
            <label class="form-label" for="bt-pzh">
              {t('types.pluralZh')}
            </label>
            <input id="bt-pzh" class="input" lang="zh-CN" placeholder={draft.zh} value={draft.pluralZh} onInput={(e) => setDraft('pluralZh', e.currentTarget.value)} />
          </div>
          <div class="form-field">
            <label class="form-label" for="bt-pen">
              {t('types.pluralEn')}
            </label>
            <input id="bt-pen" class="input" lang="en" placeholder={draft.en} value={draft.pluralEn} onInput={(e) => setDraft('pluralEn', e.currentTarget.value)} />
          </div>
        </div>
        <p class="muted small">{t('types.commonFields')}</p>
        <h3 class="section-title">{t('types.firstFields')}</h3>
        <For each={draft.fields}>
          {(_, i) => (
            <fieldset class="fieldset type-field" data-testid={`type-field-${i()}`}>
              <legend>
                {t('types.fieldN', { n: i() + 1 })}
                <button type="button" class="btn btn-sm btn-danger-ghost" onClick={() => setDraft('fields', (l) => l.filter((__, j) => j !== i()))}>
                  {t('common.delete')}
                </button>
              </legend>
              <FieldEditor
                draft={draft.fields[i()]}
                set={(patch) => setDraft('fields', i(), patch)}
                setOption={(j, patch) => setDraft('fields', i(), 'options', j, patch)}
                isNew
                errors={errors()}
                prefix={`fields.${i()}.`}
                idPrefix={`bt-f${i()}`}
              />
            </fieldset>
          )}
        </For>
        <div>
          <button type="button" class="btn btn-sm" data-testid="type-add-field" onClick={() => setDraft('fields', produce((l) => l.push(emptyField())))}>
            <Icon name="plus" size={14} />
            {t('fields.add')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
