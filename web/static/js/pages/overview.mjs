// "/app/overview": a regulator's jurisdiction as of a day. Findings by kind (bars, each kind a
// link to the findings list), by province or city (a tile grid keyed by GB/T 2260 code), by
// month (a line), the open duties falling due in the seven days from that day, and the outlet
// coverage gaps. Every chart has its numbers as text: a total beside it and a table behind a
// toggle. The counts come from GET /v1/stats/findings and /v1/stats/trend.
import {dataTable, drawChart} from '../chart.mjs';
import {h, replace} from '../dom.mjs';
import {divisionName, tileGrid} from '../tilegrid.mjs';
import {errorBox} from '../ui.mjs';

const GAP = 'outlet_coverage_gap';
const SHOWN_GAPS = 5;
const SHOWN_DUTIES = 10;

// Today in Beijing, YYYY-MM-DD.
function beijingToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function link(path, query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return `${path}?${q}`;
}

function section(id, title, ...children) {
  return h('section', {class: 'panel', id, 'aria-labelledby': `${id}-h`}, h('h2', {id: `${id}-h`}, title), ...children);
}

function byKind({t, fmt}, stats, asOf) {
  const kinds = stats.by_kind;
  const chart = h('div', {class: 'chart chart-kinds', dataset: {chart: 'kinds'}});
  const links = h(
    'ol',
    {class: 'kind-links'},
    kinds.map((k) =>
      h(
        'li',
        {dataset: {kind: k.kind, count: String(k.count)}},
        h('a', {href: link('/app/findings', {kind: k.kind, as_of: asOf})}, k.name),
        ' ',
        h('span', {class: 'num'}, fmt.number(k.count)),
      ),
    ),
  );
  const panel = section(
    'ov-kinds',
    t('overview.by_kind'),
    h('p', {class: 'total', dataset: {total: String(stats.total)}}, t('overview.total', {count: stats.total, n: fmt.number(stats.total)})),
    kinds.length ? h('div', {class: 'chart-row'}, chart, links) : h('p', {class: 'empty'}, t('overview.no_findings')),
    dataTable(
      t('overview.by_kind_table'),
      [t('overview.col_kind'), t('overview.col_count')],
      kinds.map((k) => [k.name, k.count]),
      {summary: t('overview.show_numbers')},
    ),
  );
  const draw = () => {
    if (!kinds.length) return;
    // Largest at the top: ECharts draws a category axis from the bottom up.
    const rows = [...kinds].reverse();
    const instance = drawChart(
      chart,
      {
        grid: {left: 8, right: 48, top: 8, bottom: 8, containLabel: true},
        xAxis: {type: 'value', minInterval: 1},
        yAxis: {type: 'category', data: rows.map((k) => k.name)},
        tooltip: {trigger: 'item'},
        series: [{type: 'bar', data: rows.map((k) => k.count), label: {show: true, position: 'right'}, cursor: 'pointer'}],
      },
      {label: t('overview.by_kind_chart', {count: stats.total, n: fmt.number(stats.total)})},
    );
    instance.on('click', (e) => {
      const kind = rows[e.dataIndex]?.kind;
      if (kind) location.assign(link('/app/findings', {kind, as_of: asOf}));
    });
  };
  return {panel, draw};
}

function byDivision({t, fmt, lang}, stats, asOf, national) {
  const levelName = t(`overview.level_${stats.level}`);
  const items = stats.by_division;
  const grid = tileGrid(items, {
    layout: national ? 'provinces' : 'cities',
    lang,
    caption: t('overview.tiles_label', {level: levelName}),
    href: (code) => link('/app/findings', {division: code, as_of: asOf}),
    unit: (count) => t('overview.tile_unit', {count}),
  });
  const panel = section(
    'ov-divisions',
    t('overview.by_division', {level: levelName}),
    h('p', {class: 'total', dataset: {total: String(stats.total)}}, t('overview.total', {count: stats.total, n: fmt.number(stats.total)})),
    grid,
    dataTable(
      t('overview.by_division_table', {level: levelName}),
      [t('overview.col_division'), t('overview.col_code'), t('overview.col_count')],
      items.map((d) => [divisionName(d.division, d.name, lang), d.division, d.count]),
      {summary: t('overview.show_numbers')},
    ),
  );
  return {panel, draw: () => {}};
}

function trend({t, fmt}, data) {
  const months = data.months;
  const total = months.reduce((n, m) => n + m.count, 0);
  const chart = h('div', {class: 'chart chart-trend', dataset: {chart: 'trend'}});
  const panel = section(
    'ov-trend',
    t('overview.trend'),
    h(
      'p',
      {class: 'total', dataset: {total: String(total)}},
      t('overview.trend_total', {count: total, n: fmt.number(total), from: fmt.month(data.from), to: fmt.month(data.to)}),
    ),
    chart,
    dataTable(
      t('overview.trend_table'),
      [t('overview.col_month'), t('overview.col_count')],
      months.map((m) => [fmt.month(m.month), m.count]),
      {summary: t('overview.show_numbers')},
    ),
  );
  const draw = () =>
    drawChart(
      chart,
      {
        grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
        xAxis: {type: 'category', data: months.map((m) => fmt.month(m.month))},
        yAxis: {type: 'value', minInterval: 1},
        tooltip: {trigger: 'axis'},
        series: [{type: 'line', data: months.map((m) => m.count), symbolSize: 6}],
      },
      {label: t('overview.trend_chart', {count: total, n: fmt.number(total)})},
    );
  return {panel, draw};
}

function duties({t, fmt}, page, from, to) {
  const items = page.items;
  const more = !!page.next_cursor || (page.total !== undefined && page.total > items.length);
  const body = items.length
    ? h(
        'div',
        {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'ov-duties-caption'},
        h(
          'table',
          {class: 'data', id: 'due-this-week'},
          h('caption', {id: 'ov-duties-caption'}, t('overview.duties_caption')),
          h(
            'thead',
            {},
            h('tr', {}, ['col_due', 'col_party', 'col_duty', 'col_subject'].map((k) => h('th', {scope: 'col'}, t(`overview.${k}`)))),
          ),
          h(
            'tbody',
            {},
            items.map((d) =>
              h('tr', {}, h('td', {}, fmt.date(d.due)), h('td', {}, d.party), h('td', {}, d.duty), h('td', {}, d.subject)),
            ),
          ),
        ),
      )
    : h('p', {class: 'empty'}, t('overview.no_duties'));
  return section(
    'ov-duties',
    t('overview.duties', {from: fmt.date(from), to: fmt.date(to)}),
    h('p', {class: 'total', dataset: {shown: String(items.length)}}, t(more ? 'overview.duties_first' : 'overview.duties_count', {count: items.length, n: fmt.number(items.length)})),
    body,
    h('p', {}, h('a', {href: link('/app/obligations', {as_of: from, due_from: from, due_to: to})}, t('overview.duties_all'))),
  );
}

function gaps({t, fmt}, count, first, asOf) {
  return section(
    'ov-gaps',
    t('overview.gaps'),
    h('p', {class: 'total', dataset: {total: String(count)}}, t('overview.gaps_count', {count, n: fmt.number(count)})),
    first.length
      ? h(
          'ul',
          {class: 'gaps'},
          first.map((f) =>
            h('li', {}, h('a', {href: link('/app/findings', {kind: GAP, as_of: asOf, party: f.party})}, f.message || `${f.party} ${f.subject}`)),
          ),
        )
      : null,
    count ? h('p', {}, h('a', {href: link('/app/findings', {kind: GAP, as_of: asOf})}, t('overview.gaps_all'))) : null,
  );
}

export async function render(root, ctx) {
  const {t, api, fmt, params, setTitle, me} = ctx;
  setTitle(t('overview.title'));
  const wanted = params.get('as_of');
  const asOf = wanted && /^\d{4}-\d{2}-\d{2}$/.test(wanted) ? wanted : beijingToday();
  const weekEnd = addDays(asOf, 6);

  const dateInput = h('input', {type: 'date', id: 'as-of', name: 'as_of', value: asOf, required: true});
  const form = h(
    'form',
    {
      class: 'asof',
      onsubmit: (e) => {
        e.preventDefault();
        if (dateInput.value) ctx.navigate(link('/app/overview', {as_of: dateInput.value}));
      },
    },
    h('label', {for: 'as-of'}, t('overview.as_of')),
    dateInput,
    h('button', {type: 'submit'}, t('overview.show')),
  );
  const scope = me.division && me.division !== '000000' ? me.division_name || me.division : t('overview.nation');
  replace(root, form, h('p', {class: 'scope'}, t('overview.scope', {scope, date: fmt.date(asOf)})));

  const [stats, monthly, due, gapPage] = await Promise.all([
    api.get('/v1/stats/findings', {as_of: asOf}),
    api.get('/v1/stats/trend', {as_of: asOf}),
    api.get('/v1/obligations', {as_of: asOf, due_from: asOf, due_to: weekEnd, limit: SHOWN_DUTIES}).catch((e) => e),
    api.get('/v1/findings', {as_of: asOf, kind: GAP, limit: SHOWN_GAPS}),
  ]);
  const national = stats.level === 'province';
  const parts = [byKind(ctx, stats, asOf), byDivision(ctx, stats, asOf, national), trend(ctx, monthly)];
  const gapCount = stats.by_kind.find((k) => k.kind === GAP)?.count || 0;
  root.append(
    h(
      'div',
      {class: 'overview'},
      parts.map((p) => p.panel),
      due instanceof Error ? section('ov-duties', t('overview.duties', {from: fmt.date(asOf), to: fmt.date(weekEnd)}), errorBox(due, t)) : duties(ctx, due, asOf, weekEnd),
      gaps(ctx, gapCount, gapPage.items.slice(0, SHOWN_GAPS), asOf),
    ),
  );
  // Drawn once the elements are in the page: ECharts measures them.
  for (const p of parts) p.draw();
}
