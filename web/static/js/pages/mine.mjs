// "/app/batteries" and "/app/vehicles": the enterprise's batteries (those it holds or produced)
// and vehicles (those it made), a page at a time (GET /v1/batteries, /v1/vehicles: keyset
// paging), each linking to its life on the timeline page (/app/battery/<code>,
// /app/vehicle/<vin>).
import {h, replace} from '../dom.mjs';
import {errorBox, pager} from '../ui.mjs';

const PAGE = 50;

const dash = '—';

function batteryColumns(t) {
  return [
    ['col_code', (b) => h('a', {href: `/app/battery/${encodeURIComponent(b.code)}`}, h('code', {}, b.code))],
    ['col_type', (b) => t(`mine.type.${b.type}`, {defaultValue: b.type})],
    ['col_model', (b) => b.model || dash],
    ['col_status', (b) => [t(`mine.status.${b.status}`, {defaultValue: b.status}), b.contested ? h('span', {class: 'badge warn'}, t('mine.contested')) : null]],
    ['col_holder', (b) => (b.custodian ? [b.custodian_name || '', h('span', {class: 'meta'}, h('code', {}, b.custodian))] : dash)],
    ['col_vehicle', (b) => (b.vin ? h('a', {href: `/app/vehicle/${encodeURIComponent(b.vin)}`}, h('code', {}, b.vin)) : dash)],
  ].map(([key, cell]) => ({key, cell}));
}

function vehicleColumns(t, fmt) {
  return [
    ['col_vin', (v) => h('a', {href: `/app/vehicle/${encodeURIComponent(v.vin)}`}, h('code', {}, v.vin))],
    ['col_vehicle_name', (v) => v.name || [v.brand, v.model].filter(Boolean).join(' ') || dash],
    ['col_vehicle_type', (v) => v.vehicle_type || dash],
    ['col_sold', (v) => (v.sale_date ? fmt.date(v.sale_date) : dash)],
    ['col_scrapped', (v) => (v.scrapped_date ? fmt.date(v.scrapped_date) : dash)],
    ['col_packs', (v) => (v.packs.length ? v.packs.map((p, i) => [i ? ' ' : '', h('a', {href: `/app/battery/${encodeURIComponent(p)}`}, h('code', {}, p))]) : dash)],
  ].map(([key, cell]) => ({key, cell}));
}

export async function render(root, {t, api, fmt, setTitle}) {
  const vehicles = location.pathname.startsWith('/app/vehicles');
  const what = vehicles ? 'vehicles' : 'batteries';
  setTitle(t(`mine.${what}_title`));
  const columns = vehicles ? vehicleColumns(t, fmt) : batteryColumns(t);
  const keyOf = vehicles ? (v) => v.vin : (b) => b.code;
  const results = h('div', {id: 'mine-results', 'aria-live': 'polite'});
  replace(root, h('p', {class: 'lead'}, t(`mine.${what}_intro`)), results);

  // cursors[i]: the cursor of page i + 1 (none for the first).
  const cursors = [undefined];
  let index = 0;

  async function show(focusTable) {
    let doc;
    try {
      doc = await api.get(`/v1/${what}`, {limit: PAGE, cursor: cursors[index]});
    } catch (e) {
      replace(results, errorBox(e, t));
      return;
    }
    cursors[index + 1] = doc.next_cursor;
    const go = (i) => async () => {
      index = i;
      await show(true);
    };
    const table = doc.items.length
      ? h(
          'div',
          {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'mine-caption'},
          h(
            'table',
            {class: 'data', id: 'mine'},
            h('caption', {id: 'mine-caption'}, t(`mine.${what}_caption`, {page: index + 1})),
            h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, t(`mine.${c.key}`))))),
            h('tbody', {}, doc.items.map((item) => h('tr', {dataset: {key: keyOf(item)}}, columns.map((c) => h('td', {}, c.cell(item)))))),
          ),
        )
      : h('p', {class: 'empty'}, t(index === 0 ? `mine.${what}_none` : 'mine.page_empty'));
    replace(
      results,
      h('p', {class: 'count', dataset: {count: String(doc.items.length)}}, t('mine.shown', {count: doc.items.length, page: index + 1})),
      table,
      pager(t, {
        index: index + 1,
        hasNext: !!doc.next_cursor,
        onFirst: go(0),
        onPrev: go(Math.max(0, index - 1)),
        onNext: go(index + 1),
      }),
    );
    if (focusTable) results.querySelector('.table-wrap')?.focus();
  }
  await show(false);
}
