import { For, Show, createEffect, createSignal, createUniqueId, onCleanup } from 'solid-js';
import { recordsApi } from '../api/endpoints';
import type { ObjectMeta, Rec } from '../api/types';
import { locale, t } from '../i18n';
import { debounce } from '../lib/list';
import { getMeta } from '../lib/meta';

type Props = {
  id: string;
  relation: string;
  value: string | null;
  label: string | null;
  onChange: (id: string | null, label: string | null) => void;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
  /** ids that may not be chosen (e.g. the record itself as its own parent) */
  exclude?: string[];
  placeholder?: string;
  testid?: string;
};

/** A record's title as the object's metadata names it, in the interface's language where the object keeps an English one. */
export function recordTitle(r: Rec, meta?: Pick<ObjectMeta, 'titleField' | 'titleFieldEn'> | null): string {
  const en = locale() === 'en' && meta?.titleFieldEn ? r[meta.titleFieldEn] : null;
  if (typeof en === 'string' && en) return en;
  const v = r[meta?.titleField ?? 'name'] ?? r.name ?? r.login ?? r.code ?? r.id;
  return String(v ?? '');
}

/** Searchable select (ARIA combobox) over `GET /api/records/<relation>?q=&limit=20`. */
export function RelationSelect(props: Props) {
  const listId = createUniqueId();
  const [open, setOpen] = createSignal(false);
  const [text, setText] = createSignal('');
  const [editing, setEditing] = createSignal(false);
  const [items, setItems] = createSignal<Rec[]>([]);
  const [total, setTotal] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  const [active, setActive] = createSignal(0);
  let seq = 0;
  let input!: HTMLInputElement;
  // The target's metadata names its title field (a signal, not a resource: no Suspense flash in forms).
  const [meta, setMeta] = createSignal<ObjectMeta | null>(null);
  createEffect(() => {
    const object = props.relation;
    getMeta(object).then(
      (m) => props.relation === object && setMeta(m),
      () => setMeta(null),
    );
  });

  const load = async (q: string) => {
    const mine = ++seq;
    setLoading(true);
    try {
      const res = await recordsApi.list(props.relation, { q: q || undefined, limit: 20 });
      if (mine !== seq) return;
      const ex = new Set(props.exclude ?? []);
      setItems(res.items.filter((r) => !ex.has(r.id)));
      setTotal(res.total);
      setActive(0);
    } catch {
      if (mine === seq) setItems([]);
    } finally {
      if (mine === seq) setLoading(false);
    }
  };
  const loadSoon = debounce(load, 200);

  const openList = () => {
    if (props.disabled) return;
    setOpen(true);
    void load(editing() ? text() : '');
  };
  const close = () => {
    setOpen(false);
    setEditing(false);
    setText('');
  };
  const choose = (r: Rec | null) => {
    props.onChange(r ? r.id : null, r ? recordTitle(r, meta()) : null);
    close();
  };

  const onDocDown = (e: MouseEvent) => {
    if (!(e.target as HTMLElement).closest(`[data-combo="${listId}"]`)) close();
  };
  document.addEventListener('mousedown', onDocDown);
  onCleanup(() => document.removeEventListener('mousedown', onDocDown));

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open()) openList();
      else setActive((i) => Math.min(i + 1, items().length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter') {
      if (open()) {
        e.preventDefault();
        const r = items()[active()];
        if (r) choose(r);
      }
    } else if (e.key === 'Escape') {
      if (open()) {
        // Close the list only, not the surrounding dialog.
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    } else if (e.key === 'Tab') {
      close();
    }
  };

  return (
    <div class="combo" data-combo={listId}>
      <div class="combo-control" classList={{ 'is-invalid': !!props.invalid, 'is-disabled': !!props.disabled }}>
        <input
          ref={input}
          id={props.id}
          class="input combo-input"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open()}
          aria-controls={listId}
          aria-activedescendant={open() && items()[active()] ? `${listId}-${active()}` : undefined}
          aria-invalid={props.invalid ? 'true' : undefined}
          aria-describedby={props.describedBy}
          autocomplete="off"
          disabled={props.disabled}
          data-testid={props.testid}
          placeholder={props.placeholder ?? t('common.typeToSearch')}
          value={editing() ? text() : props.label ?? ''}
          onFocus={() => undefined}
          onClick={() => (open() ? undefined : openList())}
          onInput={(e) => {
            setEditing(true);
            setText(e.currentTarget.value);
            setOpen(true);
            loadSoon(e.currentTarget.value);
          }}
          onKeyDown={onKeyDown}
        />
        <Show when={props.value && !props.disabled}>
          <button
            type="button"
            class="icon-button combo-clear"
            aria-label={t('common.clear')}
            onClick={() => {
              choose(null);
              input.focus();
            }}
          >
            ×
          </button>
        </Show>
        <span class="combo-caret" aria-hidden="true">
          ▾
        </span>
      </div>
      <Show when={open()}>
        <ul id={listId} role="listbox" class="combo-list">
          <Show when={loading() && items().length === 0}>
            <li class="combo-note">{t('common.loading')}</li>
          </Show>
          <Show when={!loading() && items().length === 0}>
            <li class="combo-note">{t('common.noResults')}</li>
          </Show>
          <For each={items()}>
            {(r, i) => (
              <li
                id={`${listId}-${i()}`}
                role="option"
                aria-selected={r.id === props.value}
                class="combo-option"
                classList={{ 'is-active': i() === active(), 'is-current': r.id === props.value }}
                onMouseEnter={() => setActive(i())}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(r);
                }}
              >
                <span>{recordTitle(r, meta())}</span>
                <Show when={typeof r.code === 'string' && r.code}>
                  <span class="combo-code">{String(r.code)}</span>
                </Show>
              </li>
            )}
          </For>
          <Show when={total() > items().length && items().length >= 20}>
            <li class="combo-note">{t('common.moreResults', { count: items().length })}</li>
          </Show>
        </ul>
      </Show>
    </div>
  );
}
