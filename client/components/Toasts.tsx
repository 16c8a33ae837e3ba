import { For } from 'solid-js';
import { createStore } from 'solid-js/store';
import { t } from '../i18n';

type Toast = { id: number; kind: 'success' | 'error' | 'info'; text: string };
const [toasts, setToasts] = createStore<Toast[]>([]);
let nextId = 1;

export function toast(text: string, kind: Toast['kind'] = 'success', ms = 4000): void {
  const id = nextId++;
  setToasts((list) => [...list, { id, kind, text }]);
  setTimeout(() => dismiss(id), kind === 'error' ? ms * 1.5 : ms);
}

function dismiss(id: number): void {
  setToasts((list) => list.filter((x) => x.id !== id));
}

/** Live region of short notices; errors are announced assertively. */
export function Toaster() {
  return (
    <div class="toasts" aria-live="polite" aria-relevant="additions">
      <For each={toasts}>
        {(item) => (
          <div class={`toast toast-${item.kind}`} role={item.kind === 'error' ? 'alert' : 'status'}>
            <span class="toast-text">{item.text}</span>
            <button type="button" class="icon-button" aria-label={t('common.close')} onClick={() => dismiss(item.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
