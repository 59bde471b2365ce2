// "/app/battery/<code>" and "/app/vehicle/<vin>": a battery's or a vehicle's life as a timeline
// of the reports that name it (GET /v1/batteries/{code}/history, GET /v1/vehicles/{vin}), each
// with its receipt in the ledger (leaf index, leaf hash, time reported, corrections). A regulator
// or the admin states a purpose first (the reads are audited with it); it is kept for the
// page's further reads.
import {h, replace} from '../dom.mjs';
import {subjectLink} from '../lists.mjs';
import {errorBox, purposeDialog} from '../ui.mjs';

// The members every report has, shown in the entry's head; the others are its facts.
const ENVELOPE = new Set(['id', 'type', 'reporter', 'occurred', 'reported', 'format']);

// A field's value as text; battery codes and VINs (a code, a list of parts) link to their life.
function value(v) {
  if (Array.isArray(v)) return v.map((x, i) => [i ? ', ' : null, value(x)]);
  if (v && typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? subjectLink(v) : String(v);
}

export async function render(root, ctx) {
  const {t, api, fmt, me, rest, setTitle} = ctx;
  const battery = location.pathname.startsWith('/app/battery/');
  const id = rest.toUpperCase();
  setTitle(t(battery ? 'timeline.battery_title' : 'timeline.vehicle_title', {id}));
  const needsPurpose = me.kind === 'regulator' || me.kind === 'admin';
  let purpose = null;
  const area = h('div', {id: 'timeline-area', dataset: {state: 'loading'}});
  root.append(area);

  const entry = (r) => {
    const report = r.report || {};
    const facts = Object.entries(report).filter(([k]) => !ENVELOPE.has(k));
    return h(
      'li',
      {class: 'event', dataset: {leaf: String(r.leaf_index), type: report.type || ''}},
      h(
        'p',
        {class: 'event-head'},
        h('time', {datetime: report.occurred}, fmt.date(report.occurred)),
        ' ',
        h('span', {class: 'type mono'}, report.type),
      ),
      h(
        'dl',
        {class: 'facts'},
        h('dt', {}, t('timeline.reporter')),
        h('dd', {class: 'mono'}, report.reporter),
        h('dt', {}, t('timeline.report_id')),
        h('dd', {class: 'mono'}, report.id),
        facts.map(([k, v]) => [h('dt', {class: 'mono'}, k), h('dd', {class: 'mono'}, value(v))]),
      ),
      h(
        'dl',
        {class: 'receipt', 'aria-label': t('timeline.receipt')},
        h('dt', {}, t('timeline.leaf_index')),
        h('dd', {class: 'leaf-index'}, String(r.leaf_index)),
        h('dt', {}, t('timeline.leaf_hash')),
        h('dd', {class: 'mono leaf-hash'}, r.leaf_hash),
        h('dt', {}, t('timeline.reported')),
        h('dd', {}, report.reported ? h('time', {datetime: report.reported}, fmt.beijingDay(report.reported), ' ', report.reported) : '—'),
        r.corrects ? [h('dt', {}, t('timeline.corrects')), h('dd', {class: 'mono'}, r.corrects)] : null,
        r.corrected_by ? [h('dt', {}, t('timeline.corrected_by')), h('dd', {class: 'mono'}, r.corrected_by)] : null,
      ),
    );
  };

  const summary = (record) => {
    const rows = battery
      ? [['code', record.code], ['type', record.type], ['chemistry', record.chemistry && record.chemistry.code],
         ['maker', record.maker && [record.maker.name, record.maker.uscc].filter(Boolean).join(' ')],
         ['production_month', record.production_month], ['status', record.status], ['model', record.model],
         ['parent', record.parent], ['custodian', record.custodian], ['vin', record.vin]]
      : [['vin', record.vin], ['maker', record.maker], ['brand', record.brand], ['model', record.model],
         ['sale_date', record.sale_date], ['sale_division', record.sale_division], ['scrapped_date', record.scrapped_date]];
    return h(
      'section',
      {class: 'record', 'aria-labelledby': 'record-heading'},
      h('h2', {id: 'record-heading'}, t(battery ? 'timeline.battery' : 'timeline.vehicle')),
      h('dl', {class: 'facts'}, rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [
        // A battery's parent and vehicle link to their lives.
        h('dt', {class: 'mono'}, k), h('dd', {class: 'mono'}, battery && (k === 'parent' || k === 'vin') ? subjectLink(v) : String(v)),
      ])),
      battery ? h('p', {}, h('a', {href: `/b/${encodeURIComponent(id)}`, id: 'public-page'}, t('timeline.public_page'))) : null,
      !battery && record.packs && record.packs.length
        ? h('p', {class: 'packs'}, t('timeline.packs'), ' ',
            record.packs.map((p) => [h('a', {class: 'mono', href: `/app/battery/${p.code}`}, p.code), ' ']))
        : null,
    );
  };

  async function load() {
    area.dataset.state = 'loading';
    const opts = {purpose: purpose || undefined};
    try {
      let record, history;
      if (battery) {
        [record, {history}] = await Promise.all([
          api.get(`/v1/batteries/${encodeURIComponent(id)}`, null, opts),
          api.get(`/v1/batteries/${encodeURIComponent(id)}/history`, null, opts),
        ]);
      } else {
        record = await api.get(`/v1/vehicles/${encodeURIComponent(id)}`, null, opts);
        history = record.history;
      }
      replace(
        area,
        summary(record),
        h('h2', {id: 'timeline-heading'}, t('timeline.life', {count: history.length})),
        h('ol', {class: 'timeline', id: 'timeline', 'aria-labelledby': 'timeline-heading'}, history.map(entry)),
      );
    } catch (e) {
      replace(area, errorBox(e, t));
    }
    area.dataset.state = 'done';
  }

  // Asks for the purpose (again, after a cancel), then reads.
  async function ask() {
    const stated = await purposeDialog(t);
    if (!stated) {
      replace(
        area,
        h('p', {class: 'notice', role: 'status'}, t('timeline.purpose_needed')),
        h('button', {type: 'button', id: 'state-purpose', class: 'primary', onclick: ask}, t('timeline.state_purpose')),
      );
      area.dataset.state = 'done';
      return;
    }
    purpose = stated;
    await load();
  }

  if (needsPurpose) {
    // The page is drawn; the reads wait for the purpose (timeline-area[data-state] says when).
    replace(area, h('p', {class: 'notice'}, t('timeline.purpose_asked')));
    ask();
    return;
  }
  await load();
}
