// "/app/findings": the findings the signed-in principal may see (GET /v1/findings, scoped by the
// server: an enterprise its own, a regulator its jurisdiction), filtered, sorted, a page at a
// time, and downloadable as CSV. Each finding says what it is, whom it concerns, the article and
// its text, what it means and what to do; its subject links to the battery's or vehicle's life.
import {h} from '../dom.mjs';
import {pagedList, partyText, subjectLink} from '../lists.mjs';

// The finding kinds (docs/findings.md), the filter's choices.
const KINDS = [
  'late_report', 'overdue_report', 'unlicensed_destination', 'prohibited_use', 'unqualified_recycler',
  'scrapped_without_battery', 'duplicate_code', 'impersonated_code', 'conflicting_custody',
  'missing_digital_id', 'outlet_coverage_gap', 'suspicious_tech_query', 'unknown_battery',
  'unknown_vehicle', 'impersonated_vin', 'implausible_fact',
];
const DEPARTMENTS = ['MIIT', 'NDRC', 'MEE', 'MOT', 'MOFCOM', 'SAMR'];

export async function render(root, ctx) {
  const {t, lang, fmt, me, setTitle} = ctx;
  setTitle(t('lists.findings_title'));
  const any = {value: '', label: t('lists.any')};
  const fields = [
    {name: 'kind', label: t('lists.kind'), type: 'select', options: [any, ...KINDS.map((k) => ({value: k, label: k}))]},
    me.kind === 'enterprise' ? null : {name: 'party', label: t('lists.party'), placeholder: t('lists.party_hint')},
    me.kind === 'enterprise' ? null : {name: 'division', label: t('lists.division'), placeholder: t('lists.division_hint')},
    {name: 'department', label: t('lists.department'), type: 'select', options: [any, ...DEPARTMENTS.map((d) => ({value: d, label: d}))]},
    {name: 'from', label: t('lists.from'), type: 'date'},
    {name: 'to', label: t('lists.to'), type: 'date'},
    {name: 'as_of', label: t('lists.as_of'), type: 'date'},
    {
      name: 'sort',
      label: t('lists.sort'),
      type: 'select',
      options: [
        {value: 'kind', label: t('lists.sort_kind')},
        {value: 'date', label: t('lists.sort_date')},
        {value: '-date', label: t('lists.sort_date_desc')},
      ],
    },
  ].filter(Boolean);

  const item = (f) =>
    h(
      'li',
      {class: 'finding', dataset: {kind: f.kind, party: f.party, subject: f.subject, date: f.date || ''}},
      h(
        'p',
        {class: 'finding-head'},
        h('span', {class: 'kind mono'}, f.kind),
        ' ',
        h('time', {datetime: f.date}, fmt.date(f.date)),
      ),
      h('p', {class: 'message'}, f.message),
      h(
        'dl',
        {class: 'facts'},
        h('dt', {}, t('lists.party')),
        h('dd', {class: 'party'}, partyText(f.party_name, f.party)),
        h('dt', {}, t('lists.subject')),
        h('dd', {class: 'subject'}, subjectLink(f.subject)),
        f.due ? [h('dt', {}, t('lists.due')), h('dd', {}, fmt.date(f.due))] : null,
        h('dt', {}, t('lists.authority')),
        h('dd', {class: 'authority'}, f.authority.department, ' ', h('span', {class: 'mono'}, f.authority.division)),
        h('dt', {}, t('lists.article')),
        h('dd', {class: 'article'}, f.article_text ? f.article_text[lang] : f.article),
        h('dt', {}, t('lists.action')),
        h('dd', {class: 'action'}, f.action),
        f.period_note ? [h('dt', {}, t('lists.note')), h('dd', {}, f.period_note)] : null,
      ),
    );

  await pagedList(root, ctx, {
    id: 'findings',
    route: '/v1/findings',
    fields,
    caption: t('lists.findings_caption'),
    csvName: (q) => `findings-${q.as_of || 'today'}.csv`,
    renderItems: (items) => h('ol', {class: 'findings', id: 'findings-list'}, items.map(item)),
  });
}
