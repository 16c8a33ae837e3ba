import { A } from '@solidjs/router';
import { For, Match, Show, Switch, createResource } from 'solid-js';
import { salesApi, type StageTotal, type StageVisit } from '../../api/sales';
import { useSocket, watchRecords } from '../../collab/socket';
import { errorText, formatDate, formatDateTime, formatMoney, formatNumber, locale, t } from '../../i18n';
import { debounce } from '../../lib/list';
import { durationText } from '../../lib/sales';

/** Refetches when a record of these objects for this customer changes anywhere. */
function useCustomerChanges(customerId: () => string, objects: string[], refetch: () => void) {
  for (const object of objects) watchRecords({ object });
  const soon = debounce(refetch, 300);
  useSocket('record:changed', (c) => {
    if (!objects.includes(c.object)) return;
    // A change that no longer carries the customer (deleted, moved away) may still have been ours.
    if (!c.record || c.record.customerId === customerId() || c.action === 'delete') soon();
  });
}

/** What the customer bought: per product and currency, then line by line (from confirmed orders). */
export function PurchasedProductsTab(props: { customerId: string }) {
  const [data, { refetch }] = createResource(
    () => props.customerId,
    async (id) => {
      try {
        return { ...(await salesApi.purchased(id)), error: null as unknown };
      } catch (e) {
        return { lines: [], products: [], error: e };
      }
    },
  );
  useCustomerChanges(() => props.customerId, ['salesOrder', 'salesOrderLine'], () => void refetch());
  return (
    <div class="stack-lg" data-testid="purchased-products">
      <Switch>
        <Match when={!data.latest}>
          <div class="form-skeleton">
            <span class="skeleton" />
            <span class="skeleton" />
          </div>
        </Match>
        <Match when={data.latest!.error}>
          <div class="form-alert" role="alert">
            {errorText(data.latest!.error)}
          </div>
        </Match>
        <Match when={data.latest!.products.length === 0}>
          <div class="empty-state" role="status">
            {t('customerSales.noPurchases')}
          </div>
        </Match>
        <Match when={true}>
          <section>
            <h3 class="section-title">{t('customerSales.byProduct')}</h3>
            <div class="table-scroll">
              <table class="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">{t('customerSales.product')}</th>
                    <th scope="col" class="align-right">
                      {t('customerSales.quantity')}
                    </th>
                    <th scope="col" class="align-right">
                      {t('customerSales.amount')}
                    </th>
                    <th scope="col" class="align-right">
                      {t('customerSales.orders')}
                    </th>
                    <th scope="col">{t('customerSales.lastDate')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={data.latest!.products}>
                    {(p) => (
                      <tr data-testid="purchased-product">
                        <td>
                          <A href={`/records/product/${p.productId}`}>{p.productName}</A> <span class="muted small mono">{p.productCode}</span>
                        </td>
                        <td class="align-right">{formatNumber(p.quantity)}</td>
                        <td class="align-right">{p.amount === null ? '—' : formatMoney(p.amount, p.currency)}</td>
                        <td class="align-right">{formatNumber(p.orders)}</td>
                        <td>{formatDate(p.lastDate)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
          <section>
            <h3 class="section-title">{t('customerSales.lines')}</h3>
            <div class="table-scroll">
              <table class="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">{t('customerSales.date')}</th>
                    <th scope="col">{t('customerSales.order')}</th>
                    <th scope="col">{t('customerSales.product')}</th>
                    <th scope="col" class="align-right">
                      {t('customerSales.quantity')}
                    </th>
                    <th scope="col">{t('customerSales.unit')}</th>
                    <th scope="col" class="align-right">
                      {t('customerSales.unitPrice')}
                    </th>
                    <th scope="col" class="align-right">
                      {t('customerSales.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={data.latest!.lines}>
                    {(l) => (
                      <tr data-testid="purchased-line">
                        <td>{formatDate(l.date)}</td>
                        <td>
                          <A href={`/records/salesOrder/${l.orderId}`}>{l.orderCode}</A>
                        </td>
                        <td>{l.productName}</td>
                        <td class="align-right">{formatNumber(l.quantity)}</td>
                        <td>{l.unit ?? ''}</td>
                        <td class="align-right">{l.unitPrice === null ? '—' : formatMoney(l.unitPrice, l.currency)}</td>
                        <td class="align-right">{l.amount === null ? '—' : formatMoney(l.amount, l.currency)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
        </Match>
      </Switch>
    </div>
  );
}

/** The customer's receivable balance per currency, kept current as orders and receipts change. */
export function ReceivableBalance(props: { customerId: string }) {
  const [data, { refetch }] = createResource(
    () => props.customerId,
    async (id) => {
      try {
        return { items: (await salesApi.balance(id)).currencies, error: null as unknown };
      } catch (e) {
        return { items: [], error: e };
      }
    },
  );
  useCustomerChanges(() => props.customerId, ['receivable', 'receipt'], () => void refetch());
  return (
    <div data-testid="receivable-balance">
      <Switch>
        <Match when={!data.latest}>
          <span class="skeleton" />
        </Match>
        <Match when={data.latest!.error}>
          <div class="form-alert" role="alert">
            {errorText(data.latest!.error)}
          </div>
        </Match>
        <Match when={data.latest!.items.length === 0}>
          <p class="muted">{t('customerSales.noReceivables')}</p>
        </Match>
        <Match when={true}>
          <div class="balance-tiles">
            <For each={data.latest!.items}>
              {(b) => (
                <dl class="balance-tile" data-testid="balance-currency" data-currency={b.currency}>
                  <div class="balance-main">
                    <dt>{t('customerSales.balance', { currency: b.currency })}</dt>
                    <dd data-testid="balance-amount">{formatMoney(b.balance, b.currency)}</dd>
                  </div>
                  <div>
                    <dt>{t('customerSales.receivable')}</dt>
                    <dd>{formatMoney(b.amount, b.currency)}</dd>
                  </div>
                  <div>
                    <dt>{t('customerSales.received')}</dt>
                    <dd>{formatMoney(b.received, b.currency)}</dd>
                  </div>
                  <div>
                    <dt>{t('customerSales.open')}</dt>
                    <dd>{t('customerSales.openOf', { open: formatNumber(b.open), total: formatNumber(b.receivables) })}</dd>
                  </div>
                </dl>
              )}
            </For>
          </div>
        </Match>
      </Switch>
    </div>
  );
}

const stageLabel = (s: { stageName: string | null; stageNameEn: string | null }) => (locale() === 'en' ? s.stageNameEn || s.stageName : s.stageName || s.stageNameEn) ?? '—';

/** The stages an opportunity went through and how long it stayed in each. */
export function StageHistoryTab(props: { opportunityId: string; version: number }) {
  const [data] = createResource(
    () => ({ id: props.opportunityId, v: props.version }),
    async (k) => {
      try {
        return { ...(await salesApi.stageHistory(k.id)), error: null as unknown };
      } catch (e) {
        return { visits: [] as StageVisit[], totals: [] as StageTotal[], error: e };
      }
    },
  );
  return (
    <div class="stack-lg" data-testid="stage-history">
      <Show when={data.latest?.error}>
        <div class="form-alert" role="alert">
          {errorText(data.latest!.error)}
        </div>
      </Show>
      <Show when={(data.latest?.totals.length ?? 0) > 0}>
        <section>
          <h3 class="section-title">{t('stageHistory.perStage')}</h3>
          <ul class="stage-bars">
            <For each={data.latest!.totals}>
              {(s) => {
                const max = () => Math.max(1, ...data.latest!.totals.map((x) => x.durationMs));
                return (
                  <li data-testid="stage-total">
                    <span class="stage-bar-name">{stageLabel(s)}</span>
                    <span class="stage-bar-track" aria-hidden="true">
                      <span class="stage-bar-fill" style={{ width: `${Math.max(2, (s.durationMs / max()) * 100)}%` }} />
                    </span>
                    <span class="stage-bar-value">
                      {durationText(s.durationMs)}
                      <Show when={s.visits > 1}>
                        <span class="muted small"> · {t('stageHistory.visits', { count: s.visits })}</span>
                      </Show>
                    </span>
                  </li>
                );
              }}
            </For>
          </ul>
        </section>
        <section>
          <h3 class="section-title">{t('stageHistory.visitsTitle')}</h3>
          <ol class="timeline">
            <For each={data.latest!.visits}>
              {(v) => (
                <li class="timeline-item" data-testid="stage-visit">
                  <span class="timeline-dot" aria-hidden="true" />
                  <div class="timeline-head">
                    <strong>{stageLabel(v)}</strong>
                    <span class="muted small">
                      {formatDateTime(v.enteredAt)} → {v.leftAt ? formatDateTime(v.leftAt) : t('stageHistory.now')} · {durationText(v.durationMs)}
                      <Show when={v.userLogin}> · {v.userLogin}</Show>
                    </span>
                  </div>
                </li>
              )}
            </For>
          </ol>
        </section>
      </Show>
    </div>
  );
}
