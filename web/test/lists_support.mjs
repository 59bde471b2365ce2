// What the findings and duties page tests share: the principals that see a list, the rows a page
// shows, paging through the pager, and the CSV download.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';

import {apiGet, fixture} from './harness.mjs';

export const PAGE_SIZE = 20; // web/static/js/lists.mjs

// A regulator of a province and an enterprise with more than `limit` items in `route` as of
// `asOf`.
export async function principals(server, route, asOf, limit = PAGE_SIZE) {
  const {tokens} = fixture();
  const out = [{who: 'regulator', token: tokens.regulator_provincial}];
  for (const [role, e] of Object.entries(tokens.enterprise)) {
    const doc = await apiGet(server, `${route}?as_of=${asOf}&limit=${limit + 1}`, {token: e.token});
    if (doc.items.length > limit) {
      out.push({who: `enterprise (${role})`, token: e.token});
      break;
    }
  }
  assert.equal(out.length, 2, `no enterprise has more than ${limit} of ${route}`);
  return out;
}

// Waits for the list `id` to have drawn a page.
export async function listDone(page, id) {
  await page.waitForSelector(`#${id}-results[data-state="done"]`);
}

// Clicks the pager's button `n` (0 first, 1 previous, 3 next) and waits for the page.
export async function pageBy(page, id, n) {
  await page.evaluate((list) => (document.getElementById(`${list}-results`).dataset.state = 'loading'), id);
  await page.click(`#${id}-results nav.pager button:nth-of-type(${n === 3 ? 3 : n + 1})`);
  await listDone(page, id);
}

// The CSV the page's download button saves: its bytes, checked to begin with the UTF-8 BOM,
// and its rows (header first; cells without commas or quotes in the columns compared).
export async function downloadCsv(page, id) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}-csv`)]);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the download starts with a BOM');
  return {name: download.suggestedFilename(), lines: bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean)};
}

// Fetches every item of an API list (all pages).
export async function allItems(server, path, token) {
  const items = [];
  let cursor = '';
  for (;;) {
    const doc = await apiGet(server, `${path}&limit=1000${cursor}`, {token});
    items.push(...doc.items);
    if (!doc.next_cursor) return items;
    cursor = `&cursor=${doc.next_cursor}`;
  }
}
