import { useParams } from '@solidjs/router';
import { For, Match, Show, Switch, createEffect, createResource, createSignal, on, onCleanup } from 'solid-js';
import type { MetricParams, MetricResult } from '../../collab/channels/events';
import { dashboardsApi, type DashboardMetricDto } from '../api/collab';
import { Chart, cellText, columnIndex, valueText, type ChartSpec } from '../components/Chart';
import { Icon } from '../components/Icons';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { call, connected, onConnect, unsubscribeMetric, useSocket } from '../collab/socket';
import { dataEpoch } from '../session';
import { errorText, formatDateTime, formatMoney, formatNumber, label, locale, t } from '../i18n';
import { downloadFile } from '../lib/download';

type Kind = ChartSpec | { kind: 'tiles' };

const PERIODS = ['lastMonth', 'thisMonth'];
const BUCKETS = ['0-30', '31-60', '61-90', '90+'];

/** How each known figure is drawn; other metrics choose by their columns (see specFor). */
const SPECS: Record<string, Kind> = {
  'customers.totals': { kind: 'tiles' },
  'customers.newPerDay': { kind: 'line' },
  'customers.addedThisMonthByDepartment': { kind: 'bar' },
  'customers.byGrade': { kind: 'pie' },
  'activities.todayByType': { kind: 'pie' },
  'sales.funnel': { kind: 'funnel', value: 'amount', fallbackValue: 'count', extra: ['count', 'weighted'] },
  'sales.ordersMonthly': { kind: 'grouped', category: 'currency', series: 'period', value: 'amount', seriesOrder: PERIODS },
  'sales.receiptsMonthly': { kind: 'grouped', category: 'currency', series: 'period', value: 'amount', seriesOrder: PERIODS },
  'sales.receivablesAgeing': { kind: 'grouped', category: 'bucket', series: 'currency', value: 'amount', stack: true, categoryOrder: BUCKETS },
  'sales.topCustomers': { kind: 'grouped', category: 'customer', series: 'currency', value: 'amount', horizontal: true },
  'sales.bySalesperson': { kind: 'grouped', category: 'name', series: 'currency', value: 'amount' },
  'sales.byDepartment': { kind: 'grouped', category: 'name', series: 'currency', value: 'amount' },
};

/** A chart for a metric nobody described: per-currency money is pivoted, dates draw a line, the rest bars. */
export function specFor(name: string, data: MetricResult | null): Kind {
  if (SPECS[name]) return SPECS[name];
  if (!data) return { kind: 'bar' };
  const currency = columnIndex(data, 'currency');
  const money = data.columns.find((c) => c.type === 'money');
  const category = data.columns.find((c, i) => i !== currency && c.type === 'text');
  if (currency >= 0 && money && category) return { kind: 'grouped', category: category.name, series: 'currency', value: money.name };
  return data.columns[0]?.type === 'date' ? { kind: 'line' } : { kind: 'bar' };
}

/** `/dashboards/:name` — any dashboard of GET /api/dashboards, its figures live over the socket. */
export function DashboardPage() {
  const params = useParams();
  const [board] = createResource(
    () => params.name,
    async (name) => {
      try {
        const res = await dashboardsApi.list();
        return { dashboard: res.items.find((d) => d.name === name) ?? null, error: null as unknown };
      } catch (e) {
        return { dashboard: null, error: e };
      }
    },
  );
  const title = () => {
    const d = board()?.dashboard;
    if (!d) return t('dashboard.title');
    return t('dashboard.named', { name: label(d.label, d.name) });
  };
  return (
    <div class="page" data-testid={`dashboard-${params.name}`}>
      <PageHeader
        title={title()}
        subtitle={t('dashboard.subtitle')}
        actions={
          <span class="live-mark" classList={{ 'is-live': connected() }} role="status" data-testid="dashboard-live">
            <span class="save-dot" aria-hidden="true" />
            {connected() ? t('dashboard.live') : t('dashboard.notLive')}
          </span>
        }
      />
      <Switch>
        <Match when={board.loading}>
          <div class="panel">
            <div class="form-skeleton">
              <span class="skeleton" />
              <span class="skeleton" />
            </div>
          </div>
        </Match>
        <Match when={board()?.error}>
          <div class="panel form-alert" role="alert">
            {errorText(board()!.error)}
          </div>
        </Match>
        <Match when={!board()?.dashboard}>
          <div class="panel empty-state large">{t('dashboard.none')}</div>
        </Match>
        <Match when={board()?.dashboard}>
          <div class="dash-grid">
            <For each={board()!.dashboard!.metrics}>{(m) => <MetricCard metric={m} />}</For>
          </div>
        </Match>
      </Switch>
    </div>
  );
}

/** This month against last month, per currency, in words above the bars. */
function MonthSummary(props: { data: MetricResult; testid: string }) {
  const at = (n: string) => columnIndex(props.data, n);
  const countLabel = () => label(props.data.columns[at('count')]?.label, 'count');
  const rows = () => {
    const [p, c, n, a] = [at('period'), at('currency'), at('count'), at('amount')];
    if (p < 0 || c < 0 || a < 0) return [];
    const currencies = [...new Set(props.data.rows.map((r) => String(r[c] ?? '')))];
    return currencies.map((cur) => {
      const pick = (period: string) => props.data.rows.find((r) => r[p] === period && String(r[c] ?? '') === cur);
      const cell = (r: (string | number | null)[] | undefined) => ({ amount: r ? formatMoney(r[a] ?? 0, cur || 'CNY') : formatMoney('0', cur || 'CNY'), count: r && n >= 0 ? formatNumber(r[n] ?? 0) : '0' });
      return { currency: cur, now: cell(pick('thisMonth')), before: cell(pick('lastMonth')) };
    });
  };
  return (
    <dl class="month-summary" data-testid={props.testid}>
      <For each={rows()}>
        {(r) => (
          <div class="month-row" data-testid="month-row" data-currency={r.currency}>
            <dt>{valueText(props.data, 'period', 'thisMonth')}</dt>
            <dd>
              <strong data-testid="this-month-amount">{r.now.amount}</strong> <span class="muted small">{t('dashboard.count', { label: countLabel(), count: r.now.count })}</span>
            </dd>
            <dt>{valueText(props.data, 'period', 'lastMonth')}</dt>
            <dd>
              <span data-testid="last-month-amount">{r.before.amount}</span> <span class="muted small">{t('dashboard.count', { label: countLabel(), count: r.before.count })}</span>
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}

/** Parameters a metric offers on its card: the funnel shows one currency at a time. */
const CHOICES: Record<string, { param: string; options: string[]; initial: string }> = {
  'sales.funnel': { param: 'currency', options: ['CNY', 'USD', 'EUR', 'HKD'], initial: 'CNY' },
};
const sameParams = (a: MetricParams | undefined, b: MetricParams) => {
  const key = (p: MetricParams) => JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
  return key(a ?? {}) === key(b);
};

/** One figure: subscribed over the socket (pushed again whenever it changes), exportable to Excel. */
function MetricCard(props: { metric: DashboardMetricDto }) {
  const name = props.metric.name;
  const choice = CHOICES[name];
  const [params, setParams] = createSignal<MetricParams>(choice ? { [choice.param]: choice.initial } : {});
  const [data, setData] = createSignal<MetricResult | null>(null);
  const [at, setAt] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [exporting, setExporting] = createSignal(false);
  const title = () => label(props.metric.label, name);

  const subscribe = async () => {
    const p = params();
    try {
      const u = await call('dashboard:subscribe', { metric: name, params: p });
      if (!sameParams(p, params())) return;
      setData(u.result);
      setAt(u.at);
      setError(null);
    } catch (e) {
      // Not connected (yet): show the figure from REST; the push resumes after the reconnect.
      try {
        const result = await dashboardsApi.metric(name, p);
        if (!sameParams(p, params())) return;
        setData(result);
        setAt(new Date().toISOString());
        setError(null);
      } catch (e2) {
        setError(e2 ?? e);
      }
    }
  };
  void subscribe();
  const choose = (value: string) => {
    if (!choice) return;
    unsubscribeMetric({ metric: name, params: params() });
    setParams({ [choice.param]: value });
    setData(null);
    void subscribe();
  };
  onCleanup(onConnect((reconnect) => reconnect && void subscribe()));
  // The user changed language: the server's texts of the figure (stage names) come again.
  createEffect(on(dataEpoch, () => void subscribe(), { defer: true }));
  onCleanup(() => unsubscribeMetric({ metric: name, params: params() }));
  useSocket('dashboard:update', (u) => {
    if (u.metric !== name || !sameParams(u.params, params())) return;
    setData(u.result);
    setAt(u.at);
  });

  const doExport = async () => {
    setExporting(true);
    try {
      await downloadFile(dashboardsApi.exportUrl(name, params(), locale()), `${name}.xlsx`);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setExporting(false);
    }
  };
  const spec = () => specFor(name, data());
  const isMonthly = () => {
    const d = data();
    return !!d && columnIndex(d, 'period') >= 0 && columnIndex(d, 'currency') >= 0;
  };
  const currencyOf = (row: (string | number | null)[]) => {
    const i = columnIndex(data()!, 'currency');
    if (i >= 0) return row[i] as string | null;
    // A metric shown in one chosen currency (the funnel) has no currency column.
    return typeof params().currency === 'string' ? (params().currency as string) : null;
  };
  const cell = (row: (string | number | null)[], i: number) => {
    const col = data()!.columns[i];
    const v = row[i] ?? null;
    if (col?.type === 'text' && typeof v === 'string') return valueText(data()!, col.name, v);
    return cellText(col?.type ?? 'text', v, currencyOf(row));
  };

  return (
    <section class="panel dash-card" classList={{ 'is-wide': spec().kind === 'tiles' || spec().kind === 'funnel' }} data-testid={`metric-${name}`} aria-labelledby={`metric-${name}-title`}>
      <header class="dash-head">
        <h2 class="panel-title" id={`metric-${name}-title`}>
          {title()}
        </h2>
        <span class="spacer" />
        <Show when={choice}>
          <select
            class="select select-sm dash-choice"
            aria-label={t('dashboard.currency')}
            data-testid={`metric-param-${name}`}
            value={String(params()[choice!.param] ?? '')}
            onChange={(e) => choose(e.currentTarget.value)}
          >
            <For each={choice!.options}>{(o) => <option value={o}>{o}</option>}</For>
          </select>
        </Show>
        <button type="button" class="btn btn-sm" data-testid={`metric-export-${name}`} disabled={exporting() || !data()} onClick={doExport}>
          <Icon name="download" size={14} />
          {t('dashboard.export')}
        </button>
      </header>
      <Switch>
        <Match when={error() && !data()}>
          <div class="form-alert" role="alert">
            {errorText(error())}
          </div>
        </Match>
        <Match when={!data()}>
          <span class="skeleton chart-skeleton" />
        </Match>
        <Match when={data()!.rows.length === 0}>
          <p class="empty-state" data-testid={`metric-empty-${name}`}>
            {t('dashboard.empty')}
          </p>
        </Match>
        <Match when={spec().kind === 'tiles'}>
          <dl class="kpi-tiles">
            <For each={data()!.rows}>
              {(r) => (
                <div class="kpi" data-testid="kpi">
                  <dt>{String(r[0] ?? '')}</dt>
                  <dd data-testid="kpi-value">{cellText(data()!.columns[1]?.type ?? 'number', r[1] ?? null)}</dd>
                </div>
              )}
            </For>
          </dl>
        </Match>
        <Match when={true}>
          <Show when={isMonthly()}>
            <MonthSummary data={data()!} testid={`metric-summary-${name}`} />
          </Show>
          <Chart
            spec={spec() as ChartSpec}
            data={data()!}
            title={t('dashboard.chart', { title: title() })}
            emptyLabel={t('group.empty')}
            currency={typeof params().currency === 'string' ? (params().currency as string) : undefined}
            height={spec().kind === 'funnel' ? 300 : 260}
            testid={`chart-${name}`}
          />
        </Match>
      </Switch>
      <Show when={data() && spec().kind !== 'tiles'}>
        <table class="visually-hidden" data-testid={`metric-table-${name}`}>
          <caption>{title()}</caption>
          <thead>
            <tr>
              <For each={data()!.columns}>{(c) => <th scope="col">{label(c.label, c.name)}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={data()!.rows}>
              {(r) => (
                <tr>
                  <For each={r}>{(_v, i) => <td data-column={data()!.columns[i()]?.name}>{cell(r, i())}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={at()}>
        <p class="muted small dash-updated">{t('dashboard.updated', { time: formatDateTime(at()) })}</p>
      </Show>
    </section>
  );
}
