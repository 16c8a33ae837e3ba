import { createSignal } from 'solid-js';
import { t } from '../i18n';
import { Modal } from './Modal';

type ConfirmRequest = {
  title: string;
  body?: string;
  confirmLabel?: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
};

const [request, setRequest] = createSignal<ConfirmRequest | null>(null);

/** Asks a yes/no question in a modal; resolves true when confirmed. */
export function confirmDialog(opts: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => {
    request()?.resolve(false);
    setRequest({ ...opts, resolve });
  });
}

export function ConfirmHost() {
  const close = (ok: boolean) => {
    const r = request();
    setRequest(null);
    r?.resolve(ok);
  };
  return (
    <Modal
      open={request() !== null}
      onClose={() => close(false)}
      title={request()?.title ?? ''}
      size="sm"
      alert
      testid="confirm-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={() => close(false)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class={`btn ${request()?.danger ? 'btn-danger' : 'btn-primary'}`}
            data-autofocus
            data-testid="confirm-ok"
            onClick={() => close(true)}
          >
            {request()?.confirmLabel ?? t('common.confirm')}
          </button>
        </>
      }
    >
      <p class="confirm-body">{request()?.body ?? ''}</p>
    </Modal>
  );
}
