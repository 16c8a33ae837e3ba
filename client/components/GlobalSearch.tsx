import { useNavigate } from '@solidjs/router';
import { For, Show, createMemo, createSignal, createUniqueId, onCleanup } from 'solid-js';
import { searchApi } from '../api/endpoints';
import type { SearchHit } from '../api/types';
import { errorText, t } from '../i18n';
import { debounce } from '../lib/list';
import { objectName } from '../lib/objects';
import { Icon } from './Icons';

/** As-you-type search over every object the user may read (GET /api/search), in the top bar. */
export function GlobalSearch() {
  const navigate = useNavigate();
  const listId = createUniqueId();
  const [text, setText] = createSignal('');
  const [hits, setHits] = createSignal<SearchHit[]>([]);
  const [open, setOpen] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [active, setActive] = createSignal(0);
  let seq = 0;
  let root!: HTMLDivElement;
  let input!: HTMLInputElement;

  const run = async (q: string) => {
    const mine = ++seq;
    if (!q.trim()) {
      setHits([]);
      setLoading(false);
      return;
    }
    setLoading(true);
    try {
      const res = await searchApi.search(q.trim(), 20);
      if (mine !== seq) return;
      setHits(res.hits);
      setError(null);
      setActive(0);
    } catch (e) {
      if (mine === seq) {
        setHits([]);
        setError(errorText(e));
      }
    } finally {
      if (mine === seq) setLoading(false);
    }
  };
  const runSoon = debounce(run, 220);

  /** Hits grouped by object, in order of each object's best hit; `index` is the flat position. */
  const grouped = createMemo(() => {
    const groups: { object: string; items: { hit: SearchHit; index: number }[] }[] = [];
    const byObject = new Map<string, (typeof groups)[number]>();
    for (const hit of hits()) {
      let g = byObject.get(hit.object);
      if (!g) {
        g = { object: hit.object, items: [] };
        byObject.set(hit.object, g);
        groups.push(g);
      }
      g.items.push({ hit, index: 0 });
    }
    let i = 0;
    for (const g of groups) for (const it of g.items) it.index = i++;
    return groups;
  });
  const flat = createMemo(() => grouped().flatMap((g) => g.items.map((x) => x.hit)));

  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    setOpen(false);
    setText('');
    setHits([]);
    input.blur();
    navigate(`/records/${hit.object}/${hit.id}`);
  };

  const onKey = (e: KeyboardEvent) => {
    const n = flat().length;
    if (e.key === 'ArrowDown') {
      setOpen(true);
      if (n) setActive((active() + 1) % n);
    } else if (e.key === 'ArrowUp') {
      if (n) setActive((active() - 1 + n) % n);
    } else if (e.key === 'Enter') {
      if (open() && n) go(flat()[active()]);
      else return;
    } else if (e.key === 'Escape') {
      if (open()) setOpen(false);
      else {
        setText('');
        setHits([]);
      }
    } else return;
    e.preventDefault();
  };

  const onDoc = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onDoc);
  // Ctrl/⌘+K focuses the search from anywhere.
  const onGlobalKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      input.focus();
      input.select();
    }
  };
  document.addEventListener('keydown', onGlobalKey);
  onCleanup(() => {
    document.removeEventListener('mousedown', onDoc);
    document.removeEventListener('keydown', onGlobalKey);
  });

  const optionId = (i: number) => `${listId}-${i}`;
  const showPanel = () => open() && text().trim().length > 0;

  return (
    <div class="global-search" ref={root}>
      <div class="search-box">
        <Icon name="search" size={16} />
        <input
          ref={input}
          class="input"
          type="search"
          role="combobox"
          aria-label={t('search.label')}
          aria-expanded={showPanel()}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showPanel() && flat().length ? optionId(active()) : undefined}
          placeholder={t('search.placeholder')}
          title={t('search.hint')}
          data-testid="global-search"
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setOpen(true);
            setLoading(true);
            runSoon(e.currentTarget.value);
          }}
          onFocus={() => text() && setOpen(true)}
          onKeyDown={onKey}
        />
      </div>
      <Show when={showPanel()}>
        <div class="search-panel" data-testid="global-search-results">
          <ul id={listId} role="listbox" aria-label={t('search.results')} class="search-list">
            <For each={grouped()}>
              {(g) => (
                <li role="presentation">
                  <div class="search-group" role="presentation">
                    {objectName(g.object, true)}
                  </div>
                  <ul role="group" aria-label={objectName(g.object, true)} class="search-list">
                    <For each={g.items}>
                      {(it) => (
                        <li
                          id={optionId(it.index)}
                          role="option"
                          aria-selected={active() === it.index}
                          class="search-hit"
                          classList={{ 'is-active': active() === it.index }}
                          data-testid="search-hit"
                          onMouseEnter={() => setActive(it.index)}
                          onMouseDown={(e) => e.preventDefault()}
                          onClick={() => go(it.hit)}
                        >
                          <span class="search-hit-title">{it.hit.title}</span>
                          <Show when={it.hit.subtitle}>
                            <span class="search-hit-sub">{it.hit.subtitle}</span>
                          </Show>
                        </li>
                      )}
                    </For>
                  </ul>
                </li>
              )}
            </For>
          </ul>
          <Show when={!loading() && flat().length === 0}>
            <div class="search-empty" role="status">
              {error() ?? t('search.none')}
            </div>
          </Show>
          <Show when={loading() && flat().length === 0}>
            <div class="search-empty" role="status">
              {t('common.loading')}
            </div>
          </Show>
          <div class="search-foot muted small">{t('search.hint')}</div>
        </div>
      </Show>
    </div>
  );
}
