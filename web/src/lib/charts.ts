/* ECharts for the dashboard, and only what it draws: the core, bar, line
 * and pie charts, a grid, the tooltip and the canvas renderer. Imported by
 * the dashboard page alone, so it lands in that page's lazy chunk and the
 * office shell's initial JavaScript does not carry it (web_budget). The
 * risk overview's treemap is src/lib/treemap.ts's, so the dashboard does
 * not carry that either. */
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | TooltipComponentOption
>;
export type Chart = ECharts;

/* Tooltips are drawn on the canvas (renderMode richText): ECharts' HTML
 * tooltip writes style attributes, which the gateway's CSP (style-src
 * 'self', docs/web.md) refuses, and the e2e tests fail on any violation. */

export function makeChart(el: HTMLElement): Chart {
  return init(el, undefined, { renderer: 'canvas' });
}

/* The option of one chart: a bar or a line over labelled categories, or
 * a pie of named slices. */
export function chartOption(kind: 'bar' | 'line' | 'pie', labels: string[], values: number[]): ChartOption {
  if (kind === 'pie') {
    return {
      tooltip: { trigger: 'item', renderMode: 'richText' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '70%'],
          data: labels.map((name, i) => ({ name, value: values[i] })),
          label: { formatter: '{b}: {c}' },
        },
      ],
    };
  }
  return {
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    // A slanted label longer than the 56 px below the grid would be cut
    // at the card's edge: cut it short instead; the figure list under the
    // chart names every figure in full.
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, rotate: labels.length > 4 ? 30 : 0, width: 96, overflow: 'truncate' },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      kind === 'bar'
        ? { type: 'bar', data: values, barMaxWidth: 40, label: { show: true, position: 'top' } }
        : { type: 'line', data: values, smooth: false, symbolSize: 8, label: { show: true, position: 'top' } },
    ],
  };
}
