// "/app/batteries" and "/app/vehicles": an enterprise's rows equal GET /v1/batteries and
// /v1/vehicles for the same principal, page after page (the pager by keyboard), each row links
// to its timeline page; in zh-CN and in en, at 1280 and 360 px, with axe.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, fixture, launch, openPage, shot, startServer} from './harness.mjs';

const PAGE = 50; // the page's page size

let server, browser, tokens;
before(async () => {
  server = await startServer();
  browser = await launch();
  tokens = fixture().tokens;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function shownKeys(page) {
  return page.$$eval('#mine tbody tr', (rows) => rows.map((r) => r.dataset.key));
}

// The API's pages for `token`: arrays of keys, `count` pages at most.
async function apiPages(what, token, count) {
  const out = [];
  let cursor;
  for (let i = 0; i < count; i++) {
    const doc = await apiGet(server, `/v1/${what}?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`, {token});
    out.push(doc.items.map((x) => x.code || x.vin));
    cursor = doc.next_cursor;
    if (!cursor) break;
  }
  return out;
}

const cases = [
  {what: 'batteries', role: 'battery_maker', link: '/app/battery/'},
  {what: 'vehicles', role: 'vehicle_maker', link: '/app/vehicle/'},
];

for (const lang of ['zh-CN', 'en']) {
  for (const {what, role, link} of cases) {
    describe(`mine ${what} ${lang}`, () => {
      test('the rows are the API\'s, page after page', async () => {
        const who = tokens.enterprise[role];
        const want = await apiPages(what, who.token, 3);
        assert.ok(want[0].length > 0, `the fixture's ${role} has ${what}`);
        const page = await openPage(browser, `${server.url}/app/${what}`, {lang, session: who.token});
        try {
          assert.deepEqual(await shownKeys(page), want[0]);
          assert.equal(await page.getAttribute('#mine-results .count', 'data-count'), String(want[0].length));
          const first = await page.getAttribute('#mine tbody tr:first-child td:first-child a', 'href');
          assert.equal(first, link + encodeURIComponent(want[0][0]));
          // The battery items also name the holder as the API does.
          if (what === 'batteries') {
            const item = (await apiGet(server, `/v1/batteries?limit=1`, {token: who.token})).items[0];
            const holder = await page.textContent('#mine tbody tr:first-child td:nth-child(5)');
            assert.ok(!item.custodian || holder.includes(item.custodian), `holder ${holder}`);
          }
          assert.deepEqual(await checkA11y(page), []);
          await shot(page, `mine-${what}`, lang);
          if (want.length > 1) {
            // The next page by keyboard: focus the pager's "next" button, press Enter.
            const next = page.locator('nav.pager button').nth(2);
            await next.focus();
            await page.keyboard.press('Enter');
            await page.waitForFunction((k) => document.querySelector('#mine tbody tr')?.dataset.key === k, want[1][0]);
            assert.deepEqual(await shownKeys(page), want[1]);
            // Back to the first.
            await page.locator('nav.pager button').nth(1).click();
            await page.waitForFunction((k) => document.querySelector('#mine tbody tr')?.dataset.key === k, want[0][0]);
          }
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });

      test('360 px wide', async () => {
        const who = tokens.enterprise[role];
        const page = await openPage(browser, `${server.url}/app/${what}`, {lang, width: 360, session: who.token});
        try {
          assert.ok((await shownKeys(page)).length > 0);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, `mine-${what}-phone`, lang);
        } finally {
          await page.close();
        }
      });
    });
  }
}
