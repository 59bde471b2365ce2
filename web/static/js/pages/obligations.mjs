// "/app/obligations": the reporting duties open as of a day (GET /v1/obligations, scoped by the
// server), soonest due first, overdue ones marked in words; filtered by party, division, due
// range and report type; a page at a time, and downloadable as CSV.
import {h} from '../dom.mjs';
import {pagedList, subjectLink} from '../lists.mjs';

// The report types a duty may ask for (docs/report-format.md), the filter's choices.
const TYPES = [
  'battery.produced', 'vehicle.produced', 'vehicle.sold', 'battery.replaced', 'battery.swapped',
  'battery.outbound', 'battery.inbound', 'vehicle.scrapped', 'battery.utilized', 'product.outbound',
  'outlet.registered', 'outlet.changed', 'outlet.closed', 'model.disassembly_info',
];

export async function render(root, ctx) {
  const {t, fmt, me, setTitle} = ctx;
  setTitle(t('lists.obligations_title'));
  const fields = [
    me.kind === 'enterprise' ? null : {name: 'party', label: t('lists.party'), placeholder: t('lists.party_hint')},
    me.kind === 'enterprise' ? null : {name: 'division', label: t('lists.division'), placeholder: t('lists.division_hint')},
    {
      name: 'type',
      label: t('lists.type'),
      type: 'select',
      options: [{value: '', label: t('lists.any')}, ...TYPES.map((x) => ({value: x, label: x}))],
    },
    {name: 'due_from', label: t('lists.due_from'), type: 'date'},
    {name: 'due_to', label: t('lists.due_to'), type: 'date'},
    {name: 'as_of', label: t('lists.as_of'), type: 'date'},
    {
      name: 'sort',
      label: t('lists.sort'),
      type: 'select',
      options: [
        {value: 'due', label: t('lists.sort_due')},
        {value: '-due', label: t('lists.sort_due_desc')},
      ],
    },
  ].filter(Boolean);
  const columns = ['due', 'state', 'type', 'subject', 'party', 'article', 'authority'];

  const table = (items) =>
    h(
      'div',
      {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'obligations-table-caption'},
      h(
        'table',
        {class: 'data', id: 'obligations-table'},
        h('caption', {id: 'obligations-table-caption'}, t('lists.obligations_caption')),
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, t(`lists.col_${c}`))))),
        h(
          'tbody',
          {},
          items.map((d) =>
            h(
              'tr',
              {class: d.overdue ? 'overdue' : null, dataset: {due: d.due, party: d.party, subject: d.subject, fulfils: d.fulfils}},
              h('th', {scope: 'row'}, h('time', {datetime: d.due}, fmt.date(d.due))),
              h('td', {class: 'state'}, d.overdue ? h('strong', {class: 'overdue-mark'}, t('lists.overdue')) : t('lists.open')),
              h('td', {class: 'mono'}, d.fulfils),
              h('td', {}, subjectLink(d.subject)),
              h('td', {class: 'mono'}, d.party),
              h('td', {}, t('lists.article_no', {article: d.article})),
              h('td', {}, d.authority.department, ' ', h('span', {class: 'mono'}, d.authority.division)),
            ),
          ),
        ),
      ),
    );

  await pagedList(root, ctx, {
    id: 'obligations',
    route: '/v1/obligations',
    fields,
    caption: t('lists.obligations_caption'),
    csvName: (q) => `obligations-${q.as_of || 'today'}.csv`,
    renderItems: table,
  });
}
