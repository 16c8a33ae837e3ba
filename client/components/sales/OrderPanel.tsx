import { For, Show, createEffect, createResource, createSignal, createUniqueId, on } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { ApiError, type FieldError } from '../../api/client';
import { recordsApi } from '../../api/endpoints';
import { salesApi, type LineInput, type Order, type OrderAction, type OrderLine } from '../../api/sales';
import type { FieldMeta, ObjectMeta } from '../../api/types';
import { useSocket, watchRecords } from '../../collab/socket';
import { errorText, fieldErrorText, formatDate, formatMoney, formatNumber, label, t, type MessageKey } from '../../i18n';
import { debounce } from '../../lib/list';
import { fieldOf, getMeta, optionLabel } from '../../lib/meta';
import { ACTIONS_BY_STATUS, mayOverrideCredit } from '../../lib/sales';
import { can } from '../../session';
import { confirmDialog } from '../ConfirmDialog';
import { Icon } from '../Icons';
import { Modal } from '../Modal';
import { RecordDrawer } from '../RecordDrawer';
import { RelationSelect } from '../RelationSelect';
import { toast } from '../Toasts';

type Draft = Partial<Record<LineField, unknown>> & { _labels?: Record<string, string | null> };
type LineField = 'productId' | 'unitId' | 'quantity' | 'unitPrice' | 'discount' | 'requestedDeliveryDate' | 'note';
type NewRow = { key: string; values: Draft };
type Op = { kind: 'update'; key: string; id: string; values: Draft } | { kind: 'add'; key: string; values: Draft } | { kind: 'remove'; key: string; id: string };
type CreditRefusal = { limit: string; openReceivables: string; orderTotal: string; currency: string };

const statusBadge: Record<string, string> = { draft: 'badge-muted', confirmed: 'badge-info', shipped: 'badge-warn', completed: 'badge-ok', cancelled: 'badge-danger' };

/**
 * A sales order's lines, totals and actions on its card. Line amounts and the total are the
 * server's (exact decimals); each line edit is sent at once and touches that line only, so people
 * editing the same order together do not undo each other's lines. Others' edits arrive live.
 */
export function OrderPanel(props: { order: Order; editable: boolean; onOrder: (o: Order) => void; onRefresh: () => void }) {
  const uid = createUniqueId();
  // Line metadata may be closed to people who work on lines only through their order: then the
  // panel's own labels stand in.
  const [orderMeta] = createResource(() => 'salesOrder', (o) => getMeta(o).catch(() => undefined));
  const [lineMeta] = createResource(() => 'salesOrderLine', (o) => getMeta(o).catch(() => undefined));
  const [rows, setRows] = createStore<OrderLine[]>([]);
  // The rows keep their identity across refreshes, so a field being typed into is not rebuilt.
  createEffect(on(() => props.order.lines, (lines) => setRows(reconcile(lines ?? [], { key: 'id' }))));
  const [drafts, setDrafts] = createStore<Record<string, Draft>>({});
  const [errors, setErrors] = createStore<Record<string, FieldError[]>>({});
  const [newRows, setNewRows] = createStore<NewRow[]>([]);
  const [pending, setPending] = createSignal<Set<string>>(new Set());
  const [generalError, setGeneralError] = createSignal<string | null>(null);
  const [acting, setActing] = createSignal<OrderAction | null>(null);
  const [credit, setCredit] = createSignal<CreditRefusal | null>(null);
  const [receiving, setReceiving] = createSignal(false);
  let newSeq = 0;

  const isDraft = () => props.order.status === 'draft';
  const mayEditLines = () => props.editable && isDraft();
  const lf = (name: string): FieldMeta | undefined => fieldOf(lineMeta(), name);
  const colLabel = (name: string, fallback: string) => label(lf(name)?.label, fallback);
  const fieldEditable = (name: string) => mayEditLines() && (lf(name)?.editable ?? true);
  const currency = () => props.order.currency || 'CNY';

  // ---------- live: lines changed by someone else ----------
  watchRecords({ object: 'salesOrderLine' });
  const refreshSoon = debounce(() => props.onRefresh(), 200);
  useSocket('record:changed', (c) => {
    if (c.object === 'salesOrderLine' && c.record?.salesOrderId === props.order.id) refreshSoon();
  });

  // ---------- committing line edits, one at a time ----------
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (op: Op) => {
    setPending((s) => new Set(s).add(op.key));
    queue = queue.then(() => run(op)).finally(() =>
      setPending((s) => {
        const n = new Set(s);
        n.delete(op.key);
        return n;
      }),
    );
  };
  const values = (d: Draft): Record<string, unknown> => {
    const { _labels: _l, ...v } = d;
    return v;
  };

  /** The op went through: the row's draft (what was sent) and errors are settled. */
  function settled(op: Op): void {
    setErrors(op.key, []);
    if (op.kind === 'add') {
      setNewRows((list) => list.filter((r) => r.key !== op.key));
    } else if (op.kind === 'update') {
      // Only what was sent is settled; anything typed since stays a draft.
      setDrafts(
        produce((all) => {
          const d = all[op.key];
          if (!d) return;
          for (const k of Object.keys(op.values) as (keyof Draft)[]) if (k !== '_labels' && d[k] === op.values[k]) delete d[k];
          if (Object.keys(d).filter((k) => k !== '_labels').length === 0) delete all[op.key];
        }),
      );
    }
  }

  /** Field errors of the op's line beside its fields; anything else above the table. */
  function failed(op: Op, e: unknown, lineField: (f: FieldError) => string | null): void {
    if (!(e instanceof ApiError)) return void setGeneralError(errorText(e));
    if (e.code === 'not_found' && op.kind !== 'add') {
      setDrafts(produce((all) => void delete all[op.key]));
      toast(t('order.lineGone'), 'error');
      props.onRefresh();
      return;
    }
    const mine = e.fields.flatMap((f) => {
      const name = lineField(f);
      return name ? [{ ...f, field: name }] : [];
    });
    const other = e.fields.filter((f) => lineField(f) === null);
    setErrors(op.key, mine);
    // A line written on its own names the order when the order is no longer a draft.
    if (other.some((f) => (f.field === 'salesOrderId' || f.field === 'lines') && f.code === 'protected_field')) {
      setGeneralError(t('order.notDraftAnymore'));
      props.onRefresh();
    } else if (other.length) setGeneralError(other.map((f) => fieldErrorText(f, f.field === 'lines' ? t('order.lines') : f.field)).join(' '));
    else if (!mine.length) setGeneralError(errorText(e));
  }

  const LINE_FIELDS = new Set(['productId', 'unitId', 'quantity', 'unitPrice', 'discount', 'amount', 'requestedDeliveryDate', 'note', 'lineNo']);

  async function run(op: Op): Promise<void> {
    setGeneralError(null);
    // With rights on lines themselves, each line is written on its own: nobody else's lines are
    // in the request, so two people editing one order cannot drop each other's lines. Without
    // them, the lines go through the order (the server's row lock orders the writes).
    const action = op.kind === 'add' ? 'create' : op.kind === 'remove' ? 'delete' : 'edit';
    if (can('salesOrderLine', action)) return runDirect(op);
    return runThroughOrder(op);
  }

  async function runDirect(op: Op): Promise<void> {
    try {
      if (op.kind === 'update') await recordsApi.update('salesOrderLine', op.id, values(op.values));
      else if (op.kind === 'remove') await recordsApi.remove('salesOrderLine', op.id);
      else {
        const lineNo = Math.max(0, ...rows.map((l) => Number(l.lineNo) || 0)) + 1;
        await recordsApi.create('salesOrderLine', { ...values(op.values), salesOrderId: props.order.id, lineNo });
      }
      settled(op);
    } catch (e) {
      failed(op, e, (f) => (LINE_FIELDS.has(f.field) ? f.field : null));
    }
    // The order with its new total (the server recomputed it in the same transaction).
    try {
      props.onOrder(await salesApi.order(props.order.id));
    } catch (e) {
      setGeneralError(errorText(e));
    }
  }

  async function runThroughOrder(op: Op): Promise<void> {
    let index = -1;
    try {
      // The order as it is now: lines others added or removed meanwhile are kept as they are.
      const fresh = await salesApi.order(props.order.id);
      if (fresh.status !== 'draft') {
        props.onOrder(fresh);
        setGeneralError(t('order.notDraftAnymore'));
        return;
      }
      const lines: LineInput[] = fresh.lines.map((l) => ({ id: l.id }));
      if (op.kind === 'update') {
        index = lines.findIndex((l) => l.id === op.id);
        if (index < 0) {
          props.onOrder(fresh);
          setDrafts(produce((all) => void delete all[op.key]));
          toast(t('order.lineGone'), 'error');
          return;
        }
        lines[index] = { id: op.id, ...values(op.values) };
      } else if (op.kind === 'add') {
        lines.push(values(op.values));
        index = lines.length - 1;
      } else {
        const at = lines.findIndex((l) => l.id === op.id);
        if (at < 0) {
          props.onOrder(fresh);
          return;
        }
        lines.splice(at, 1);
      }
      const saved = await salesApi.updateOrder(props.order.id, { lines });
      settled(op);
      props.onOrder(saved);
    } catch (e) {
      const prefix = `lines.${index}.`;
      failed(op, e, (f) => (index >= 0 && f.field.startsWith(prefix) ? f.field.slice(prefix.length) : null));
    }
  }

  // ---------- editing a line ----------
  const valueOf = (line: OrderLine, field: LineField): unknown => {
    const d = drafts[line.id];
    return d && field in d ? d[field] : line[field];
  };
  const labelOf = (line: OrderLine, field: 'productId' | 'unitId'): string | null => {
    const d = drafts[line.id];
    if (d && field in d) return d._labels?.[field] ?? null;
    return line._labels?.[field] ?? null;
  };
  /** Keeps what is being typed; sent on change (blur, Enter, a pick). */
  const type = (key: string, field: LineField, v: unknown) => {
    setDrafts(key, (d) => ({ ...(d ?? {}), [field]: v }));
  };
  const commitLine = (line: OrderLine, changes: Draft) => {
    setDrafts(line.id, (d) => ({ ...(d ?? {}), ...changes, _labels: { ...(d?._labels ?? {}), ...(changes._labels ?? {}) } }));
    enqueue({ kind: 'update', key: line.id, id: line.id, values: changes });
  };

  // ---------- new lines ----------
  const addRow = () => {
    const key = `new-${++newSeq}`;
    setNewRows((list) => [...list, { key, values: { quantity: 1, discount: 0 } }]);
    queueMicrotask(() => document.querySelector<HTMLElement>(`[data-line-key="${key}"] [data-testid="line-product"]`)?.focus());
  };
  const setNew = (key: string, changes: Draft, send: boolean) => {
    setNewRows(
      (r) => r.key === key,
      'values',
      (v) => ({ ...v, ...changes, _labels: { ...(v._labels ?? {}), ...(changes._labels ?? {}) } }),
    );
    const row = newRows.find((r) => r.key === key);
    // A new line is sent once it has a product; until then it stays here (and once only).
    if (send && row?.values.productId && !pending().has(key)) enqueue({ kind: 'add', key, values: { ...row.values } });
  };

  // ---------- actions ----------
  const act = async (action: OrderAction, body: { override?: boolean; reason?: string } = {}) => {
    if (action === 'cancel') {
      const ok = await confirmDialog({ title: t('order.cancelTitle', { code: props.order.code }), body: t('order.cancelBody'), confirmLabel: t('order.action.cancel'), danger: true });
      if (!ok) return;
    }
    setActing(action);
    setGeneralError(null);
    try {
      const o = await salesApi.act(props.order.id, action, body);
      props.onOrder(o);
      setCredit(null);
      toast(t(`order.done.${action}` as MessageKey, { code: o.code }));
    } catch (e) {
      const over = e instanceof ApiError ? e.fields.find((f) => f.field === 'creditLimit') : undefined;
      if (over && action === 'confirm' && !body.override) {
        setCredit(over.params as CreditRefusal);
        return;
      }
      if (body.override) throw e;
      setGeneralError(actionError(e));
    } finally {
      setActing(null);
    }
  };

  const receivable = () => props.order.receivable;
  const mayReceive = () => !!receivable() && receivable()!.status === 'open' && can('receipt', 'create');
  const statusText = () => optionLabel(fieldOf(orderMeta(), 'status'), props.order.status);

  return (
    <section class="panel order-panel" data-testid="order-panel" aria-labelledby={`${uid}-title`}>
      <header class="order-head">
        <h2 class="panel-title" id={`${uid}-title`}>
          {t('order.lines')}
        </h2>
        <span class={`badge ${statusBadge[props.order.status] ?? 'badge-muted'}`} data-testid="order-status" data-status={props.order.status}>
          {statusText()}
        </span>
        <span class="spacer" />
        <div class="order-actions">
          <Show when={mayReceive()}>
            <button type="button" class="btn" data-testid="order-receive" onClick={() => setReceiving(true)}>
              <Icon name="receipt" size={16} />
              {t('order.receive')}
            </button>
          </Show>
          <Show when={props.editable}>
            <For each={ACTIONS_BY_STATUS[props.order.status] ?? []}>
              {(a) => (
                <button
                  type="button"
                  class="btn"
                  classList={{ 'btn-primary': a === 'confirm', 'btn-danger-ghost': a === 'cancel' }}
                  data-testid={`order-${a}`}
                  disabled={acting() !== null || pending().size > 0}
                  onClick={() => void act(a)}
                >
                  {acting() === a ? t('common.saving') : t(`order.action.${a}` as MessageKey)}
                </button>
              )}
            </For>
          </Show>
        </div>
      </header>
      <Show when={props.order.creditOverrideReason}>
        <div class="form-info record-note" role="note" data-testid="order-override-note">
          {t('order.overridden', { reason: String(props.order.creditOverrideReason) })}
        </div>
      </Show>
      <Show when={generalError()}>
        <div class="form-alert" role="alert" data-testid="order-error">
          {generalError()}
        </div>
      </Show>
      <div class="table-scroll">
        <table class="table order-lines" data-testid="order-lines">
          <thead>
            <tr>
              <th scope="col" class="align-right line-no">
                #
              </th>
              <th scope="col" class="line-product">{colLabel('productId', t('customerSales.product'))}</th>
              <th scope="col" class="line-unit">{colLabel('unitId', t('customerSales.unit'))}</th>
              <th scope="col" class="align-right line-num">{colLabel('quantity', t('customerSales.quantity'))}</th>
              <th scope="col" class="align-right line-money">{colLabel('unitPrice', t('customerSales.unitPrice'))}</th>
              <th scope="col" class="align-right line-num">{colLabel('discount', t('order.discount'))} %</th>
              <th scope="col" class="align-right line-money">{colLabel('amount', t('customerSales.amount'))}</th>
              <th scope="col" class="line-date">{colLabel('requestedDeliveryDate', t('order.requestedDelivery'))}</th>
              <th scope="col">
                <span class="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows}>
              {(line, i) => (
                <LineRow
                  key={line.id}
                  no={i() + 1}
                  meta={lineMeta()}
                  value={(f) => valueOf(line, f)}
                  labelOf={(f) => labelOf(line, f)}
                  amount={line.amount}
                  currency={currency()}
                  stale={!!drafts[line.id] || pending().has(line.id)}
                  errors={errors[line.id] ?? []}
                  editable={fieldEditable}
                  readOnly={!mayEditLines()}
                  onType={(f, v) => type(line.id, f, v)}
                  onCommit={(changes) => commitLine(line, changes)}
                  onRemove={mayEditLines() ? () => enqueue({ kind: 'remove', key: line.id, id: line.id }) : undefined}
                />
              )}
            </For>
            <For each={newRows}>
              {(row, i) => (
                <LineRow
                  key={row.key}
                  no={rows.length + i() + 1}
                  meta={lineMeta()}
                  value={(f) => row.values[f]}
                  labelOf={(f) => row.values._labels?.[f] ?? null}
                  amount={null}
                  currency={currency()}
                  stale
                  isNew
                  errors={errors[row.key] ?? []}
                  editable={(f) => fieldEditable(f) && !pending().has(row.key)}
                  onType={(f, v) => setNew(row.key, { [f]: v }, false)}
                  onCommit={(changes) => setNew(row.key, changes, true)}
                  onRemove={() => setNewRows((list) => list.filter((r) => r.key !== row.key))}
                />
              )}
            </For>
            <Show when={rows.length === 0 && newRows.length === 0}>
              <tr>
                <td colSpan={9} class="empty-state" data-testid="order-no-lines">
                  {mayEditLines() ? t('order.noLinesYet') : t('order.noLines')}
                </td>
              </tr>
            </Show>
          </tbody>
          <tfoot>
            <tr class="order-total-row">
              <td colSpan={6} class="align-right">
                <Show when={mayEditLines()}>
                  <button type="button" class="btn btn-sm order-add-line" data-testid="order-add-line" onClick={addRow}>
                    <Icon name="plus" size={14} />
                    {t('order.addLine')}
                  </button>
                </Show>
                <span class="order-total-label">{t('order.total')}</span>
              </td>
              <td class="align-right">
                <strong data-testid="order-total" classList={{ 'is-stale': pending().size > 0 }}>
                  {formatMoney(props.order.total ?? '0', currency())}
                </strong>
              </td>
              <td colSpan={2} class="muted small">
                <Show when={pending().size > 0}>{t('order.recomputing')}</Show>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <Show when={receivable()}>
        <dl class="order-receivable" data-testid="order-receivable">
          <div>
            <dt>{t('order.receivable')}</dt>
            <dd>{formatMoney(receivable()!.amount, receivable()!.currency ?? currency())}</dd>
          </div>
          <div>
            <dt>{t('order.received')}</dt>
            <dd data-testid="order-received">{formatMoney(receivable()!.received, receivable()!.currency ?? currency())}</dd>
          </div>
          <div>
            <dt>{t('order.balance')}</dt>
            <dd data-testid="order-balance">
              <strong>{formatMoney(receivable()!.balance, receivable()!.currency ?? currency())}</strong>
            </dd>
          </div>
        </dl>
      </Show>
      <CreditDialog refusal={credit()} code={props.order.code} onClose={() => setCredit(null)} onOverride={(reason) => act('confirm', { override: true, reason })} />
      <RecordDrawer
        object="receipt"
        recordId={receiving() ? null : undefined}
        defaults={{ salesOrderId: props.order.id, _labels: { salesOrderId: props.order.code } }}
        onClose={() => setReceiving(false)}
        onSaved={() => props.onRefresh()}
      />
    </section>
  );
}

/** A refused action in words: the order-specific reasons, else the generic ones. */
function actionError(e: unknown): string {
  if (!(e instanceof ApiError)) return errorText(e);
  const f = e.fields[0];
  if (f?.field === 'lines' && f.code === 'required') return t('order.needsLines');
  if (f?.field === 'status' && f.code === 'in_use') return t('order.hasReceipts');
  if (f?.field === 'status' && f.code === 'invalid_option') return t('order.wrongStatus');
  return f ? fieldErrorText(f) : errorText(e);
}

const FALLBACK_LABELS: Record<string, () => string> = {
  productId: () => t('customerSales.product'),
  unitId: () => t('customerSales.unit'),
  quantity: () => t('customerSales.quantity'),
  unitPrice: () => t('customerSales.unitPrice'),
  discount: () => t('order.discount'),
  amount: () => t('customerSales.amount'),
  requestedDeliveryDate: () => t('order.requestedDelivery'),
};

function LineRow(props: {
  key: string;
  no: number;
  meta: ObjectMeta | undefined;
  value: (f: LineField) => unknown;
  labelOf: (f: 'productId' | 'unitId') => string | null;
  amount: string | null;
  currency: string;
  stale: boolean;
  isNew?: boolean;
  errors: FieldError[];
  editable: (field: string) => boolean;
  /** Not a draft, or not the user's to edit: plain text instead of inputs. */
  readOnly?: boolean;
  onType: (f: LineField, v: unknown) => void;
  onCommit: (changes: Draft) => void;
  onRemove?: () => void;
}) {
  const uid = createUniqueId();
  const errs = (f: string) => props.errors.filter((e) => e.field === f);
  const invalid = (f: string) => errs(f).length > 0;
  const str = (f: LineField) => {
    const v = props.value(f);
    return v === null || v === undefined ? '' : String(v);
  };
  const fieldLabel = (f: string) => label(fieldOf(props.meta, f)?.label, FALLBACK_LABELS[f]?.() ?? f);
  const aria = (f: string) => t('order.lineField', { field: fieldLabel(f), n: props.no });
  const num = (raw: string): number | null => (raw.trim() === '' ? null : Number(raw));
  const errorCell = (f: string) => (
    <Show when={invalid(f)}>
      <div class="field-error" id={`${uid}-${f}-err`} data-testid={`line-error-${f}`}>
        {errs(f)
          .map((e) => fieldErrorText(e, fieldLabel(f)))
          .join(' ')}
      </div>
    </Show>
  );
  const common = (f: string) => ({
    'aria-label': aria(f),
    'aria-invalid': invalid(f) ? ('true' as const) : undefined,
    'aria-describedby': invalid(f) ? `${uid}-${f}-err` : undefined,
    disabled: !props.editable(f),
  });
  return (
    <tr data-testid="order-line" data-line-key={props.key} classList={{ 'is-new': !!props.isNew }}>
      <td class="align-right muted line-no">{formatNumber(props.no)}</td>
      <td class="line-product" data-label={fieldLabel('productId')}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{props.labelOf('productId') ?? '—'}</span>}>
          <RelationSelect
            id={`${uid}-product`}
            relation="product"
            value={(props.value('productId') as string | null) ?? null}
            label={props.labelOf('productId')}
            invalid={invalid('productId')}
            describedBy={invalid('productId') ? `${uid}-productId-err` : undefined}
            disabled={!props.editable('productId')}
            placeholder={t('order.pickProduct')}
            testid="line-product"
            onChange={(id, l) => {
              // Another product: its own unit and list price, unless set again afterwards.
              props.onCommit({ productId: id, unitId: null, unitPrice: null, _labels: { productId: l, unitId: null } });
            }}
          />
        </Show>
        {errorCell('productId')}
      </td>
      <td class="line-unit" data-label={fieldLabel('unitId')}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{props.labelOf('unitId') ?? ''}</span>}>
          <RelationSelect
            id={`${uid}-unit`}
            relation="unit"
            value={(props.value('unitId') as string | null) ?? null}
            label={props.labelOf('unitId')}
            disabled={!props.editable('unitId')}
            placeholder={t('order.productUnit')}
            testid="line-unit"
            onChange={(id, l) => props.onCommit({ unitId: id, _labels: { unitId: l } })}
          />
        </Show>
        {errorCell('unitId')}
      </td>
      <td class="align-right line-num" data-label={fieldLabel('quantity')}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{formatNumber(props.value('quantity') as number)}</span>}>
          <input
            {...common('quantity')}
            class="input input-sm align-right"
            type="number"
            inputmode="decimal"
            step="any"
            min="0"
            value={str('quantity')}
            data-testid="line-quantity"
            onInput={(e) => props.onType('quantity', num(e.currentTarget.value))}
            onChange={(e) => props.onCommit({ quantity: num(e.currentTarget.value) })}
          />
        </Show>
        {errorCell('quantity')}
      </td>
      <td class="align-right line-money" data-label={fieldLabel('unitPrice')}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{props.value('unitPrice') == null ? '—' : formatMoney(props.value('unitPrice') as string, props.currency)}</span>}>
          <input
            {...common('unitPrice')}
            class="input input-sm align-right"
            inputmode="decimal"
            placeholder={t('order.listPrice')}
            value={str('unitPrice')}
            data-testid="line-price"
            // Money stays the decimal text that was typed: no float on the way.
            onInput={(e) => props.onType('unitPrice', e.currentTarget.value.trim() || null)}
            onChange={(e) => props.onCommit({ unitPrice: e.currentTarget.value.trim() || null })}
          />
        </Show>
        {errorCell('unitPrice')}
      </td>
      <td class="align-right line-num" data-label={`${fieldLabel('discount')} %`}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{formatNumber(props.value('discount') as number)}</span>}>
          <input
            {...common('discount')}
            class="input input-sm align-right"
            type="number"
            inputmode="decimal"
            step="any"
            min="0"
            max="100"
            value={str('discount')}
            data-testid="line-discount"
            onInput={(e) => props.onType('discount', num(e.currentTarget.value) ?? 0)}
            onChange={(e) => props.onCommit({ discount: num(e.currentTarget.value) ?? 0 })}
          />
        </Show>
        {errorCell('discount')}
      </td>
      <td class="align-right line-money" data-label={fieldLabel('amount')}>
        <span class="line-amount" classList={{ 'is-stale': props.stale }} data-testid="line-amount">
          {props.amount === null ? '—' : formatMoney(props.amount, props.currency)}
        </span>
        {errorCell('amount')}
      </td>
      <td class="line-date" data-label={fieldLabel('requestedDeliveryDate')}>
        <Show when={!props.readOnly} fallback={<span class="static-cell">{formatDate(props.value('requestedDeliveryDate') as string | null)}</span>}>
          <input
            {...common('requestedDeliveryDate')}
            class="input input-sm"
            type="date"
            value={str('requestedDeliveryDate').slice(0, 10)}
            data-testid="line-delivery"
            onChange={(e) => props.onCommit({ requestedDeliveryDate: e.currentTarget.value || null })}
          />
        </Show>
        {errorCell('requestedDeliveryDate')}
      </td>
      <td class="line-remove">
        <Show when={props.onRemove}>
          <button type="button" class="icon-button icon-button-sm" aria-label={t('order.removeLine', { n: props.no })} data-testid="line-remove" onClick={() => props.onRemove!()}>
            <Icon name="close" size={16} />
          </button>
        </Show>
      </td>
    </tr>
  );
}

/** Over the customer's credit limit: the figures, and for those who may, an override with a reason. */
function CreditDialog(props: { refusal: CreditRefusal | null; code: string; onClose: () => void; onOverride: (reason: string) => Promise<void> }) {
  const id = createUniqueId();
  const [reason, setReason] = createSignal('');
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const may = () => mayOverrideCredit();
  const money = (v: string) => formatMoney(v, props.refusal?.currency ?? 'CNY');
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setError(null);
    if (!reason().trim()) {
      setErrors([{ field: 'reason', code: 'required' }]);
      return;
    }
    setBusy(true);
    try {
      await props.onOverride(reason().trim());
      setReason('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'forbidden') setError(t('order.credit.forbidden'));
      else if (err instanceof ApiError && err.fields.some((f) => f.field === 'reason')) setErrors(err.fields.filter((f) => f.field === 'reason'));
      else setError(actionError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.refusal !== null}
      onClose={props.onClose}
      title={t('order.credit.title')}
      size="md"
      alert
      testid="credit-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>
            {may() ? t('common.cancel') : t('common.close')}
          </button>
          <Show when={may()}>
            <button type="submit" form={`${id}-form`} class="btn btn-danger" disabled={busy()} data-testid="credit-override">
              {busy() ? t('common.saving') : t('order.credit.override')}
            </button>
          </Show>
        </>
      }
    >
      <Show when={props.refusal}>
        {(r) => (
          <div class="stack">
            <p data-testid="credit-message">{t('order.credit.body', { code: props.code })}</p>
            <dl class="credit-figures">
              <div>
                <dt>{t('order.credit.limit')}</dt>
                <dd data-testid="credit-limit">{money(r().limit)}</dd>
              </div>
              <div>
                <dt>{t('order.credit.open')}</dt>
                <dd>{money(r().openReceivables)}</dd>
              </div>
              <div>
                <dt>{t('order.credit.thisOrder')}</dt>
                <dd>{money(r().orderTotal)}</dd>
              </div>
            </dl>
            <Show when={error()}>
              <div class="form-alert" role="alert">
                {error()}
              </div>
            </Show>
            <Show when={may()} fallback={<p class="muted">{t('order.credit.askManager')}</p>}>
              <form id={`${id}-form`} onSubmit={submit} novalidate>
                <div class="form-field is-wide" classList={{ 'is-invalid': errors().length > 0 }}>
                  <label class="form-label" for={`${id}-reason`}>
                    {t('order.credit.reason')}
                    <span class="req" aria-hidden="true">
                      *
                    </span>
                  </label>
                  <textarea
                    id={`${id}-reason`}
                    class="textarea"
                    rows={3}
                    maxLength={500}
                    value={reason()}
                    data-testid="credit-reason"
                    aria-invalid={errors().length ? 'true' : undefined}
                    aria-describedby={errors().length ? `${id}-reason-err` : `${id}-reason-hint`}
                    onInput={(e) => setReason(e.currentTarget.value)}
                  />
                  <Show when={errors().length} fallback={<div class="field-hint" id={`${id}-reason-hint`}>{t('order.credit.reasonHint')}</div>}>
                    <div class="field-error" id={`${id}-reason-err`}>
                      {errors()
                        .map((f) => fieldErrorText(f))
                        .join(' ')}
                    </div>
                  </Show>
                </div>
              </form>
            </Show>
          </div>
        )}
      </Show>
    </Modal>
  );
}
