import { useNavigate } from '@solidjs/router';
import { For, Show, createResource, createSignal } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { filesApi, recordsApi } from '../api/endpoints';
import type { FileRef, Rec } from '../api/types';
import { errorText, fieldErrorText, formatDate, formatNumber, t } from '../i18n';
import { fieldLabel, getMeta } from '../lib/meta';
import { todayIso } from '../lib/filters';
import { can } from '../session';
import { Modal } from './Modal';
import { RecordForm } from './RecordForm';
import { RelationSelect } from './RelationSelect';
import { toast } from './Toasts';

const MAX_PICTURE = 10 * 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** A product's pictures: upload (images only), thumbnails from /api/files/:id, remove. */
export function PictureGallery(props: { object: string; record: Rec; field?: string; disabled?: boolean; onChange: (rec: Rec) => void }) {
  const name = () => props.field ?? 'pictures';
  const pictures = (): FileRef[] => (Array.isArray(props.record[name()]) ? (props.record[name()] as FileRef[]) : []);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [preview, setPreview] = createSignal<FileRef | null>(null);

  const store = async (list: FileRef[]) => props.onChange(await recordsApi.update(props.object, props.record.id, { [name()]: list }));
  const upload = async (files: FileList | null) => {
    if (!files?.length) return;
    setError(null);
    const chosen = Array.from(files);
    for (const f of chosen) {
      if (!IMAGE_TYPES.includes(f.type)) return void setError(t('pictures.wrongType', { name: f.name }));
      if (f.size > MAX_PICTURE) return void setError(t('pictures.tooBig', { name: f.name, max: '10 MB' }));
    }
    if (pictures().length + chosen.length > 20) return void setError(t('pictures.tooMany', { max: 20 }));
    setBusy(true);
    try {
      const refs: FileRef[] = [];
      for (const f of chosen) refs.push(await filesApi.upload(f, true));
      await store([...pictures(), ...refs]);
      toast(t('pictures.uploaded', { count: formatNumber(refs.length) }));
    } catch (e) {
      const fe = e instanceof ApiError ? e.fields.find((x) => x.field === 'file') : undefined;
      setError(fe?.code === 'invalid_format' ? t('pictures.wrongType', { name: chosen[0].name }) : fe?.code === 'too_big' ? t('pictures.tooBig', { name: chosen[0].name, max: '10 MB' }) : e instanceof ApiError && e.code === 'payload_too_large' ? t('pictures.tooBig', { name: chosen[0].name, max: '10 MB' }) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (p: FileRef) => {
    setBusy(true);
    try {
      await store(pictures().filter((x) => x.id !== p.id));
      toast(t('pictures.removed'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="gallery" data-testid="picture-gallery" aria-label={t('pictures.title')}>
      <div class="gallery-head">
        <h3 class="section-title">{t('pictures.title')}</h3>
        <span class="muted small">{t('pictures.hint')}</span>
        <span class="spacer" />
        <Show when={!props.disabled}>
          <label class="btn btn-sm" classList={{ 'is-disabled': busy() }}>
            {busy() ? t('common.saving') : t('pictures.upload')}
            <input type="file" class="visually-hidden" accept="image/png,image/jpeg,image/gif,image/webp" multiple data-testid="picture-upload" disabled={busy()} onChange={(e) => { void upload(e.currentTarget.files); e.currentTarget.value = ''; }} />
          </label>
        </Show>
      </div>
      <Show when={error()}>
        <div class="form-alert" role="alert" data-testid="picture-error">
          {error()}
        </div>
      </Show>
      <Show when={pictures().length} fallback={<p class="muted small">{t('pictures.none')}</p>}>
        <ul class="gallery-grid">
          <For each={pictures()}>
            {(p) => (
              <li class="gallery-item" data-testid="picture">
                <button type="button" class="gallery-thumb" aria-label={t('pictures.open', { name: p.name })} onClick={() => setPreview(p)}>
                  <img src={filesApi.url(p.id)} alt={p.name} loading="lazy" />
                </button>
                <div class="gallery-caption small">
                  <span class="gallery-name" title={p.name}>{p.name}</span>
                  <Show when={!props.disabled}>
                    <button type="button" class="link-button" data-testid="picture-remove" aria-label={t('pictures.removeNamed', { name: p.name })} onClick={() => void remove(p)}>
                      {t('common.delete')}
                    </button>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Modal open={!!preview()} onClose={() => setPreview(null)} title={preview()?.name ?? ''} size="lg" testid="picture-preview">
        <Show when={preview()}>{(p) => <img class="gallery-preview" src={filesApi.url(p().id)} alt={p().name} />}</Show>
      </Modal>
    </section>
  );
}

/** A contact's employment history, with "Moves to a new company". */
export function EmploymentTab(props: { contact: Rec; onMoved: () => void }) {
  const navigate = useNavigate();
  const [meta] = createResource(() => 'contactEmployment', getMeta);
  const [rows, { refetch }] = createResource(
    () => props.contact.id,
    async (id) => {
      try {
        return (await recordsApi.list('contactEmployment', { filter: { field: 'contactId', op: 'eq', value: id }, sort: '-fromDate', limit: 200 })).items;
      } catch {
        return [] as Rec[];
      }
    },
  );
  const [moving, setMoving] = createSignal(false);
  const [target, setTarget] = createSignal<{ id: string | null; label: string | null }>({ id: null, label: null });
  const [dept, setDept] = createSignal<{ id: string | null; label: string | null }>({ id: null, label: null });
  const [title, setTitle] = createSignal('');
  const [from, setFrom] = createSignal(todayIso());
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const fl = (n: string) => fieldLabel(meta(), n);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setError(null);
    if (!target().id) return void setErrors([{ field: 'customerId', code: 'required' }]);
    setBusy(true);
    try {
      await recordsApi.create('contactEmployment', {
        contactId: props.contact.id,
        customerId: target().id,
        ...(dept().id ? { customerDepartmentId: dept().id } : {}),
        ...(title().trim() ? { title: title().trim() } : {}),
        ...(from() ? { fromDate: from() } : {}),
        current: true,
      });
      toast(t('employment.moved', { company: target().label ?? '' }));
      setMoving(false);
      void refetch();
      props.onMoved();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const errFor = (n: string) => errors().filter((x) => x.field === n);

  return (
    <div class="stack" data-testid="employment">
      <Show when={can('contactEmployment', 'create')}>
        <div class="related-actions">
          <button type="button" class="btn btn-sm btn-primary" data-testid="employment-move" onClick={() => { setTarget({ id: null, label: null }); setDept({ id: null, label: null }); setTitle(''); setFrom(todayIso()); setErrors([]); setError(null); setMoving(true); }}>
            {t('employment.move')}
          </button>
        </div>
      </Show>
      <table class="table" data-testid="employment-table">
        <thead>
          <tr>
            <th scope="col">{fl('customerId')}</th>
            <th scope="col">{fl('customerDepartmentId')}</th>
            <th scope="col">{fl('title')}</th>
            <th scope="col">{t('employment.period')}</th>
            <th scope="col">{fl('current')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows() ?? []} fallback={<tr><td colSpan={5} class="muted">{rows.loading ? t('common.loading') : t('employment.none')}</td></tr>}>
            {(r) => (
              <tr class="clickable" data-testid="employment-row" onClick={() => navigate(`/records/contactEmployment/${r.id}`)}>
                <td>{r._labels?.customerId ?? ''}</td>
                <td>{r._labels?.customerDepartmentId ?? ''}</td>
                <td>{String(r.title ?? '')}</td>
                <td>
                  {formatDate(r.fromDate as string) || '…'} – {r.toDate ? formatDate(r.toDate as string) : r.current ? t('employment.present') : '…'}
                </td>
                <td>{r.current ? <span class="badge badge-ok">{t('employment.current')}</span> : ''}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Modal
        open={moving()}
        onClose={() => setMoving(false)}
        title={t('employment.move')}
        size="sm"
        testid="employment-dialog"
        footer={
          <>
            <span class="spacer" />
            <button type="button" class="btn" onClick={() => setMoving(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" form="employment-form" class="btn btn-primary" data-testid="employment-submit" disabled={busy()}>
              {busy() ? t('common.saving') : t('common.save')}
            </button>
          </>
        }
      >
        <form id="employment-form" class="stack" onSubmit={submit}>
          <p class="muted small">{t('employment.moveHint')}</p>
          <Show when={error()}>
            <div class="form-alert" role="alert">
              {error()}
            </div>
          </Show>
          <div class="form-field" classList={{ 'is-invalid': errFor('customerId').length > 0 }}>
            <label class="form-label" for="emp-customer">{fl('customerId')} <span class="req">*</span></label>
            <RelationSelect id="emp-customer" relation="customer" value={target().id} label={target().label} testid="employment-customer" invalid={errFor('customerId').length > 0} onChange={(id, l) => { setTarget({ id, label: l }); setDept({ id: null, label: null }); }} />
            <For each={errFor('customerId')}>{(fe) => <div class="field-error">{fieldErrorText(fe)}</div>}</For>
          </div>
          <div class="form-field">
            <label class="form-label" for="emp-dept">{fl('customerDepartmentId')}</label>
            <RelationSelect id="emp-dept" relation="customerDepartment" value={dept().id} label={dept().label} testid="employment-department" onChange={(id, l) => setDept({ id, label: l })} />
            <For each={errFor('customerDepartmentId')}>{(fe) => <div class="field-error">{fieldErrorText(fe)}</div>}</For>
          </div>
          <div class="form-field">
            <label class="form-label" for="emp-title">{fl('title')}</label>
            <input id="emp-title" class="input" maxLength={100} data-testid="employment-title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <div class="form-field">
            <label class="form-label" for="emp-from">{fl('fromDate')}</label>
            <input id="emp-from" class="input" type="date" data-testid="employment-from" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
            <For each={errFor('fromDate')}>{(fe) => <div class="field-error">{fieldErrorText(fe)}</div>}</For>
          </div>
        </form>
      </Modal>
    </div>
  );
}

/** "New contact" on a customer card: creates the contact, then their current employment here. */
export function NewContactDialog(props: { open: boolean; customer: Rec; customerLabel: string; onClose: () => void; onCreated: (rec: Rec) => void }) {
  const [meta] = createResource(() => 'contact', getMeta);
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const formId = 'new-contact-form';
  const submit = async (values: Record<string, unknown>) => {
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      const contact = await recordsApi.create('contact', values);
      try {
        await recordsApi.create('contactEmployment', { contactId: contact.id, customerId: props.customer.id, current: true, fromDate: todayIso(), ...(typeof values.title === 'string' && values.title ? { title: values.title } : {}) });
      } catch (e) {
        toast(`${t('employment.linkFailed')} ${errorText(e)}`, 'error');
      }
      toast(t('employment.contactCreated', { name: String(contact.name ?? ''), company: props.customerLabel }));
      props.onCreated(contact);
      props.onClose();
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.fields);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={t('employment.newContact', { company: props.customerLabel })}
      variant="drawer"
      testid="new-contact-dialog"
      footer={
        <>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={formId} class="btn btn-primary" data-testid="new-contact-submit" disabled={busy()}>
            {busy() ? t('common.saving') : t('common.create')}
          </button>
        </>
      }
    >
      <Show when={meta()}>
        <p class="muted small">{t('employment.newContactHint', { company: props.customerLabel })}</p>
        <Show when={error()}>
          <div class="form-alert" role="alert">
            {error()}
          </div>
        </Show>
        <RecordForm meta={meta()!} errors={errors()} formId={formId} hidden={['customerId']} onSubmit={(v) => void submit(v)} />
      </Show>
    </Modal>
  );
}

