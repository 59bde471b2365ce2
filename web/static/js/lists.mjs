// What the findings and duties pages share (pages/findings.mjs, pages/obligations.mjs): a filter
// form whose values live in the location's query, keyset paging by the API's cursor (next,
// previous, first), and the CSV download of the same query.
import {h, replace} from './dom.mjs';
import {errorBox, filterForm, pager} from './ui.mjs';

// Items per page, unless the location says `limit` (1 to 1000, as the API takes it).
export const PAGE_SIZE = 20;

const BATTERY_CODE = /^[0-9A-Z]{24}$/;
const VIN = /^[0-9A-HJ-NPR-Z]{17}$/;

// The page of a subject's life: a battery code or a VIN links to it; anything else (an outlet,
// a vehicle model) is shown as text.
export function subjectLink(subject) {
  if (BATTERY_CODE.test(subject)) return h('a', {class: 'mono', href: `/app/battery/${subject}`}, subject);
  if (VIN.test(subject)) return h('a', {class: 'mono', href: `/app/vehicle/${subject}`}, subject);
  return h('span', {class: 'mono'}, subject);
}

// A party: its registered name, then its USCC.
export function partyText(name, uscc) {
  return [name ? h('span', {class: 'name'}, name, ' ') : null, h('span', {class: 'mono'}, uscc)];
}

// Draws a paged list into `root`. `fields` are filterForm's (their values taken from the
// location's query); `route` the API list; `renderItems(items, doc)` draws one page's items;
// `csvName(query)` names the download. Resolves once the first page is drawn.
export async function pagedList(root, {t, api, params}, {id, route, fields, renderItems, csvName, caption}) {
  const query = {};
  for (const f of fields) {
    const v = params.get(f.name);
    if (v) query[f.name] = v;
    f.value = v ?? f.value ?? '';
  }
  const limit = params.get('limit') || PAGE_SIZE;
  const cursors = [undefined]; // the cursor of page i + 1 at index i
  let index = 1;
  const heading = h('h2', {id: `${id}-heading`, tabindex: '-1'}, caption);
  const results = h('div', {id: `${id}-results`});
  const status = h('p', {class: 'count', 'aria-live': 'polite'});
  const download = h(
    'button',
    {
      type: 'button',
      id: `${id}-csv`,
      onclick: async () => {
        try {
          await api.download(route, query, {filename: csvName(query)});
        } catch (e) {
          replace(results, errorBox(e, t));
        }
      },
    },
    t('common.download_csv'),
  );

  // results[data-state] is "loading" while a page is asked for, then "done".
  async function load(focus) {
    results.dataset.state = 'loading';
    let doc;
    try {
      doc = await api.get(route, {...query, limit, cursor: cursors[index - 1]});
    } catch (e) {
      replace(status);
      replace(results, errorBox(e, t));
      results.dataset.state = 'done';
      return;
    }
    if (doc.next_cursor) cursors[index] = doc.next_cursor;
    status.dataset.count = String(doc.items.length);
    status.textContent = doc.items.length
      ? t('lists.shown', {count: doc.items.length, page: index})
      : t('lists.none');
    const go = (i) => async () => {
      index = i;
      await load(true);
    };
    replace(
      results,
      doc.items.length ? renderItems(doc.items, doc) : null,
      pager(t, {
        index,
        hasNext: !!doc.next_cursor,
        onFirst: go(1),
        onPrev: index > 1 ? go(index - 1) : null,
        onNext: doc.next_cursor ? go(index + 1) : null,
      }),
    );
    results.dataset.state = 'done';
    if (focus) heading.focus();
  }

  const form = filterForm(t, fields, async (values) => {
    for (const key of Object.keys(query)) delete query[key];
    Object.assign(query, values);
    const u = new URL(location.href);
    u.search = new URLSearchParams(params.get('limit') ? {...values, limit} : values).toString();
    history.replaceState(null, '', u.pathname + u.search);
    cursors.length = 1;
    index = 1;
    await load(true);
  });
  form.id = `${id}-filters`;
  form.setAttribute('aria-label', t('lists.filters'));
  root.append(form, h('div', {class: 'list-head'}, heading, download), status, results);
  await load(false);
}
