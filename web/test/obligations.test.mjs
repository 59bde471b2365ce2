// "/app/obligations": for a provincial regulator and an enterprise, in both languages, the duties
// shown (soonest due first, overdue ones marked in words) page by page and after a filter equal
// GET /v1/obligations for the same principal; the CSV download is the whole list; no console
// errors, no serious axe violation; the controls are reachable by keyboard.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, launch, openPage, shot, startServer, tabOrder} from './harness.mjs';
import {allItems, downloadCsv, listDone, pageBy, principals} from './lists_support.mjs';

// The fixture's principals have a few dozen duties at most: pages of 5 (the page's ?limit=).
const AS_OF = '2026-09-30';
const PAGE_SIZE = 5;
let server, browser, who;
before(async () => {
  server = await startServer();
  browser = await launch();
  who = await principals(server, '/v1/obligations', AS_OF, PAGE_SIZE);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function shown(page) {
  return page.$$eval('#obligations-table tbody tr', (rows) =>
    rows.map((tr) => ({
      due: tr.dataset.due,
      party: tr.dataset.party,
      subject: tr.dataset.subject,
      fulfils: tr.dataset.fulfils,
      overdue: !!tr.querySelector('.overdue-mark'),
    })),
  );
}

const expected = (items) =>
  items.map((d) => ({due: d.due, party: d.party, subject: d.subject, fulfils: d.fulfils, overdue: d.overdue}));

for (const lang of ['zh-CN', 'en']) {
  describe(`obligations ${lang}`, () => {
    for (const i of [0, 1]) {
      test(`principal ${i}: pages, overdue marks, a filter and the CSV equal the API's`, async () => {
        const {who: name, token} = who[i];
        const page = await openPage(browser, `${server.url}/app/obligations?as_of=${AS_OF}&limit=${PAGE_SIZE}`, {lang, session: token});
        try {
          await listDone(page, 'obligations');
          const p1 = await apiGet(server, `/v1/obligations?as_of=${AS_OF}&limit=${PAGE_SIZE}`, {token, lang});
          const rows = await shown(page);
          assert.deepEqual(rows, expected(p1.items), `${name}: page 1`);
          const dues = rows.map((r) => r.due);
          assert.deepEqual(dues, [...dues].sort(), 'soonest due first');
          // Overdue in words, not only colour.
          const marks = await page.$$eval('#obligations-table .overdue-mark', (m) => m.map((x) => x.textContent));
          assert.equal(marks.length, p1.items.filter((d) => d.overdue).length);
          assert.ok(marks.every((m) => m === (lang === 'en' ? 'Overdue' : '已逾期')), marks.join());
          await pageBy(page, 'obligations', 3);
          const p2 = await apiGet(server, `/v1/obligations?as_of=${AS_OF}&limit=${PAGE_SIZE}&cursor=${p1.next_cursor}`, {token, lang});
          assert.deepEqual(await shown(page), expected(p2.items), `${name}: page 2`);
          await pageBy(page, 'obligations', 0);
          assert.deepEqual(await shown(page), expected(p1.items), `${name}: the first page again`);
          assert.deepEqual(await checkA11y(page), []);
          if (i === 1) await shot(page, 'obligations', lang);

          // A filter: the type of the first duty, due from its due date.
          const type = p1.items[0].fulfils;
          const from = p1.items[0].due;
          await page.selectOption('#obligations-filters select[name="type"]', type);
          await page.fill('#obligations-filters input[name="due_from"]', from);
          await page.evaluate(() => (document.getElementById('obligations-results').dataset.state = 'loading'));
          await page.click('#obligations-filters button[type="submit"]');
          await listDone(page, 'obligations');
          const query = `as_of=${AS_OF}&type=${type}&due_from=${from}`;
          const filtered = await apiGet(server, `/v1/obligations?${query}&limit=${PAGE_SIZE}`, {token, lang});
          assert.deepEqual(await shown(page), expected(filtered.items), `${name}: ${query}`);
          const csv = await downloadCsv(page, 'obligations');
          const all = await allItems(server, `/v1/obligations?${query}`, token);
          assert.equal(csv.lines.length, all.length + 1, `${name}: CSV rows`);
          assert.ok(csv.lines[0].startsWith('due,overdue,kind'), csv.lines[0]);
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });
    }

    test('the keyboard reaches every filter, the table and the download', async () => {
      const page = await openPage(browser, `${server.url}/app/obligations?as_of=${AS_OF}&limit=${PAGE_SIZE}`, {lang, session: who[0].token});
      try {
        await listDone(page, 'obligations');
        const order = await tabOrder(page, 80);
        for (const name of ['party', 'division', 'type', 'due_from', 'due_to', 'as_of', 'sort']) {
          assert.ok(order.some((d) => d.endsWith(`-${name}`)), `Tab does not reach ${name}: ${order.join(', ')}`);
        }
        assert.ok(order.includes('button#obligations-csv'), order.join(', '));
        assert.ok(order.some((d) => d.startsWith('div:')), `the table region is not focusable: ${order.join(', ')}`);
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  });
}
