// "/app/findings": for a provincial regulator and an enterprise, in both languages, the findings
// shown page by page (next, previous) and after a filter equal GET /v1/findings for the same
// principal; the messages are the API's in the page's language; the CSV download is the whole
// list; no console errors, no serious axe violation; the controls are reachable by keyboard.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, launch, openPage, shot, startServer, tabOrder} from './harness.mjs';
import {PAGE_SIZE, allItems, downloadCsv, listDone, pageBy, principals} from './lists_support.mjs';

const AS_OF = '2026-10-31';
let server, browser, who;
before(async () => {
  server = await startServer();
  browser = await launch();
  who = await principals(server, '/v1/findings', AS_OF);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function shown(page) {
  return page.$$eval('#findings-list > li', (items) =>
    items.map((li) => ({
      kind: li.dataset.kind,
      party: li.dataset.party,
      subject: li.dataset.subject,
      date: li.dataset.date,
      message: li.querySelector('.message').textContent,
      action: li.querySelector('.action').textContent,
    })),
  );
}

function expected(items) {
  return items.map((f) => ({kind: f.kind, party: f.party, subject: f.subject, date: f.date, message: f.message, action: f.action}));
}

for (const lang of ['zh-CN', 'en']) {
  describe(`findings ${lang}`, () => {
    for (const i of [0, 1]) {
      test(`principal ${i}: pages, a filter and the CSV equal the API's`, async () => {
        const {who: name, token} = who[i];
        const page = await openPage(browser, `${server.url}/app/findings?as_of=${AS_OF}`, {lang, session: token});
        try {
          await listDone(page, 'findings');
          const p1 = await apiGet(server, `/v1/findings?as_of=${AS_OF}&limit=${PAGE_SIZE}`, {token, lang});
          assert.deepEqual(await shown(page), expected(p1.items), `${name}: page 1`);
          assert.ok(p1.next_cursor, `${name} has more than a page`);
          await pageBy(page, 'findings', 3);
          const p2 = await apiGet(server, `/v1/findings?as_of=${AS_OF}&limit=${PAGE_SIZE}&cursor=${p1.next_cursor}`, {token, lang});
          assert.deepEqual(await shown(page), expected(p2.items), `${name}: page 2`);
          await pageBy(page, 'findings', 1);
          assert.deepEqual(await shown(page), expected(p1.items), `${name}: back to page 1`);
          // Every subject that is a battery code or a VIN links to its life.
          const links = await page.$$eval('#findings-list .subject a', (as) => as.map((a) => a.getAttribute('href')));
          assert.ok(links.every((href) => /^\/app\/(battery|vehicle)\/[0-9A-Z]+$/.test(href)), links.join(' '));
          assert.deepEqual(await checkA11y(page), []);
          if (i === 0) await shot(page, 'findings', lang);

          // A filter: the kind of the last finding shown, latest first.
          const kind = p1.items[p1.items.length - 1].kind;
          await page.selectOption('#findings-filters select[name="kind"]', kind);
          await page.selectOption('#findings-filters select[name="sort"]', '-date');
          await page.evaluate(() => (document.getElementById('findings-results').dataset.state = 'loading'));
          await page.click('#findings-filters button[type="submit"]');
          await listDone(page, 'findings');
          const filtered = await apiGet(server, `/v1/findings?as_of=${AS_OF}&kind=${kind}&sort=-date&limit=${PAGE_SIZE}`, {token, lang});
          assert.deepEqual(await shown(page), expected(filtered.items), `${name}: kind ${kind}`);
          assert.equal(new URL(page.url()).searchParams.get('kind'), kind);

          // The CSV is every finding of the same query.
          const csv = await downloadCsv(page, 'findings');
          const all = await allItems(server, `/v1/findings?as_of=${AS_OF}&kind=${kind}&sort=-date`, token);
          assert.equal(csv.lines.length, all.length + 1, `${name}: CSV rows`);
          assert.ok(csv.lines[0].startsWith('kind,date,article,party'), csv.lines[0]);
          assert.equal(csv.name, `findings-${AS_OF}.csv`);
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });
    }

    test('the keyboard reaches every filter, the download and the pager', async () => {
      const page = await openPage(browser, `${server.url}/app/findings?as_of=${AS_OF}`, {lang, session: who[0].token});
      try {
        await listDone(page, 'findings');
        const order = await tabOrder(page, 80);
        for (const name of ['kind', 'party', 'division', 'department', 'from', 'to', 'as_of', 'sort']) {
          assert.ok(order.some((d) => d.endsWith(`-${name}`)), `Tab does not reach ${name}: ${order.join(', ')}`);
        }
        assert.ok(order.includes('button#findings-csv'), order.join(', '));
        // Next by keyboard: focus the pager's next button, press Enter.
        await page.focus('#findings-results nav.pager button:nth-of-type(3)');
        await page.evaluate(() => (document.getElementById('findings-results').dataset.state = 'loading'));
        await page.keyboard.press('Enter');
        await listDone(page, 'findings');
        assert.match(await page.textContent('#findings-results .page-no'), /2/);
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  });
}
