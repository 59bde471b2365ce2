// Charts (ECharts, vendored) and the table of each chart's numbers. Every chart element gets
// data-chart, and data-drawn="1" once ECharts has finished drawing it; animation is off when
// the visitor (or a test) prefers reduced motion.
import * as echarts from '../vendor/echarts.esm.min.mjs';

import {h} from './dom.mjs';
import {fmt} from './fmt.mjs';

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

// Draws `option` into `el` (which needs a height: class "chart" gives one) with the SVG
// renderer; returns the ECharts instance. `label` names the chart for screen readers (its
// numbers are in the text beside it or in dataTable()).
export function drawChart(el, option, {label} = {}) {
  el.dataset.chart = el.dataset.chart || '1';
  delete el.dataset.drawn;
  if (label) {
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
  }
  let chart = echarts.getInstanceByDom(el);
  if (!chart) {
    chart = echarts.init(el, null, {renderer: 'svg'});
    chart.on('finished', () => {
      el.dataset.drawn = '1';
    });
    new ResizeObserver(() => chart.resize()).observe(el);
  }
  chart.setOption({animation: !reducedMotion(), ...option}, true);
  return chart;
}

// A <details> holding a <table> of a chart's numbers: `columns` are the header texts, `rows`
// arrays of cells (numbers are formatted in the page's locale and aligned right).
export function dataTable(caption, columns, rows, {summary} = {}) {
  return h(
    'details',
    {class: 'numbers'},
    h('summary', {}, summary || caption),
    h(
      'table',
      {class: 'data'},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c)))),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            row.map((cell, i) =>
              typeof cell === 'number'
                ? h('td', {class: 'num'}, fmt.number(cell))
                : i === 0
                  ? h('th', {scope: 'row'}, cell)
                  : h('td', {}, cell),
            ),
          ),
        ),
      ),
    ),
  );
}
