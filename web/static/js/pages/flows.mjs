// "/app/flows": batteries handed over between provinces (battery.outbound reports, by the
// province of the sender's and the receiver's registered seat) in a date range, as a Sankey
// drawn in two stages (the provinces handing over on the left, those receiving on the right, so
// that a flow back and forth makes no cycle) and as the table of flows (GET /v1/stats/flows).
import {drawChart} from '../chart.mjs';
import {h, replace} from '../dom.mjs';
import {divisionName} from '../tilegrid.mjs';

const DEFAULT_DAYS = 90;

function beijingToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const isDay = (v) => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

function flowTable({t, fmt, lang}, flows) {
  return h(
    'div',
    {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'flows-caption'},
    h(
      'table',
      {class: 'data', id: 'flows-table'},
      h('caption', {id: 'flows-caption'}, t('flows.caption')),
      h('thead', {}, h('tr', {}, ['col_from', 'col_to', 'col_batteries'].map((k) => h('th', {scope: 'col'}, t(`flows.${k}`))))),
      h(
        'tbody',
        {},
        flows.map((f) =>
          h(
            'tr',
            {dataset: {from: f.from, to: f.to, batteries: String(f.batteries)}},
            h('th', {scope: 'row'}, divisionName(f.from, f.from_name, lang)),
            h('td', {}, divisionName(f.to, f.to_name, lang)),
            h('td', {class: 'num'}, fmt.number(f.batteries)),
          ),
        ),
      ),
    ),
  );
}

export async function render(root, ctx) {
  const {t, api, fmt, lang, params, setTitle} = ctx;
  setTitle(t('flows.title'));
  const to = isDay(params.get('to')) ? params.get('to') : beijingToday();
  const from = isDay(params.get('from')) ? params.get('from') : addDays(to, 1 - DEFAULT_DAYS);

  const fromInput = h('input', {type: 'date', id: 'flows-from', name: 'from', value: from, required: true});
  const toInput = h('input', {type: 'date', id: 'flows-to', name: 'to', value: to, required: true});
  const form = h(
    'form',
    {
      class: 'range',
      onsubmit: (e) => {
        e.preventDefault();
        const q = new URLSearchParams({from: fromInput.value, to: toInput.value});
        ctx.navigate(`/app/flows?${q}`);
      },
    },
    h('label', {for: 'flows-from'}, t('flows.from')),
    fromInput,
    h('label', {for: 'flows-to'}, t('flows.to')),
    toInput,
    h('button', {type: 'submit'}, t('flows.show')),
  );
  replace(root, form);

  const data = await api.get('/v1/stats/flows', {from, to});
  const flows = data.flows;
  const provinces = new Set(flows.flatMap((f) => [f.from, f.to]));
  root.append(
    h(
      'p',
      {class: 'total', dataset: {total: String(data.total), flows: String(flows.length)}},
      t('flows.total', {
        count: data.total,
        n: fmt.number(data.total),
        flows: fmt.number(flows.length),
        from: fmt.date(from),
        to: fmt.date(to),
      }),
    ),
  );
  if (!flows.length) {
    root.append(h('p', {class: 'empty'}, t('flows.none')));
    return;
  }
  const name = (code, f, end) => divisionName(code, end === 'from' ? f.from_name : f.to_name, lang);
  const nodes = new Map();
  const links = flows.map((f) => {
    const source = t('flows.hands_over', {name: name(f.from, f, 'from')});
    const target = t('flows.receives', {name: name(f.to, f, 'to')});
    nodes.set(source, 'out');
    nodes.set(target, 'in');
    return {source, target, value: f.batteries};
  });
  const chart = h('div', {class: 'chart chart-sankey', dataset: {chart: 'flows'}});
  // Room for every province on either side.
  chart.style.height = `${Math.max(320, provinces.size * 28)}px`;
  root.append(h('section', {class: 'panel', 'aria-labelledby': 'flows-chart-h'}, h('h2', {id: 'flows-chart-h'}, t('flows.chart_heading')), chart, flowTable(ctx, flows)));
  drawChart(
    chart,
    {
      tooltip: {trigger: 'item'},
      series: [
        {
          type: 'sankey',
          // The provinces' names beside their nodes: left of those handing over, right of those
          // receiving.
          left: '24%',
          right: '24%',
          nodeAlign: 'justify',
          draggable: false,
          emphasis: {focus: 'adjacency'},
          data: [...nodes.keys()].map((n) => {
            const out = nodes.get(n) === 'out';
            return {name: n, depth: out ? 0 : 1, label: {position: out ? 'left' : 'right'}};
          }),
          links,
          lineStyle: {color: 'source', opacity: 0.4},
        },
      ],
    },
    {label: t('flows.chart_label', {count: data.total, n: fmt.number(data.total), flows: fmt.number(flows.length)})},
  );
}
