import { Show, createSignal, createUniqueId } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { meApi } from '../api/endpoints';
import { errorText, fieldErrorText, t } from '../i18n';
import { Modal } from './Modal';
import { toast } from './Toasts';

export function ChangePasswordDialog(props: { open: boolean; onClose: () => void }) {
  const id = createUniqueId();
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [local, setLocal] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const reset = () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setErrors([]);
    setLocal(null);
  };
  const close = () => {
    reset();
    props.onClose();
  };
  const err = (field: string) => errors().filter((e) => e.field === field);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setLocal(null);
    if (next().length < 8) {
      setErrors([{ field: 'newPassword', code: 'too_small_length', params: { min: 8 } }]);
      return;
    }
    if (next() !== repeat()) {
      setLocal(t('password.mismatch'));
      return;
    }
    setBusy(true);
    try {
      await meApi.changePassword(current(), next());
      toast(t('password.changed'));
      close();
    } catch (ex) {
      if (ex instanceof ApiError && ex.fields.length) setErrors(ex.fields);
      else setLocal(errorText(ex));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: 'currentPassword' | 'newPassword' | 'repeat', labelText: string, value: () => string, setValue: (v: string) => void, autocomplete: string, hint?: string) => {
    const fid = `${id}-${name}`;
    return (
      <div class="form-field" classList={{ 'is-invalid': err(name).length > 0 }}>
        <label class="form-label" for={fid}>
          {labelText}
        </label>
        <input
          id={fid}
          class="input"
          type="password"
          autocomplete={autocomplete}
          value={value()}
          aria-invalid={err(name).length > 0 ? 'true' : undefined}
          aria-describedby={`${fid}-help`}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <div id={`${fid}-help`}>
          <Show when={err(name).length > 0} fallback={<Show when={hint}><div class="field-hint">{hint}</div></Show>}>
            <div class="field-error">{err(name).map((e) => fieldErrorText(e)).join(' ')}</div>
          </Show>
        </div>
      </div>
    );
  };

  return (
    <Modal
      open={props.open}
      onClose={close}
      title={t('password.title')}
      size="sm"
      testid="password-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={id} class="btn btn-primary" disabled={busy()} data-testid="password-save">
            {busy() ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form id={id} class="stack" onSubmit={submit} novalidate>
        <Show when={local()}>
          <div class="form-alert" role="alert">
            {local()}
          </div>
        </Show>
        {field('currentPassword', t('password.current'), current, setCurrent, 'current-password')}
        {field('newPassword', t('password.new'), next, setNext, 'new-password', t('password.hint'))}
        {field('repeat', t('password.confirm'), repeat, setRepeat, 'new-password')}
      </form>
    </Modal>
  );
}
