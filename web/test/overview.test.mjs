// "/app/overview" for the national and a provincial regulator, in zh-CN and en: the numbers in
// the text beside the charts and in their tables equal GET /v1/stats/findings and
// /v1/stats/trend for the same principal and day, every chart is drawn, the tiles are the
// jurisdiction's divisions, the kinds and tiles are links the keyboard reaches, no console
// error and no serious or critical axe violation.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, drawnCharts, fixture, launch, openPage, shot, startServer, tabTo} from './harness.mjs';

let server, browser, tokens;
const AS_OF = '2026-10-31';

before(async () => {
  server = await startServer();
  browser = await launch();
  tokens = fixture().tokens;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const who = {national: 'regulator_national', provincial: 'regulator_provincial'};

for (const lang of ['zh-CN', 'en']) {
  for (const [name, key] of Object.entries(who)) {
    describe(`overview ${lang} ${name}`, () => {
      test('the numbers shown are the API\'s; every chart is drawn', async () => {
        const token = tokens[key];
        const page = await openPage(browser, `${server.url}/app/overview?as_of=${AS_OF}`, {lang, session: token});
        try {
          assert.deepEqual((await drawnCharts(page)).sort(), ['kinds', 'trend']);
          const stats = await apiGet(server, `/v1/stats/findings?as_of=${AS_OF}`, {token, lang});
          const trend = await apiGet(server, `/v1/stats/trend?as_of=${AS_OF}`, {token, lang});
          assert.ok(stats.total > 0, 'the fixture has findings for this regulator');
          assert.equal(await page.inputValue('#as-of'), AS_OF);

          // By kind: the total, each kind's link and count, the table behind the toggle.
          assert.equal(await page.getAttribute('#ov-kinds .total', 'data-total'), String(stats.total));
          const kinds = await page.$$eval('#ov-kinds li[data-kind]', (items) =>
            items.map((li) => ({kind: li.dataset.kind, count: Number(li.dataset.count), name: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href')})),
          );
          assert.deepEqual(kinds.map(({kind, count, name}) => ({kind, name, count})), stats.by_kind);
          for (const k of kinds) {
            const u = new URL(k.href, server.url);
            assert.equal(u.pathname, '/app/findings');
            assert.equal(u.searchParams.get('kind'), k.kind);
            assert.equal(u.searchParams.get('as_of'), AS_OF);
          }
          const kindTable = await page.$$eval('#ov-kinds table tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
          assert.deepEqual(kindTable, stats.by_kind.map((k) => k.name));

          // By division: one tile per division of the jurisdiction, with the API's count.
          const tiles = await page.$$eval('#ov-divisions li.tile', (items) =>
            items.map((li) => ({division: li.dataset.division, count: Number(li.dataset.count), href: li.querySelector('a').getAttribute('href')})),
          );
          const counted = stats.by_division.filter((d) => d.count > 0);
          for (const d of counted) {
            const tile = tiles.find((t) => t.division === d.division);
            assert.ok(tile, `a tile for ${d.division}`);
            assert.equal(tile.count, d.count, `the tile of ${d.division}`);
            assert.equal(new URL(tile.href, server.url).searchParams.get('division'), d.division);
          }
          assert.equal(tiles.reduce((n, t) => n + t.count, 0), stats.total, 'the tiles add up to the total');
          if (name === 'provincial') {
            const me = await apiGet(server, '/v1/me', {token});
            assert.ok(tiles.every((t) => t.division.startsWith(me.division.slice(0, 2))), 'tiles of the province only');
            assert.equal(stats.level, 'city');
          } else {
            assert.equal(stats.level, 'province');
            assert.ok(tiles.length >= 31, `${tiles.length} province tiles`);
          }
          const divisionRows = await page.$$eval('#ov-divisions table tbody tr', (rows) =>
            rows.map((r) => [r.cells[1].textContent, r.cells[2].textContent]),
          );
          assert.deepEqual(divisionRows.map((r) => r[0]), stats.by_division.map((d) => d.division));

          // The trend: the total of the months, one row per month.
          const trendTotal = trend.months.reduce((n, m) => n + m.count, 0);
          assert.equal(await page.getAttribute('#ov-trend .total', 'data-total'), String(trendTotal));
          assert.equal(await page.$$eval('#ov-trend table tbody tr', (rows) => rows.length), trend.months.length);

          // The coverage gaps: the count of that kind.
          const gaps = stats.by_kind.find((k) => k.kind === 'outlet_coverage_gap')?.count || 0;
          assert.equal(await page.getAttribute('#ov-gaps .total', 'data-total'), String(gaps));

          // The duties due in the week: as many as the API lists (at most the first ten).
          const weekEnd = new Date(Date.parse(`${AS_OF}T00:00:00Z`) + 6 * 86400000).toISOString().slice(0, 10);
          const due = await apiGet(server, `/v1/obligations?as_of=${AS_OF}&due_from=${AS_OF}&due_to=${weekEnd}&limit=10`, {token});
          assert.equal(await page.getAttribute('#ov-duties .total', 'data-shown'), String(due.items.length));

          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, name === 'national' ? 'overview' : 'overview-provincial', lang);
        } finally {
          await page.close();
        }
      });

      test('the keyboard reaches the kinds and the tiles; a tile opens the list of its division', async () => {
        const token = tokens[key];
        const page = await openPage(browser, `${server.url}/app/overview?as_of=${AS_OF}`, {lang, session: token});
        try {
          await drawnCharts(page);
          assert.ok((await tabTo(page, '#ov-kinds li[data-kind] a')) > 0, 'a kind link is reachable');
          assert.ok((await tabTo(page, '#ov-divisions li.tile a')) > 0, 'a tile is reachable');
          const division = await page.evaluate(() => document.activeElement.closest('li').dataset.division);
          await Promise.all([page.waitForURL(/\/app\/findings\?/), page.keyboard.press('Enter')]);
          const u = new URL(page.url());
          assert.equal(u.searchParams.get('division'), division);
          assert.equal(u.searchParams.get('as_of'), AS_OF);
        } finally {
          await page.close();
        }
      });

      test('another day from the form', async () => {
        const token = tokens[key];
        const page = await openPage(browser, `${server.url}/app/overview?as_of=${AS_OF}`, {lang, session: token});
        try {
          await page.fill('#as-of', '2026-07-31');
          await Promise.all([page.waitForURL(/as_of=2026-07-31/), page.press('#as-of', 'Enter')]);
          await page.waitForSelector('body[data-ready="1"]');
          await drawnCharts(page);
          const stats = await apiGet(server, '/v1/stats/findings?as_of=2026-07-31', {token});
          assert.equal(await page.getAttribute('#ov-kinds .total', 'data-total'), String(stats.total));
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });
    });
  }
}

test('signed out, /app/overview sends to sign-in; an enterprise has no overview', async () => {
  const res = await fetch(`${server.url}/app/overview`, {redirect: 'manual'});
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/signin\?next=(%2F|\/)app(%2F|\/)overview/);
  const [role] = Object.keys(tokens.enterprise);
  const page = await openPage(browser, `${server.url}/app/overview`, {session: tokens.enterprise[role].token});
  try {
    assert.equal(await page.$$eval('[data-chart]', (c) => c.length), 0);
    assert.deepEqual(page.consoleErrors, []);
  } finally {
    await page.close();
  }
});
