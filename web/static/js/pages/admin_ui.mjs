// What the admin's pages (audit.mjs, tokens.mjs) share: instants shown in Beijing time, and a
// data table in a keyboard-scrollable region.
import {h} from '../dom.mjs';

// An instant of the API ("2026-09-30T09:15:02.123456Z") in Beijing time, in the page's language:
// "2026/9/30 17:15:02", "Sep 30, 2026, 17:15:02". Other text is shown as it is.
export function stamp(timestamp, lang) {
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return timestamp ?? '';
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: lang === 'en' ? 'short' : 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(t));
}

// A table of `rows` (arrays of cells: text, or a node) under `columns` (header texts), captioned,
// in a region that scrolls sideways on a narrow screen and that the keyboard can reach.
export function tableRegion(id, caption, columns, rows) {
  return h(
    'div',
    {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption`},
    h(
      'table',
      {class: 'data', id},
      h('caption', {id: `${id}-caption`}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c)))),
      h(
        'tbody',
        {},
        rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))),
      ),
    ),
  );
}
