// "/outlets": the outlets of a province and of a city equal GET /v1/outlets?division=, in both
// languages, at 1280 and 360 px, by mouse and by keyboard.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, launch, openPage, shot, startServer, tabOrder} from './harness.mjs';

let server, browser, province, city;
before(async () => {
  server = await startServer();
  browser = await launch();
  // The province with the most outlets, and its city with the most.
  const all = (await apiGet(server, '/v1/outlets')).items;
  assert.ok(all.length > 0, 'the fixture has outlets');
  const most = (key) => {
    const n = new Map();
    for (const o of all) if (o.division.startsWith(key.prefix)) n.set(key.of(o), (n.get(key.of(o)) || 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  };
  province = most({prefix: '', of: (o) => `${o.division.slice(0, 2)}0000`});
  city = most({prefix: province.slice(0, 2), of: (o) => `${o.division.slice(0, 4)}00`});
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The rows shown: [id, uscc, division] of each.
async function shownRows(page) {
  return page.$$eval('#outlets tbody tr', (rows) =>
    rows.map((r) => [r.dataset.id, r.cells[2].textContent.trim(), r.cells[3].textContent.trim().split(' ').pop()]),
  );
}

async function expectedRows(division) {
  const items = (await apiGet(server, `/v1/outlets?division=${division}`)).items;
  return items.map((o) => [o.id, o.owner, o.division]);
}

for (const lang of ['zh-CN', 'en']) {
  for (const width of [1280, 360]) {
    describe(`outlets ${lang} ${width}px`, () => {
      test('a province, then a city: the rows are the API\'s', async () => {
        const page = await openPage(browser, `${server.url}/outlets`, {lang, width});
        try {
          await page.selectOption('#province', province);
          await page.waitForSelector('#outlets tbody tr');
          const want = await expectedRows(province);
          assert.deepEqual(await shownRows(page), want);
          assert.equal(await page.getAttribute('#outlet-results .count', 'data-count'), String(want.length));
          assert.equal(new URL(page.url()).searchParams.get('division'), province);
          await page.selectOption('#city', city);
          const wantCity = await expectedRows(city);
          await page.waitForFunction((n) => document.querySelectorAll('#outlets tbody tr').length === n &&
              new URL(location.href).searchParams.get('division') !== null, wantCity.length);
          await page.waitForFunction((c) => new URL(location.href).searchParams.get('division') === c, city);
          assert.deepEqual(await shownRows(page), wantCity);
          // The area is named from the division list: the city's name, then the county's.
          const area = (await page.textContent('#outlets tbody tr:first-child td:nth-child(4)')).trim();
          const cityName = (await apiGet(server, `/v1/divisions?parent=${province}`)).items.find((c) => c.code === city).name;
          const county = (await apiGet(server, `/v1/divisions?parent=${city}`)).items.find((c) => c.code === wantCity[0][2]);
          assert.equal(area, `${cityName}${county ? county.name : ''} ${wantCity[0][2]}`);
          // The operator's name is the registry's public name.
          const first = (await apiGet(server, `/v1/enterprises/${wantCity[0][1]}`)).name;
          assert.equal((await page.textContent('#outlets tbody tr:first-child td:nth-child(2)')).trim(), first);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, width === 360 ? 'outlets-phone' : 'outlets', lang);
        } finally {
          await page.close();
        }
      });
    });
  }

  test(`outlets ${lang}: ?division= opens on that city; the keyboard works the selects`, async () => {
    const page = await openPage(browser, `${server.url}/outlets?division=${city}`, {lang});
    try {
      assert.equal(await page.inputValue('#province'), province);
      assert.equal(await page.inputValue('#city'), city);
      assert.deepEqual(await shownRows(page), await expectedRows(city));
      // Tab reaches both selects, then the table (a scrollable region).
      const order = await tabOrder(page);
      const at = (what) => order.indexOf(what);
      assert.ok(at('select#province') >= 0 && at('select#province') < at('select#city'), `Tab order: ${order.join(', ')}`);
      assert.ok(order.slice(at('select#city') + 1).some((d) => d.startsWith('div:')), `the table is not reachable: ${order.join(', ')}`);
      // Tab to the province select, choose the first province by keyboard.
      await page.focus('#province');
      await page.keyboard.press('Home');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('division') === null);
      assert.equal(await page.locator('#outlets').count(), 0);
      assert.equal(await page.locator('#city').isDisabled(), true);
      await page.keyboard.press('ArrowDown');
      const first = await page.inputValue('#province');
      assert.match(first, /^\d{2}0000$/);
      await page.waitForFunction((p) => new URL(location.href).searchParams.get('division') === p, first);
      await page.waitForSelector('#outlet-results .count');
      const want = await expectedRows(first);
      assert.equal(await page.getAttribute('#outlet-results .count', 'data-count'), String(want.length));
      assert.deepEqual(page.consoleErrors, []);
    } finally {
      await page.close();
    }
  });
}
