// Divisions as a grid of tiles keyed by GB/T 2260 code: no boundary data, only a fixed place
// for each of the 34 provincial units (roughly where it lies), or, for the cities of one
// province, a grid in code order. Each tile is a link showing the division's name and count.
import {h} from './dom.mjs';

// [code, column, row, English name] of the provincial units on an 8 x 8 grid.
const PROVINCES = [
  ['230000', 7, 0, 'Heilongjiang'],
  ['150000', 5, 1, 'Inner Mongolia'],
  ['220000', 7, 1, 'Jilin'],
  ['650000', 0, 2, 'Xinjiang'],
  ['620000', 2, 2, 'Gansu'],
  ['640000', 3, 2, 'Ningxia'],
  ['140000', 4, 2, 'Shanxi'],
  ['110000', 5, 2, 'Beijing'],
  ['120000', 6, 2, 'Tianjin'],
  ['210000', 7, 2, 'Liaoning'],
  ['630000', 1, 3, 'Qinghai'],
  ['610000', 3, 3, 'Shaanxi'],
  ['410000', 4, 3, 'Henan'],
  ['130000', 5, 3, 'Hebei'],
  ['370000', 6, 3, 'Shandong'],
  ['540000', 0, 4, 'Tibet'],
  ['510000', 2, 4, 'Sichuan'],
  ['500000', 3, 4, 'Chongqing'],
  ['420000', 4, 4, 'Hubei'],
  ['340000', 5, 4, 'Anhui'],
  ['320000', 6, 4, 'Jiangsu'],
  ['310000', 7, 4, 'Shanghai'],
  ['530000', 2, 5, 'Yunnan'],
  ['520000', 3, 5, 'Guizhou'],
  ['430000', 4, 5, 'Hunan'],
  ['360000', 5, 5, 'Jiangxi'],
  ['330000', 6, 5, 'Zhejiang'],
  ['450000', 3, 6, 'Guangxi'],
  ['440000', 4, 6, 'Guangdong'],
  ['350000', 5, 6, 'Fujian'],
  ['710000', 6, 6, 'Taiwan'],
  ['460000', 3, 7, 'Hainan'],
  ['820000', 4, 7, 'Macao'],
  ['810000', 5, 7, 'Hong Kong'],
];
const PLACE = new Map(PROVINCES.map(([code, col, row, en]) => [code, {col, row, en}]));
// Names of divisions that are not provinces, in English.
const ENGLISH = new Map([['000000', 'China (national level)']]);

// The name shown for a division: the English name of a province on an English page, else the
// name the API gives (Chinese).
export function divisionName(code, name, lang) {
  return (lang === 'en' && (PLACE.get(code)?.en || ENGLISH.get(code))) || name || code;
}

// The tile's shade: five steps of the largest count, so that the text keeps its contrast.
function shade(count, max) {
  if (!count) return 0;
  return Math.min(4, 1 + Math.floor((count / max) * 3.999));
}

// A grid of tiles. `items`: [{division, name, count}] (GET /v1/stats/findings by_division);
// `href(code)` the link of a tile; `unit(count)` the words after the count that a screen reader
// reads ("findings"). Provinces take
// their fixed places (national: `layout` 'provinces'), any other division (the nation) a row
// under them; otherwise the tiles follow in code order.
export function tileGrid(items, {layout, lang, href, unit, caption}) {
  const max = Math.max(1, ...items.map((i) => i.count));
  const national = layout === 'provinces';
  // On the national grid the tiles follow in reading order (row by row), as the eye and the
  // keyboard go.
  // Findings counted at the national level (a coarser division than the grid's) get a row of
  // their own under the grid.
  const shown = national
    ? [
        ...items
          .filter((i) => PLACE.has(i.division))
          .sort((a, b) => {
            const p = PLACE.get(a.division);
            const q = PLACE.get(b.division);
            return p.row - q.row || p.col - q.col;
          }),
        ...items.filter((i) => !PLACE.has(i.division)),
      ]
    : items;
  let extra = 0;
  const tiles = shown.map((i) => {
    const name = divisionName(i.division, i.name, lang);
    const tile = h(
      'li',
      {class: `tile shade-${shade(i.count, max)}`, dataset: {division: i.division, count: String(i.count)}},
      h(
        'a',
        {href: href(i.division)},
        h('span', {class: 'tile-name'}, name),
        ' ',
        h('span', {class: 'tile-count'}, i.count.toLocaleString(lang)),
        h('span', {class: 'visually-hidden'}, ` ${unit(i.count)}`),
      ),
    );
    if (national) {
      const fixed = PLACE.get(i.division);
      // A division off the map spans two columns of the row under it.
      const p = fixed || {col: 2 * extra++, row: 8};
      tile.style.gridColumn = fixed ? String(p.col + 1) : `${p.col + 1} / span 2`;
      tile.style.gridRow = String(p.row + 1);
    }
    return tile;
  });
  return h('ul', {class: `tilegrid ${national ? 'national' : 'cities'}`, 'aria-label': caption}, tiles);
}
