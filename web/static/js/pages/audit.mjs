// "/app/audit" (admin): the audit trail (GET /v1/audit), newest first, a page at a time; or in
// order from an entry number ("after"). Every read of protected data and every token action is
// an entry; the trail is a hash chain whose head each signed checkpoint carries.
import {h, replace} from '../dom.mjs';
import {errorBox, filterForm, pager} from '../ui.mjs';
import {tableRegion, stamp} from './admin_ui.mjs';

const PAGE = 50;

export async function render(root, {t, lang, api, params, setTitle}) {
  setTitle(t('admin.audit_title'));
  const results = h('div', {id: 'audit-results', 'aria-live': 'polite'});
  // The cursors of the pages seen so far: cursors[i] opens page i + 1.
  let after = /^\d+$/.test(params.get('after') || '') ? params.get('after') : '';
  let cursors = [null];

  async function show(index) {
    const cursor = cursors[index - 1];
    const query = after
      ? {after: cursor ?? after, limit: PAGE}
      : {order: 'desc', before: cursor ?? undefined, limit: PAGE};
    let page;
    try {
      page = await api.get('/v1/audit', query);
    } catch (e) {
      replace(results, errorBox(e, t));
      return;
    }
    const items = page.items;
    const hasNext = items.length === PAGE;
    if (hasNext) cursors[index] = String(items[items.length - 1].seq);
    const go = (i) => () => show(i);
    replace(
      results,
      items.length
        ? tableRegion(
            'audit',
            t(after ? 'admin.audit_caption_after' : 'admin.audit_caption', {after}),
            ['col_seq', 'col_at', 'col_principal', 'col_action', 'col_record', 'col_purpose', 'col_request'].map((k) =>
              t(`admin.${k}`),
            ),
            items.map((e) => [
              h('span', {class: 'num'}, String(e.seq)),
              stamp(e.at, lang),
              h('span', {class: 'mono'}, e.principal),
              h('span', {class: 'mono'}, e.action),
              h('span', {class: 'mono'}, e.record),
              e.purpose,
              h('span', {class: 'mono'}, e.request_id),
            ]),
          )
        : h('p', {class: 'count', dataset: {count: '0'}}, t('admin.audit_none')),
      pager(t, {index, hasNext, onFirst: go(1), onPrev: go(index - 1), onNext: go(index + 1)}),
    );
  }

  const form = filterForm(
    t,
    [{name: 'after', label: t('admin.after_label'), type: 'number', value: after, placeholder: t('admin.after_hint')}],
    (values) => {
      after = /^\d+$/.test(values.after || '') ? values.after : '';
      cursors = [null];
      const u = new URL(location.href);
      if (after) u.searchParams.set('after', after);
      else u.searchParams.delete('after');
      history.replaceState(null, '', u.pathname + u.search);
      show(1);
    },
  );
  form.querySelector('input[name=after]').min = '0';
  replace(root, h('p', {class: 'lead'}, t('admin.audit_lead')), form, results);
  await show(1);
}
