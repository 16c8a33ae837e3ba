import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { createEffect, onCleanup, onMount } from 'solid-js';
import type { MetricResult } from '../../collab/channels/events';
import { formatDate, formatMoney, formatNumber, label, locale } from '../i18n';

// Only the pieces the dashboards draw, so the bundle carries no more of ECharts than that.
echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;
export type ChartKind = 'bar' | 'line' | 'pie';

const COLORS = ['#2f5fd0', '#1f7a4d', '#b35c00', '#8a4fd0', '#0f7c8c', '#c0362c', '#c02c7a', '#5a6b12', '#6b4a2f', '#3d4fa8'];

/** A cell as text per its column type and the current locale. */
export function cellText(type: MetricResult['columns'][number]['type'], v: string | number | null): string {
  if (v === null || v === undefined) return '—';
  if (type === 'number') return formatNumber(v);
  if (type === 'money') return formatMoney(v);
  if (type === 'date') return formatDate(String(v));
  return String(v);
}

function optionFor(kind: ChartKind, data: MetricResult, emptyLabel: string): Option {
  const [cat, ...values] = data.columns;
  const categories = data.rows.map((r) => cellText(cat.type, r[0] ?? null).replace(/^—$/, emptyLabel));
  const fmt = (type: string) => (v: unknown) => (typeof v === 'number' ? (type === 'money' ? formatMoney(v) : formatNumber(v)) : String(v ?? ''));
  if (kind === 'pie') {
    const col = values[0];
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
          data: data.rows.map((r, i) => ({ name: categories[i], value: Number(r[1] ?? 0) })),
        },
      ],
    };
  }
  return {
    color: COLORS,
    grid: { left: 8, right: 16, top: 24, bottom: values.length > 1 ? 36 : 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: fmt(values[0]?.type ?? 'number') },
    legend: values.length > 1 ? { bottom: 0 } : undefined,
    xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: values.map((col, j) =>
      kind === 'line'
        ? ({ type: 'line', name: label(col.label, col.name), showSymbol: false, areaStyle: { opacity: 0.12 }, data: data.rows.map((r) => Number(r[j + 1] ?? 0)) } satisfies LineSeriesOption)
        : ({ type: 'bar', name: label(col.label, col.name), barMaxWidth: 36, data: data.rows.map((r) => Number(r[j + 1] ?? 0)) } satisfies BarSeriesOption),
    ),
  };
}

/** An ECharts chart of a metric's table; redrawn when the figures or the language change. */
export function Chart(props: { kind: ChartKind; data: MetricResult; title: string; emptyLabel: string; height?: number; testid?: string }) {
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
    const option = optionFor(props.kind, props.data, props.emptyLabel);
    // Not merged: a category that disappeared must go from the chart.
    queueMicrotask(() => chart?.setOption(option, { notMerge: true }));
  });
  return <div ref={host} class="chart" style={{ height: `${props.height ?? 260}px` }} role="img" aria-label={props.title} data-testid={props.testid} />;
}
