import { Show, createSignal, createUniqueId } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { notificationsApi } from '../api/collab';
import { errorText, formatDateTime, t } from '../i18n';
import { FormField, errorsFor } from './FormField';
import { Icon } from './Icons';
import { Modal } from './Modal';
import { toast } from './Toasts';

const pad = (n: number) => String(n).padStart(2, '0');
/** A Date as the value of a datetime-local input (local time). */
function localInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "Remind me" on a card: a notification to oneself at a chosen time, linking back here. */
export function ReminderButton(props: { link: string; subject: string }) {
  const uid = createUniqueId();
  const [open, setOpen] = createSignal(false);
  const [at, setAt] = createSignal('');
  const [title, setTitle] = createSignal('');
  const [body, setBody] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);

  const show = () => {
    const soon = new Date(Date.now() + 60 * 60 * 1000);
    soon.setMinutes(0, 0, 0);
    setAt(localInput(soon));
    setTitle(props.subject);
    setBody('');
    setErrors([]);
    setError(null);
    setOpen(true);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setError(null);
    const when = at() ? new Date(at()) : null;
    if (!when || Number.isNaN(when.getTime())) {
      setErrors([{ field: 'at', code: 'required' }]);
      return;
    }
    setBusy(true);
    try {
      await notificationsApi.remind({ at: when.toISOString(), title: title().trim(), body: body().trim() || undefined, link: props.link });
      setOpen(false);
      toast(t('reminder.set', { at: formatDateTime(when) }));
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class="btn" data-testid="reminder-open" onClick={show}>
        <Icon name="bell" size={16} />
        {t('reminder.button')}
      </button>
      <Modal
        open={open()}
        onClose={() => setOpen(false)}
        title={t('reminder.title')}
        size="sm"
        testid="reminder-dialog"
        footer={
          <>
            <button type="button" class="btn" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" form={`${uid}-form`} class="btn btn-primary" data-testid="reminder-save" disabled={busy()}>
              {busy() ? t('common.saving') : t('reminder.save')}
            </button>
          </>
        }
      >
        <form id={`${uid}-form`} class="stack" onSubmit={save} novalidate>
          <Show when={error()}>
            <div class="form-alert" role="alert">
              {error()}
            </div>
          </Show>
          <FormField id={`${uid}-at`} label={t('reminder.at')} required errors={errorsFor(errors(), 'at')}>
            <input id={`${uid}-at`} class="input" type="datetime-local" data-autofocus data-testid="reminder-at" value={at()} onInput={(e) => setAt(e.currentTarget.value)} />
          </FormField>
          <FormField id={`${uid}-title`} label={t('reminder.what')} required errors={errorsFor(errors(), 'title')}>
            <input id={`${uid}-title`} class="input" maxLength={200} data-testid="reminder-title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
          </FormField>
          <FormField id={`${uid}-body`} label={t('reminder.note')} errors={errorsFor(errors(), 'body')}>
            <textarea id={`${uid}-body`} class="textarea" rows={3} maxLength={2000} value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
          </FormField>
        </form>
      </Modal>
    </>
  );
}
