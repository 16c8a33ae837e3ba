import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, FunnelSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { createEffect, onCleanup, onMount } from 'solid-js';
import type { MetricResult } from '../../collab/channels/events';
import { formatDate, formatMoney, formatNumber, label, locale } from '../i18n';

// Only the pieces the dashboards draw, so the bundle carries no more of ECharts than that.
echarts.use([BarChart, FunnelChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<
  BarSeriesOption | FunnelSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;
export type ChartKind = 'bar' | 'line' | 'pie';

/**
 * How a metric's table becomes a chart.
 * - bar / line / pie: the first column is the category, each numeric column a series.
 * - funnel: one slice per row (in the rows' order), sized by `value`; `extra` columns go in the tooltip.
 * - grouped: a long table pivoted to bars: `category` along the axis, one bar series per value of
 *   `series` (a currency, a period), heights from `value`.
 */
export type ChartSpec =
  | { kind: ChartKind }
  | { kind: 'funnel'; value: string; fallbackValue?: string; extra?: string[] }
  | { kind: 'grouped'; category: string; series: string; value: string; horizontal?: boolean; stack?: boolean; categoryOrder?: string[]; seriesOrder?: string[] };

type Cell = string | number | null;
type ColumnType = MetricResult['columns'][number]['type'];

const COLORS = ['#2f5fd0', '#1f7a4d', '#b35c00', '#8a4fd0', '#0f7c8c', '#c0362c', '#c02c7a', '#5a6b12', '#6b4a2f', '#3d4fa8'];

/** A cell as text per its column type and the current locale; money in the row's currency. */
export function cellText(type: ColumnType, v: Cell, currency?: string | null): string {
  if (v === null || v === undefined) return '—';
  if (type === 'number') return formatNumber(v);
  if (type === 'money') return formatMoney(v, currency || 'CNY');
  if (type === 'date') return formatDate(String(v));
  return String(v);
}

/** The index of a named column, or -1. */
export const columnIndex = (data: MetricResult, name: string): number => data.columns.findIndex((c) => c.name === name);

/** A text value as it reads in this language: the words of its column's options for a code ('thisMonth' → "This month"), else as sent. */
export function valueText(data: MetricResult, column: string, value: string): string {
  const option = data.columns.find((c) => c.name === column)?.options?.find((o) => o.value === value);
  return option ? label(option.label, value) : value;
}

/** A chart's input: the figures (coded text values read through their column's options). */
export type ChartInput = {
  spec: ChartSpec;
  data: MetricResult;
  emptyLabel: string;
  /** The currency of money cells when the table has no currency column. */
  currency?: string;
};

function optionFor(input: ChartInput): Option {
  const { spec, data, emptyLabel } = input;
  const textOf = (column: string, v: Cell) => (v === null || v === '' ? emptyLabel : valueText(data, column, String(v)));
  const currencyAt = columnIndex(data, 'currency');
  if (spec.kind === 'funnel') return funnelOption(spec, data, textOf, currencyAt, input.currency);
  if (spec.kind === 'grouped') return groupedOption(spec, data, textOf);
  const [cat, ...values] = data.columns;
  const categories = data.rows.map((r) => cellText(cat.type, r[0] ?? null).replace(/^—$/, emptyLabel)).map((c) => textOf(cat.name, c));
  const fmt = (type: string) => (v: unknown) => (typeof v === 'number' ? (type === 'money' ? formatMoney(v) : formatNumber(v)) : String(v ?? ''));
  const numeric = values.filter((c) => c.type === 'number' || c.type === 'money');
  if (spec.kind === 'pie') {
    const col = numeric[0];
    const j = col ? data.columns.indexOf(col) : 1;
    return {
      color: COLORS,
      tooltip: { trigger: 'item', valueFormatter: fmt(col?.type ?? 'number') },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          name: col ? label(col.label, col.name) : '',
          label: { formatter: '{b}: {c}' },
          data: data.rows.map((r, i) => ({ name: categories[i], value: Number(r[j] ?? 0) })),
        },
      ],
    };
  }
  return {
    color: COLORS,
    grid: { left: 8, right: 16, top: 24, bottom: numeric.length > 1 ? 36 : 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: fmt(numeric[0]?.type ?? 'number') },
    legend: numeric.length > 1 ? { bottom: 0 } : undefined,
    xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: numeric.map((col) => {
      const j = data.columns.indexOf(col);
      return spec.kind === 'line'
        ? ({ type: 'line', name: label(col.label, col.name), showSymbol: false, areaStyle: { opacity: 0.12 }, data: data.rows.map((r) => Number(r[j] ?? 0)) } satisfies LineSeriesOption)
        : ({ type: 'bar', name: label(col.label, col.name), barMaxWidth: 36, data: data.rows.map((r) => Number(r[j] ?? 0)) } satisfies BarSeriesOption);
    }),
  };
}

function funnelOption(spec: Extract<ChartSpec, { kind: 'funnel' }>, data: MetricResult, textOf: (c: string, v: Cell) => string, currencyAt: number, currency?: string): Option {
  const nameCol = data.columns[0];
  let valueAt = columnIndex(data, spec.value);
  // Nothing to show by amount (no amounts yet): label with the fallback (a count) instead.
  const fallbackAt = spec.fallbackValue ? columnIndex(data, spec.fallbackValue) : -1;
  if (fallbackAt >= 0 && data.rows.every((r) => !Number(r[valueAt] ?? 0))) valueAt = fallbackAt;
  const valueCol = data.columns[valueAt];
  const extras = (spec.extra ?? []).map((n) => columnIndex(data, n)).filter((i) => i >= 0);
  const text = (row: Cell[], i: number) => cellText(data.columns[i].type, row[i] ?? null, currencyAt >= 0 ? (row[currencyAt] as string) : currency);
  // The slices narrow stage by stage, as a pipeline does; their figures are in the labels, since
  // amounts per stage rarely shrink in order and a funnel sized by them would read as noise.
  const rows = data.rows.map((r, i) => ({
    name: textOf(nameCol.name, r[0] ?? null),
    value: data.rows.length - i,
    tip: [valueAt, ...extras.filter((j) => j !== valueAt)].map((j) => `${label(data.columns[j].label, data.columns[j].name)}: ${text(r, j)}`).join('<br/>'),
  }));
  return {
    color: COLORS,
    tooltip: { trigger: 'item', formatter: (p: unknown) => {
      const item = p as { dataIndex: number; name: string };
      return `<strong>${escapeHtml(item.name)}</strong><br/>${rows[item.dataIndex]?.tip ?? ''}`;
    } },
    series: [
      {
        type: 'funnel',
        name: valueCol ? label(valueCol.label, valueCol.name) : '',
        sort: 'none',
        left: '8%',
        width: '84%',
        top: 8,
        bottom: 8,
        minSize: '30%',
        gap: 2,
        label: { position: 'inside', formatter: (p: unknown) => {
          const item = p as { dataIndex: number; name: string };
          const r = data.rows[item.dataIndex];
          if (!r) return item.name;
          const count = fallbackAt >= 0 && fallbackAt !== valueAt ? ` (${text(r, fallbackAt)})` : '';
          return `${item.name}  ${text(r, valueAt)}${count}`;
        } },
        data: rows.map(({ name, value }) => ({ name, value })),
      },
    ],
  };
}

function groupedOption(spec: Extract<ChartSpec, { kind: 'grouped' }>, data: MetricResult, textOf: (c: string, v: Cell) => string): Option {
  const c = columnIndex(data, spec.category);
  const s = columnIndex(data, spec.series);
  const v = columnIndex(data, spec.value);
  const valueType = data.columns[v]?.type ?? 'number';
  const ordered = (seen: string[], order?: string[]) => (order ? [...order.filter((x) => seen.includes(x)), ...seen.filter((x) => !order.includes(x))] : seen);
  const distinct = (i: number) => [...new Set(data.rows.map((r) => String(r[i] ?? '')))];
  const categories = ordered(distinct(c), spec.categoryOrder);
  const series = ordered(distinct(s), spec.seriesOrder);
  const at = new Map(data.rows.map((r) => [`${String(r[c] ?? '')}\u0000${String(r[s] ?? '')}`, r]));
  const isCurrency = spec.series === 'currency';
  const currencyAt = columnIndex(data, 'currency');
  /** The exact figure of one bar, as the server sent it. */
  const barText = (cat: string, x: string) => {
    const row = at.get(`${cat}\u0000${x}`);
    if (!row) return '';
    const cur = currencyAt >= 0 ? (row[currencyAt] as string | null) : isCurrency ? x : null;
    return cellText(valueType, row[v] ?? null, cur);
  };
  const categoryAxis = { type: 'category' as const, data: categories.map((x) => textOf(spec.category, x)), axisLabel: { hideOverlap: true } };
  const valueAxis = { type: 'value' as const, minInterval: valueType === 'money' ? undefined : 1 };
  const horizontal = !!spec.horizontal;
  return {
    color: COLORS,
    grid: { left: 8, right: 24, top: 16, bottom: series.length > 1 ? 36 : 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as { seriesName: string; dataIndex: number; marker: string }[];
        if (!list.length) return '';
        const cat = categories[list[0].dataIndex];
        const lines = list.map((p) => {
          const raw = series[series.findIndex((x) => textOf(spec.series, x) === p.seriesName)] ?? '';
          return `${p.marker}${escapeHtml(p.seriesName)}: ${escapeHtml(barText(cat, raw) || '—')}`;
        });
        return `<strong>${escapeHtml(textOf(spec.category, cat))}</strong><br/>${lines.join('<br/>')}`;
      },
    },
    legend: series.length > 1 ? { bottom: 0 } : undefined,
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: series.map((x) => ({
      type: 'bar',
      name: textOf(spec.series, x),
      barMaxWidth: 36,
      stack: spec.stack ? 'all' : undefined,
      label: spec.stack ? undefined : { show: categories.length * series.length <= 12, position: horizontal ? 'right' : 'top', formatter: (p: unknown) => barText(categories[(p as { dataIndex: number }).dataIndex], x) },
      data: categories.map((cat) => {
        const row = at.get(`${cat}\u0000${x}`);
        return row ? Number(row[v] ?? 0) : 0;
      }),
    })),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** An ECharts chart of a metric's table; redrawn when the figures or the language change. */
export function Chart(props: ChartInput & { title: string; height?: number; testid?: string }) {
  let host!: HTMLDivElement;
  let chart: echarts.ECharts | undefined;
  onMount(() => {
    chart = echarts.init(host, undefined, { renderer: 'canvas' });
    const ro = new ResizeObserver(() => chart?.resize());
    ro.observe(host);
    onCleanup(() => {
      ro.disconnect();
      chart?.dispose();
      chart = undefined;
    });
  });
  createEffect(() => {
    locale();
    const option = optionFor({ spec: props.spec, data: props.data, emptyLabel: props.emptyLabel, currency: props.currency });
    // Not merged: a category that disappeared must go from the chart.
    queueMicrotask(() => chart?.setOption(option, { notMerge: true }));
  });
  return <div ref={host} class="chart" style={{ height: `${props.height ?? 260}px` }} role="img" aria-label={props.title} data-testid={props.testid} />;
}
