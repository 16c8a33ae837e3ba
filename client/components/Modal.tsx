import { Portal } from 'solid-js/web';
import { Show, createUniqueId, onCleanup, onMount, type JSX } from 'solid-js';
import { t } from '../i18n';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: JSX.Element;
  children: JSX.Element;
  footer?: JSX.Element;
  variant?: 'modal' | 'drawer';
  size?: 'sm' | 'md' | 'lg';
  testid?: string;
  /** role=alertdialog for confirmations */
  alert?: boolean;
};

function DialogBody(props: DialogProps) {
  let panel!: HTMLDivElement;
  const titleId = createUniqueId();
  const previous = document.activeElement as HTMLElement | null;

  const focusables = () =>
    Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);

  onMount(() => {
    document.body.classList.add('no-scroll');
    // Focus the first field (or the preferred element) so keyboard users land inside.
    queueMicrotask(() => {
      const preferred = panel.querySelector<HTMLElement>('[data-autofocus]');
      const first = preferred ?? focusables().find((el) => !el.classList.contains('dialog-close')) ?? panel;
      first.focus();
    });
  });
  onCleanup(() => {
    if (!document.querySelector('.dialog-backdrop ~ .dialog-backdrop')) document.body.classList.remove('no-scroll');
    if (previous && document.contains(previous)) previous.focus();
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      props.onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables();
    if (items.length === 0) {
      e.preventDefault();
      panel.focus();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === panel)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div
      class={`dialog-backdrop ${props.variant === 'drawer' ? 'is-drawer' : 'is-modal'}`}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        ref={panel}
        class={`dialog-panel size-${props.size ?? 'md'}`}
        role={props.alert ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={props.testid}
        onKeyDown={onKeyDown}
      >
        <header class="dialog-header">
          <h2 id={titleId} class="dialog-title">
            {props.title}
          </h2>
          <button type="button" class="icon-button dialog-close" aria-label={t('common.close')} onClick={() => props.onClose()}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        <div class="dialog-body">{props.children}</div>
        <Show when={props.footer}>
          <footer class="dialog-footer">{props.footer}</footer>
        </Show>
      </div>
    </div>
  );
}

/** A modal dialog (or a right-hand drawer) with focus trap, Esc to close and focus return. */
export function Modal(props: DialogProps) {
  return (
    <Show when={props.open}>
      <Portal>
        <DialogBody {...props} />
      </Portal>
    </Show>
  );
}

export function Drawer(props: Omit<DialogProps, 'variant'>) {
  return <Modal {...props} variant="drawer" />;
}
