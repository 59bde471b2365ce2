// "/app/flows" for the national and a provincial regulator, in zh-CN and en: the total and the
// table of flows equal GET /v1/stats/flows for the same principal and range, the Sankey is
// drawn in two stages (no node both hands over and receives), the range form works from the
// keyboard, no console error and no serious or critical axe violation.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, drawnCharts, fixture, launch, openPage, shot, startServer, tabTo} from './harness.mjs';

let server, browser, tokens;
const FROM = '2026-01-01';
const TO = '2026-12-31';

before(async () => {
  server = await startServer();
  browser = await launch();
  tokens = fixture().tokens;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function shownFlows(page) {
  return page.$$eval('#flows-table tbody tr', (rows) =>
    rows.map((r) => ({from: r.dataset.from, to: r.dataset.to, batteries: Number(r.dataset.batteries)})),
  );
}

const who = {national: 'regulator_national', provincial: 'regulator_provincial'};

for (const lang of ['zh-CN', 'en']) {
  for (const [name, key] of Object.entries(who)) {
    describe(`flows ${lang} ${name}`, () => {
      test('the flows shown are the API\'s, drawn in two stages', async () => {
        const token = tokens[key];
        const page = await openPage(browser, `${server.url}/app/flows?from=${FROM}&to=${TO}`, {lang, session: token});
        try {
          const api = await apiGet(server, `/v1/stats/flows?from=${FROM}&to=${TO}`, {token});
          assert.ok(api.flows.length > 0, 'the fixture hands batteries over between provinces');
          assert.deepEqual(await drawnCharts(page), ['flows']);
          assert.equal(await page.getAttribute('p.total', 'data-total'), String(api.total));
          assert.equal(await page.getAttribute('p.total', 'data-flows'), String(api.flows.length));
          assert.deepEqual(await shownFlows(page), api.flows.map(({from, to, batteries}) => ({from, to, batteries})));
          if (name === 'provincial') {
            const me = await apiGet(server, '/v1/me', {token});
            const p = me.division.slice(0, 2);
            assert.ok(api.flows.every((f) => f.from.startsWith(p) || f.to.startsWith(p)), 'flows of the province');
          }
          // Two stages: the chart's nodes are "hands over" (left) or "receives" (right), never both.
          const labels = await page.$$eval('[data-chart="flows"] svg text', (texts) => texts.map((t) => t.textContent));
          const [outWord, inWord] = lang === 'en' ? ['hands over', 'receives'] : ['移出', '接收'];
          const outs = labels.filter((l) => l.endsWith(outWord));
          const ins = labels.filter((l) => l.endsWith(inWord));
          assert.equal(outs.length, new Set(api.flows.map((f) => f.from)).size, `left nodes: ${labels}`);
          assert.equal(ins.length, new Set(api.flows.map((f) => f.to)).size, `right nodes: ${labels}`);
          assert.equal(await page.inputValue('#flows-from'), FROM);
          assert.equal(await page.inputValue('#flows-to'), TO);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, name === 'national' ? 'flows' : 'flows-provincial', lang);
        } finally {
          await page.close();
        }
      });

      test('the range from the keyboard', async () => {
        const token = tokens[key];
        const page = await openPage(browser, `${server.url}/app/flows?from=${FROM}&to=${TO}`, {lang, session: token});
        try {
          assert.deepEqual(await drawnCharts(page), ['flows']);
          // Tab reaches both dates (each holds its day, month and year fields) and the button.
          assert.ok((await tabTo(page, '#flows-from')) > 0, 'the start date is reachable');
          assert.ok((await tabTo(page, '#flows-to')) > 0, 'the end date is reachable');
          assert.ok((await tabTo(page, 'form.range button[type="submit"]')) > 0, 'the button is reachable');
          await page.fill('#flows-from', '2026-07-01');
          await page.fill('#flows-to', '2026-08-31');
          await page.focus('form.range button[type="submit"]');
          await Promise.all([page.waitForURL(/from=2026-07-01&to=2026-08-31/), page.keyboard.press('Enter')]);
          await page.waitForSelector('body[data-ready="1"]');
          const api = await apiGet(server, '/v1/stats/flows?from=2026-07-01&to=2026-08-31', {token});
          assert.equal(await page.getAttribute('p.total', 'data-total'), String(api.total));
          if (api.flows.length) {
            assert.deepEqual(await drawnCharts(page), ['flows']);
            assert.deepEqual(await shownFlows(page), api.flows.map(({from, to, batteries}) => ({from, to, batteries})));
          }
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });
    });
  }
}
