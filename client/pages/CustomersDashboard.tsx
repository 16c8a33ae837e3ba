import { For, Match, Show, Switch, createResource, createSignal, onCleanup } from 'solid-js';
import type { MetricParams, MetricResult } from '../../collab/channels/events';
import { dashboardsApi, type DashboardMetricDto } from '../api/collab';
import { Chart, cellText, type ChartKind } from '../components/Chart';
import { Icon } from '../components/Icons';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { call, connected, onConnect, unsubscribeMetric, useSocket } from '../collab/socket';
import { errorText, formatDateTime, label, locale, t } from '../i18n';
import { downloadFile } from '../lib/download';

/** How each figure is drawn; unknown metrics choose by their columns. */
const KIND: Record<string, ChartKind | 'tiles'> = {
  'customers.totals': 'tiles',
  'customers.newPerDay': 'line',
  'customers.addedThisMonthByDepartment': 'bar',
  'customers.byGrade': 'pie',
  'activities.todayByType': 'pie',
};
function kindOf(name: string, data: MetricResult | null): ChartKind | 'tiles' {
  if (KIND[name]) return KIND[name];
  return data?.columns[0]?.type === 'date' ? 'line' : 'bar';
}

/** `/dashboards/customers` — live figures on customers and activities. */
export function CustomersDashboard() {
  const [board] = createResource(async () => {
    try {
      const res = await dashboardsApi.list();
      return { dashboard: res.items.find((d) => d.name === 'customers') ?? null, error: null as unknown };
    } catch (e) {
      return { dashboard: null, error: e };
    }
  });
  return (
    <div class="page" data-testid="dashboard-customers">
      <PageHeader
        title={t('dashboard.customers.title')}
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

/** One figure: subscribed over the socket (pushed again whenever it changes), exportable to Excel. */
function MetricCard(props: { metric: DashboardMetricDto }) {
  const params: MetricParams = {};
  const name = props.metric.name;
  const [data, setData] = createSignal<MetricResult | null>(null);
  const [at, setAt] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [exporting, setExporting] = createSignal(false);
  const title = () => label(props.metric.label, name);

  const subscribe = async () => {
    try {
      const u = await call('dashboard:subscribe', { metric: name, params });
      setData(u.result);
      setAt(u.at);
      setError(null);
    } catch (e) {
      // Not connected (yet): show the figure from REST; the push resumes after the reconnect.
      try {
        setData(await dashboardsApi.metric(name));
        setAt(new Date().toISOString());
        setError(null);
      } catch (e2) {
        setError(e2 ?? e);
      }
    }
  };
  void subscribe();
  onCleanup(onConnect((reconnect) => reconnect && void subscribe()));
  onCleanup(() => unsubscribeMetric({ metric: name, params }));
  useSocket('dashboard:update', (u) => {
    if (u.metric !== name || JSON.stringify(u.params ?? {}) !== JSON.stringify(params)) return;
    setData(u.result);
    setAt(u.at);
  });

  const doExport = async () => {
    setExporting(true);
    try {
      await downloadFile(dashboardsApi.exportUrl(name, params, locale()), `${name}.xlsx`);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setExporting(false);
    }
  };
  const kind = () => kindOf(name, data());

  return (
    <section class="panel dash-card" classList={{ 'is-wide': kind() === 'tiles' }} data-testid={`metric-${name}`} aria-labelledby={`metric-${name}-title`}>
      <header class="dash-head">
        <h2 class="panel-title" id={`metric-${name}-title`}>
          {title()}
        </h2>
        <span class="spacer" />
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
          <p class="empty-state">{t('dashboard.empty')}</p>
        </Match>
        <Match when={kind() === 'tiles'}>
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
          <Chart kind={kind() as ChartKind} data={data()!} title={t('dashboard.chart', { title: title() })} emptyLabel={t('group.empty')} testid={`chart-${name}`} />
          <table class="visually-hidden">
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
                    <For each={r}>{(v, i) => <td>{cellText(data()!.columns[i()]?.type ?? 'text', v)}</td>}</For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>
      <Show when={at()}>
        <p class="muted small dash-updated">{t('dashboard.updated', { time: formatDateTime(at()) })}</p>
      </Show>
    </section>
  );
}
