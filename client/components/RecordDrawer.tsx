import { Show, createResource, createSignal, createUniqueId, type JSX } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { recordsApi } from '../api/endpoints';
import type { Rec } from '../api/types';
import { errorText, formatDateTime, label, t } from '../i18n';
import { getMeta } from '../lib/meta';
import { can, mayEditRecord } from '../session';
import { confirmDialog } from './ConfirmDialog';
import { Drawer } from './Modal';
import { RecordForm } from './RecordForm';
import { behaviourFor } from '../lib/formBehaviours';
import { toast } from './Toasts';
import { recordTitle } from './RelationSelect';

type Props = {
  object: string;
  /** undefined = closed, null = new record, string = edit that record */
  recordId: string | null | undefined;
  defaults?: Record<string, unknown>;
  hidden?: string[];
  onClose: () => void;
  onSaved?: (rec: Rec, created: boolean) => void;
  onDeleted?: (id: string) => void;
  /** Extra read-only content under the form (e.g. an employee's superior). */
  extra?: (rec: Rec) => JSX.Element;
};

/** Create / edit / delete any metadata-driven record in a drawer. */
export function RecordDrawer(props: Props) {
  const open = () => props.recordId !== undefined;
  return (
    <Show when={open()}>
      <DrawerInner {...props} recordId={props.recordId ?? null} />
    </Show>
  );
}

function DrawerInner(props: Props & { recordId: string | null }) {
  const formId = createUniqueId();
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [saving, setSaving] = createSignal(false);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [meta] = createResource(() => props.object, getMeta);
  const [record, { mutate }] = createResource(
    () => props.recordId ?? false,
    async (id) => {
      try {
        return await recordsApi.get(props.object, id);
      } catch (e) {
        setFormError(e instanceof ApiError && e.code === 'not_found' ? t('record.notFound') : errorText(e));
        return undefined;
      }
    },
  );
  const isNew = () => props.recordId === null;
  const objectName = () => (meta() ? label(meta()!.label) : '');
  const title = () =>
    isNew()
      ? t('record.new', { object: objectName() })
      : record()
        ? recordTitle(record()!, meta())
        : t('record.edit', { object: objectName() });
  const mayEdit = () => (isNew() ? can(props.object, 'create') : mayEditRecord(props.object, record()));

  const save = async (values: Record<string, unknown>) => {
    setSaving(true);
    setErrors([]);
    setFormError(null);
    try {
      if (isNew()) {
        const rec = await recordsApi.create(props.object, values);
        toast(t('common.created'));
        props.onSaved?.(rec, true);
        props.onClose();
      } else {
        const rec = Object.keys(values).length ? await recordsApi.update(props.object, props.recordId!, values) : record()!;
        mutate(rec);
        toast(t('common.saved'));
        props.onSaved?.(rec, false);
        props.onClose();
      }
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) setErrors(e.fields);
      setFormError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    const rec = record();
    if (!rec) return;
    const ok = await confirmDialog({
      title: t('common.deleteTitle', { name: recordTitle(rec, meta()) }),
      body: t('common.deleteBody'),
      confirmLabel: t('common.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await recordsApi.remove(props.object, rec.id);
      toast(t('common.deleted'));
      props.onDeleted?.(rec.id);
      props.onClose();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const ready = () => meta() && (isNew() || record());

  return (
    <Drawer
      open
      onClose={props.onClose}
      title={title()}
      size="lg"
      testid="record-drawer"
      footer={
        <>
          <Show when={!isNew() && record() && can(props.object, 'delete')}>
            <button type="button" class="btn btn-danger-ghost" data-testid="form-delete" onClick={remove}>
              {t('common.delete')}
            </button>
          </Show>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {mayEdit() ? t('common.cancel') : t('common.close')}
          </button>
          <Show when={mayEdit()}>
            <button type="submit" form={formId} class="btn btn-primary" data-testid="form-save" disabled={saving() || !ready()}>
              {saving() ? t('common.saving') : t('common.save')}
            </button>
          </Show>
        </>
      }
    >
      <Show when={formError()}>
        <div class="form-alert" role="alert">
          {formError()}
        </div>
      </Show>
      <Show when={!isNew() && record() && !mayEdit()}>
        <div class="form-info record-note" role="note">
          {t('record.readOnlyNote')}
        </div>
      </Show>
      <Show when={ready()} fallback={<Show when={!formError()}><div class="form-skeleton"><span class="skeleton" /><span class="skeleton" /><span class="skeleton" /></div></Show>}>
        <RecordForm
          meta={meta()!}
          record={record() ?? undefined}
          defaults={props.defaults}
          hidden={props.hidden}
          errors={errors()}
          formId={formId}
          disabled={!mayEdit()}
          behaviour={behaviourFor(props.object)}
          onSubmit={save}
        />
        <Show when={!isNew() && record() && props.extra}>{props.extra!(record()!)}</Show>
        <Show when={!isNew() && record()}>
          <p class="record-meta muted">
            {t('common.createdAt')}: {formatDateTime(record()!.createdAt)} · {t('common.updatedAt')}:{' '}
            {formatDateTime(record()!.updatedAt)}
          </p>
        </Show>
      </Show>
    </Drawer>
  );
}
