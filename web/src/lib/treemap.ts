/* ECharts' treemap for the risk overview's heat map of the org tree, and
 * only what it draws: the core, the treemap, the tooltip and the canvas
 * renderer. A module of its own rather than a part of charts.ts, so the
 * dashboard's chunk does not carry the treemap (about 14 KB gzipped) nor
 * this page's chunk the bar, line and pie charts; the core they share
 * lands in a chunk both load (web_budget). Tooltips are drawn on the
 * canvas (renderMode richText), as charts.ts explains. */
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { TreemapChart, type TreemapSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([TreemapChart, TooltipComponent, CanvasRenderer]);

export type TreemapOption = ComposeOption<TreemapSeriesOption | TooltipComponentOption>;
export type Chart = ECharts;

export function makeTreemap(el: HTMLElement): Chart {
  return init(el, undefined, { renderer: 'canvas' });
}

/* A cell of a treemap: its name, its value (a leaf's) or the cells inside
 * it, its colour, and the key a click hands back. */
export interface TreemapCell {
  key: string;
  name: string;
  value?: number;
  colour?: string;
  children?: TreemapCell[];
}

interface TreemapItem {
  name: string;
  key: string;
  value?: number;
  itemStyle?: { color: string };
  children?: TreemapItem[];
}

function item(c: TreemapCell): TreemapItem {
  const i: TreemapItem = { name: c.name, key: c.key };
  if (c.value !== undefined) i.value = c.value;
  if (c.colour) i.itemStyle = { color: c.colour };
  if (c.children?.length) i.children = c.children.map(item);
  return i;
}

/* A treemap of nested cells, each parent's name in a band above its
 * cells. A click opens what the cell stands for (the page handles it), so
 * ECharts' own zoom into a cell, its breadcrumb and roaming are off. */
export function treemapOption(cells: TreemapCell[], parentColour = '#dcdfe6'): TreemapOption {
  const frame = { borderColor: parentColour, borderWidth: 2, gapWidth: 2 };
  return {
    tooltip: { trigger: 'item', renderMode: 'richText', formatter: '{b}: {c}' },
    series: [
      {
        type: 'treemap',
        data: cells.map(item),
        top: 4,
        left: 4,
        right: 4,
        bottom: 4,
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        label: { show: true, formatter: '{b}\n{c}', overflow: 'truncate' },
        upperLabel: { show: true, height: 20, color: '#303133' },
        itemStyle: { borderColor: '#fff', borderWidth: 1, gapWidth: 2, color: parentColour },
        levels: [{ itemStyle: frame }, { itemStyle: frame }, { itemStyle: frame }],
      },
    ],
  };
}
