import { A, useNavigate } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createResource, createSignal, on, onCleanup } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { ApiError } from '../../api/client';
import { recordsApi } from '../../api/endpoints';
import type { FilterNode, Rec } from '../../api/types';
import { Icon } from '../../components/Icons';
import { RecordDrawer } from '../../components/RecordDrawer';
import { PageHeader } from '../../components/Shell';
import { toast } from '../../components/Toasts';
import { useSocket, watchRecords } from '../../collab/socket';
import { errorText, fieldErrorText, formatDate, formatMoney, formatMoneyByCurrency, formatNumber, label, t } from '../../i18n';
import { debounce, fetchAllPages } from '../../lib/list';
import { getMeta, optionLabel, fieldOf, moneyByCurrency } from '../../lib/meta';
import { loadStages, stageName, type Stage } from '../../lib/sales';
import { can, dataEpoch, mayEditRecord } from '../../session';

/** The most cards a board loads; beyond that the list view is the place. */
const MAX_CARDS = 1000;
const STATUSES = ['open', 'won', 'lost', 'all'] as const;
type StatusFilter = (typeof STATUSES)[number];

type ColumnTotals = { count: number; sums: Record<string, string> | null };

/** `/sales/kanban` — opportunities on a board by stage: drag a card (or use "Move to") to change its stage. */
export function KanbanPage() {
  const navigate = useNavigate();
  const [meta] = createResource(() => 'opportunity', (o) => getMeta(o).catch(() => undefined));
  const [status, setStatus] = createSignal<StatusFilter>('open');
  const [q, setQ] = createSignal('');
  const setQSoon = debounce((v: string) => setQ(v), 300);
  const filter = (): FilterNode | undefined => (status() === 'all' ? undefined : { field: 'status', op: 'eq', value: status() });

  const [stages, { refetch: refetchStages }] = createResource(async () => {
    try {
      return await loadStages();
    } catch (e) {
      toast(errorText(e), 'error');
      return [] as Stage[];
    }
  });
  const [cards, setCards] = createStore<Rec[]>([]);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(true);
  const [truncated, setTruncated] = createSignal(false);
  let loadSeq = 0;
  const loadCards = async () => {
    const mine = ++loadSeq;
    setLoading(true);
    try {
      const items = await fetchAllPages((limit, offset) => recordsApi.list('opportunity', { filter: filter(), q: q().trim() || undefined, sort: '-updatedAt', limit, offset }), MAX_CARDS);
      if (mine !== loadSeq) return;
      setTruncated(items.length >= MAX_CARDS);
      setCards(reconcile(items, { key: 'id' }));
      setLoadError(null);
    } catch (e) {
      if (mine === loadSeq) setLoadError(e);
    } finally {
      if (mine === loadSeq) setLoading(false);
    }
  };
  // Counts and amounts per column are the server's sums over every matching opportunity.
  const [totals, { refetch: refetchTotals }] = createResource(
    () => ({ f: filter(), q: q().trim() }),
    async (p) => {
      try {
        const res = await recordsApi.groups('opportunity', { by: ['stageId'], measures: ['sum:amount'], filter: p.f, q: p.q || undefined });
        const out = new Map<string, ColumnTotals>();
        for (const g of res.groups) out.set(String(g.value), { count: g.count, sums: moneyByCurrency(g.measures['sum:amount']) });
        return out;
      } catch {
        return new Map<string, ColumnTotals>();
      }
    },
  );
  createEffect(on([status, q], () => void loadCards()));
  // The user changed language: customer and stage labels come again in the new one.
  createEffect(
    on(
      dataEpoch,
      () => {
        void loadCards();
        void refetchTotals();
      },
      { defer: true },
    ),
  );
  const refreshTotalsSoon = debounce(() => void refetchTotals(), 250);
  const reloadSoon = debounce(() => {
    void loadCards();
    void refetchTotals();
  }, 300);

  // ---------- live: other people's moves and edits arrive without a reload ----------
  const [flashing, setFlashing] = createSignal<Set<string>>(new Set());
  const flash = (id: string) => {
    setFlashing((s) => new Set(s).add(id));
    setTimeout(() => setFlashing((s) => {
      const n = new Set(s);
      n.delete(id);
      return n;
    }), 1600);
  };
  const matches = (r: Record<string, unknown>) => status() === 'all' || r.status === status();
  watchRecords({ object: 'opportunity' });
  watchRecords({ object: 'salesStage' });
  useSocket('record:changed', (c) => {
    if (c.object === 'salesStage') {
      void refetchStages();
      return;
    }
    if (c.object !== 'opportunity') return;
    if (c.id === '*' || (c.action === 'create' && q().trim())) return reloadSoon();
    const at = cards.findIndex((r) => r.id === c.id);
    if (c.action === 'delete' || !c.record || !matches(c.record)) {
      if (at >= 0) setCards(produce((list) => void list.splice(at, 1)));
    } else if (at >= 0) {
      setCards(at, reconcile(c.record as Rec));
      flash(c.id);
    } else if (!q().trim()) {
      setCards(produce((list) => void list.unshift(c.record as Rec)));
      flash(c.id);
    }
    refreshTotalsSoon();
  });

  // ---------- columns ----------
  const columns = createMemo(() => {
    const all = stages() ?? [];
    // Retired stages show only while cards still sit in them; they take no new cards.
    const held = new Set(cards.map((c) => c.stageId as string));
    return all.filter((s) => s.active || held.has(s.id));
  });
  const cardsIn = (stageId: string) => cards.filter((c) => c.stageId === stageId);
  const statusField = () => fieldOf(meta(), 'status');

  // ---------- moving a card ----------
  const [moving, setMoving] = createSignal<Set<string>>(new Set());
  const moveTo = async (id: string, stage: Stage) => {
    const i = cards.findIndex((c) => c.id === id);
    if (i < 0 || cards[i].stageId === stage.id) return;
    if (!stage.active) {
      toast(t('kanban.retiredTarget', { stage: stageName(stage) }), 'error');
      return;
    }
    const before = { stageId: cards[i].stageId, label: cards[i]._labels?.stageId ?? null };
    // Moved at once; put back if the server refuses (retired stage, no right to edit).
    setCards(i, 'stageId', stage.id);
    setMoving((s) => new Set(s).add(id));
    try {
      const rec = await recordsApi.update('opportunity', id, { stageId: stage.id });
      const j = cards.findIndex((c) => c.id === id);
      if (j >= 0) setCards(j, reconcile(rec));
      toast(t('kanban.moved', { name: String(rec.name ?? ''), stage: stageName(stage) }));
      refreshTotalsSoon();
    } catch (e) {
      const j = cards.findIndex((c) => c.id === id);
      if (j >= 0) {
        setCards(j, 'stageId', before.stageId);
      }
      const fe = e instanceof ApiError ? e.fields.find((f) => f.field === 'stageId') : undefined;
      toast(fe ? fieldErrorText(fe) : errorText(e), 'error');
    } finally {
      setMoving((s) => {
        const n = new Set(s);
        n.delete(id);
        return n;
      });
    }
  };

  const [dragId, setDragId] = createSignal<string | null>(null);
  const [overStage, setOverStage] = createSignal<string | null>(null);
  const [creating, setCreating] = createSignal<{ stage: Stage } | null>(null);

  /** Alt+← / Alt+→ on a card moves it one stage along (the keyboard way besides "Move to"). */
  const onCardKey = (e: KeyboardEvent, card: Rec) => {
    if (!e.altKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    const active = columns().filter((s) => s.active);
    const i = active.findIndex((s) => s.id === card.stageId);
    const next = active[i + (e.key === 'ArrowRight' ? 1 : -1)];
    e.preventDefault();
    if (!next) return;
    void moveTo(card.id, next).then(() => queueMicrotask(() => document.querySelector<HTMLElement>(`[data-card-id="${card.id}"]`)?.focus()));
  };

  return (
    <div class="page page-wide" data-testid="kanban">
      <PageHeader
        title={t('kanban.title')}
        subtitle={t('kanban.subtitle')}
        actions={
          <>
            <A href="/records/opportunity" class="btn" data-testid="kanban-to-list">
              {t('kanban.toList')}
            </A>
            <Show when={can('opportunity', 'create') && columns().some((s) => s.active)}>
              <button type="button" class="btn btn-primary" data-testid="kanban-new" onClick={() => setCreating({ stage: columns().find((s) => s.active)! })}>
                <Icon name="plus" size={16} />
                {t('record.new', { object: label(meta()?.label, t('nav.opportunities')) })}
              </button>
            </Show>
          </>
        }
      />
      <div class="toolbar">
        <div class="search-box">
          <Icon name="search" size={16} />
          <input class="input" type="search" aria-label={t('common.search')} placeholder={t('kanban.search')} data-testid="kanban-search" onInput={(e) => setQSoon(e.currentTarget.value)} />
        </div>
        <div class="segmented" role="radiogroup" aria-label={t('kanban.status')}>
          <For each={STATUSES}>
            {(s) => (
              <button type="button" role="radio" aria-checked={status() === s} class="segment" classList={{ 'is-active': status() === s }} data-testid={`kanban-status-${s}`} onClick={() => setStatus(s)}>
                {s === 'all' ? t('common.all') : optionLabel(statusField(), s)}
              </button>
            )}
          </For>
        </div>
        <span class="muted small kanban-hint">{t('kanban.keyboardHint')}</span>
      </div>
      <Show when={loadError()}>
        <div class="panel form-alert" role="alert">
          {errorText(loadError())}
        </div>
      </Show>
      <Show when={truncated()}>
        <div class="form-info record-note" role="note">
          {t('kanban.truncated', { count: formatNumber(MAX_CARDS) })}
        </div>
      </Show>
      <div class="kanban" aria-busy={loading()} role="list" aria-label={t('kanban.title')}>
        <For each={columns()}>
          {(stage) => {
            const list = () => cardsIn(stage.id);
            const tot = () => totals()?.get(stage.id);
            const dropAllowed = () => stage.active && !!dragId() && cards.find((c) => c.id === dragId())?.stageId !== stage.id;
            return (
              <section
                class="kanban-col"
                role="listitem"
                classList={{ 'is-over': overStage() === stage.id && dropAllowed(), 'is-retired': !stage.active }}
                data-testid={`kanban-col-${stage.code ?? stage.id}`}
                data-stage-id={stage.id}
                aria-labelledby={`col-${stage.id}`}
                onDragOver={(e) => {
                  if (!dropAllowed()) return;
                  e.preventDefault();
                  if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
                  setOverStage(stage.id);
                }}
                onDragLeave={(e) => {
                  if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setOverStage(null);
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  const id = dragId() ?? e.dataTransfer?.getData('text/plain') ?? null;
                  setDragId(null);
                  setOverStage(null);
                  if (id) void moveTo(id, stage);
                }}
              >
                <header class="kanban-col-head">
                  <div class="kanban-col-title">
                    <h2 id={`col-${stage.id}`}>{stageName(stage)}</h2>
                    <span class="badge badge-muted" title={t('kanban.probability')}>
                      {formatNumber(stage.probability)}%
                    </span>
                    <Show when={!stage.active}>
                      <span class="badge badge-warn">{t('stages.retired')}</span>
                    </Show>
                    <span class="spacer" />
                    <Show when={stage.active && can('opportunity', 'create')}>
                      <button type="button" class="icon-button icon-button-sm" aria-label={t('kanban.newIn', { stage: stageName(stage) })} onClick={() => setCreating({ stage })}>
                        <Icon name="plus" size={16} />
                      </button>
                    </Show>
                  </div>
                  <div class="kanban-col-totals" data-testid="kanban-col-totals">
                    <span data-testid="kanban-col-count">{(tot()?.count ?? 0) === 1 ? t('kanban.countOne') : t('kanban.count', { count: formatNumber(tot()?.count ?? 0) })}</span>
                    <span class="kanban-col-amount" data-testid="kanban-col-amount">
                      {formatMoneyByCurrency(tot()?.sums, formatMoney('0'))}
                    </span>
                  </div>
                </header>
                <div class="kanban-cards">
                  <For each={list()} fallback={<p class="kanban-empty muted small">{dragId() && dropAllowed() ? t('kanban.dropHere') : t('kanban.empty')}</p>}>
                    {(card) => (
                      <KanbanCard
                        card={card}
                        stage={stage}
                        stages={columns().filter((s) => s.active)}
                        busy={moving().has(card.id)}
                        flash={flashing().has(card.id)}
                        dragging={dragId() === card.id}
                        onOpen={() => navigate(`/records/opportunity/${card.id}`)}
                        onDragStart={(e) => {
                          setDragId(card.id);
                          e.dataTransfer?.setData('text/plain', card.id);
                          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
                        }}
                        onDragEnd={() => {
                          setDragId(null);
                          setOverStage(null);
                        }}
                        onMove={(s) => void moveTo(card.id, s)}
                        onKeyDown={(e) => onCardKey(e, card)}
                      />
                    )}
                  </For>
                </div>
              </section>
            );
          }}
        </For>
      </div>
      <RecordDrawer
        object="opportunity"
        recordId={creating() ? null : undefined}
        defaults={creating() ? { stageId: creating()!.stage.id, _labels: { stageId: stageName(creating()!.stage) } } : undefined}
        onClose={() => setCreating(null)}
        onSaved={() => reloadSoon()}
      />
    </div>
  );
}

function KanbanCard(props: {
  card: Rec;
  stage: Stage;
  stages: Stage[];
  busy: boolean;
  flash: boolean;
  dragging: boolean;
  onOpen: () => void;
  onDragStart: (e: DragEvent) => void;
  onDragEnd: () => void;
  onMove: (s: Stage) => void;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  const [menu, setMenu] = createSignal(false);
  const editable = () => mayEditRecord('opportunity', props.card);
  let root!: HTMLElement;
  let button!: HTMLButtonElement;
  const onDoc = (e: MouseEvent) => {
    if (menu() && !root.contains(e.target as Node)) setMenu(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  createEffect(() => {
    if (menu()) queueMicrotask(() => root.querySelector<HTMLElement>('.move-menu [role="menuitem"]')?.focus());
  });
  const onMenuKey = (e: KeyboardEvent) => {
    const items = Array.from(root.querySelectorAll<HTMLElement>('.move-menu [role="menuitem"]'));
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else if (e.key === 'Escape') {
      setMenu(false);
      button.focus();
    } else if (e.key === 'Tab') setMenu(false);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const amount = () => (props.card.amount === null || props.card.amount === undefined ? '' : formatMoney(props.card.amount as string, (props.card.currency as string) || 'CNY'));
  return (
    <article
      ref={root}
      class="kanban-card"
      classList={{ 'is-flash': props.flash, 'is-busy': props.busy, 'is-dragging': props.dragging, 'is-closed': props.card.status !== 'open' }}
      draggable={editable()}
      tabIndex={0}
      data-testid="kanban-card"
      data-card-id={props.card.id}
      data-name={String(props.card.name ?? '')}
      aria-label={t('kanban.cardLabel', { name: String(props.card.name ?? ''), stage: stageName(props.stage) })}
      onDragStart={(e) => props.onDragStart(e)}
      onDragEnd={() => props.onDragEnd()}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter') props.onOpen();
        else props.onKeyDown(e);
      }}
    >
      <div class="kanban-card-head">
        <A href={`/records/opportunity/${props.card.id}`} class="kanban-card-title" draggable={false} tabIndex={-1}>
          {String(props.card.name ?? '—')}
        </A>
        <Show when={editable()}>
          <div class="move-anchor">
            <button
              ref={button}
              type="button"
              class="icon-button icon-button-sm"
              aria-haspopup="menu"
              aria-expanded={menu()}
              aria-label={t('kanban.moveTo', { name: String(props.card.name ?? '') })}
              data-testid="kanban-move"
              onClick={() => setMenu(!menu())}
            >
              <Icon name="move" size={15} />
            </button>
            <Show when={menu()}>
              <div class="menu move-menu" role="menu" aria-label={t('kanban.moveToShort')} onKeyDown={onMenuKey}>
                <div class="menu-header">{t('kanban.moveToShort')}</div>
                <For each={props.stages}>
                  {(s) => (
                    <button
                      type="button"
                      role="menuitem"
                      class="menu-item"
                      disabled={s.id === props.stage.id}
                      data-testid={`kanban-move-to-${s.code ?? s.id}`}
                      onClick={() => {
                        setMenu(false);
                        props.onMove(s);
                      }}
                    >
                      <span class="menu-check">{s.id === props.stage.id ? <Icon name="check" size={14} /> : null}</span>
                      {stageName(s)}
                      <span class="spacer" />
                      <span class="muted small">{formatNumber(s.probability)}%</span>
                    </button>
                  )}
                </For>
              </div>
            </Show>
          </div>
        </Show>
      </div>
      <div class="kanban-card-customer muted small">{props.card._labels?.customerId ?? ''}</div>
      <div class="kanban-card-foot">
        <strong class="kanban-card-amount" data-testid="kanban-card-amount">
          {amount()}
        </strong>
        <span class="muted small" title={t('kanban.probability')}>
          {props.card.probability === null || props.card.probability === undefined ? '' : `${formatNumber(props.card.probability as number)}%`}
        </span>
      </div>
      <div class="kanban-card-meta muted small">
        <Show when={props.card.expectedCloseDate}>
          <span>{t('kanban.closes', { date: formatDate(props.card.expectedCloseDate as string) })}</span>
        </Show>
        <Show when={props.card._labels?.ownerId}>
          <span>{props.card._labels!.ownerId}</span>
        </Show>
        <Show when={props.card.status !== 'open'}>
          <span class="badge" classList={{ 'badge-ok': props.card.status === 'won', 'badge-danger': props.card.status === 'lost' }}>
            {t(props.card.status === 'won' ? 'kanban.won' : 'kanban.lost')}
          </span>
        </Show>
      </div>
    </article>
  );
}
