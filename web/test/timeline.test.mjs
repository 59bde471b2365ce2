// "/app/battery/<code>" and "/app/vehicle/<vin>": the reports shown, with their receipts, equal
// the API's history for the same principal, in both languages. The admin and a regulator are
// asked for a purpose in a dialog first (cancel, then state it by keyboard), and the audit trail
// then holds the reads with that purpose; an enterprise reads its own battery without one. The
// battery links to its public page.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, fixture, launch, openPage, shot, startServer} from './harness.mjs';

let server, browser, fx, produced, vehicle;
before(async () => {
  server = await startServer();
  browser = await launch();
  fx = fixture();
  const maker = fx.tokens.enterprise.battery_maker;
  const vehicleMaker = fx.tokens.enterprise.vehicle_maker;
  const reports = readFileSync(join(fx.dir, 'data', 'reports.ndjson'), 'utf8').split('\n').filter(Boolean);
  // The battery maker's first product with parts (a pack or module), else its first.
  let first = null;
  for (const line of reports) {
    const r = JSON.parse(line);
    if (r.type === 'battery.produced' && r.reporter === maker.uscc) {
      first ??= r.code;
      if (!produced && r.parts) produced = r.code;
    }
    if (!vehicle && r.type === 'vehicle.produced' && r.reporter === vehicleMaker.uscc) vehicle = r.vin;
  }
  produced ??= first;
  assert.ok(produced && vehicle, 'the fixture has a pack of the battery maker and a vehicle of the vehicle maker');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function shownLeaves(page) {
  return page.$$eval('#timeline > li', (items) =>
    items.map((li) => ({
      leaf: Number(li.dataset.leaf),
      type: li.dataset.type,
      hash: li.querySelector('.leaf-hash').textContent,
    })),
  );
}

const leaves = (history) => history.map((r) => ({leaf: r.leaf_index, type: r.report.type, hash: r.leaf_hash}));

async function timelineDone(page) {
  await page.waitForSelector('#timeline-area[data-state="done"]');
}

// Every audit entry (GET /v1/audit, as the admin).
async function auditTrail() {
  const out = [];
  let after = 0;
  for (;;) {
    const doc = await apiGet(server, `/v1/audit?after=${after}&limit=1000`, {token: fx.tokens.admin});
    out.push(...doc.items);
    if (doc.items.length < 1000) return out;
    after = doc.items[doc.items.length - 1].seq;
  }
}

for (const lang of ['zh-CN', 'en']) {
  describe(`timeline ${lang}`, () => {
    test('an enterprise: its battery, no purpose asked, with the link to the public page', async () => {
      const {token} = fx.tokens.enterprise.battery_maker;
      const page = await openPage(browser, `${server.url}/app/battery/${produced}`, {lang, session: token});
      try {
        await timelineDone(page);
        assert.equal(await page.$('dialog.purpose'), null, 'no purpose is asked of an enterprise');
        const want = await apiGet(server, `/v1/batteries/${produced}/history`, {token, lang});
        assert.deepEqual(await shownLeaves(page), leaves(want.history));
        assert.equal(await page.getAttribute('#public-page', 'href'), `/b/${produced}`);
        assert.deepEqual(await checkA11y(page), []);
        assert.deepEqual(page.consoleErrors, []);
        await shot(page, 'timeline-battery', lang);
      } finally {
        await page.close();
      }
    });

    test('an enterprise: a vehicle it made, its packs linked', async () => {
      const {token} = fx.tokens.enterprise.vehicle_maker;
      const page = await openPage(browser, `${server.url}/app/vehicle/${vehicle}`, {lang, session: token});
      try {
        await timelineDone(page);
        const want = await apiGet(server, `/v1/vehicles/${vehicle}`, {token, lang});
        assert.deepEqual(await shownLeaves(page), leaves(want.history));
        const packs = await page.$$eval('.packs a', (as) => as.map((a) => a.textContent));
        assert.deepEqual(packs, want.packs.map((p) => p.code));
        assert.deepEqual(await checkA11y(page), []);
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });

    test('the admin: the purpose dialog (cancelled, then stated by keyboard) and the audit trail', async () => {
      const token = fx.tokens.admin;
      const page = await openPage(browser, `${server.url}/app/battery/${produced}`, {lang, session: token});
      try {
        await page.waitForSelector('dialog.purpose[open]');
        assert.deepEqual(await checkA11y(page), []);
        await shot(page, 'timeline-purpose', lang);
        await page.keyboard.press('Escape'); // cancel: nothing is read
        await page.waitForSelector('#state-purpose');
        assert.equal(await page.$('#timeline'), null);
        await page.focus('#state-purpose');
        await page.keyboard.press('Enter');
        await page.waitForSelector('dialog.purpose[open]');
        const purpose = `web test ${lang} ${Date.now()}`;
        await page.keyboard.type(purpose); // the text field has the focus
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter'); // OK
        await timelineDone(page);
        const want = await apiGet(server, `/v1/batteries/${produced}/history`, {token, lang, purpose: 'check'});
        assert.deepEqual(await shownLeaves(page), leaves(want.history));
        const audit = (await auditTrail()).filter((e) => e.purpose === purpose);
        assert.ok(audit.some((e) => e.record === `battery:${produced}` && e.action.includes('history')),
          `no audited history read with the purpose: ${JSON.stringify(audit)}`);
        assert.deepEqual(await checkA11y(page), []);
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });

    test('a regulator: a battery of its jurisdiction, after stating a purpose', async () => {
      const token = fx.tokens.regulator_provincial;
      // A battery subject of the regulator's findings whose history it may read.
      const findings = await apiGet(server, '/v1/findings?as_of=2026-10-31&limit=1000', {token});
      let code = null;
      for (const f of findings.items) {
        if (!/^[0-9A-Z]{24}$/.test(f.subject)) continue;
        const res = await fetch(`${server.url}/v1/batteries/${f.subject}/history`, {
          headers: {Authorization: `Bearer ${token}`, 'X-Purpose': 'web test: choosing a battery'},
        });
        if (res.ok) {
          code = f.subject;
          break;
        }
      }
      assert.ok(code, 'the regulator may read some battery of its findings');
      const page = await openPage(browser, `${server.url}/app/findings?as_of=2026-10-31`, {lang, session: token});
      try {
        // From the findings list to the battery's life, as a newcomer would.
        await page.waitForSelector('#findings-results[data-state="done"]');
        await page.goto(`${server.url}/app/battery/${code}`);
        await page.waitForSelector('dialog.purpose[open]');
        const purpose = `inspection ${lang} ${Date.now()}`;
        await page.fill('#purpose-text', purpose);
        await page.click('dialog.purpose button[type="submit"]');
        await timelineDone(page);
        const want = await apiGet(server, `/v1/batteries/${code}/history`, {token, lang, purpose: 'check'});
        assert.deepEqual(await shownLeaves(page), leaves(want.history));
        const audit = (await auditTrail()).filter((e) => e.purpose === purpose);
        assert.ok(audit.some((e) => e.record === `battery:${code}`), JSON.stringify(audit));
        assert.deepEqual(await checkA11y(page), []);
        assert.deepEqual(page.consoleErrors, []);
        await shot(page, 'timeline-regulator', lang);
      } finally {
        await page.close();
      }
    });
  });
}
