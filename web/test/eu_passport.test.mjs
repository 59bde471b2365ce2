// The EU battery passport on "/b/{code}", and the QR that resolves both ways: over a copy of the
// fixture store in which a pack's maker has declared the pack's model (battery_model.declared,
// with a GTIN) and filed a second battery of it with a GS1 serial, and the vehicle's maker has
// filed the pack's health (battery.health). In zh-CN and en, at 1280 and 360 px: the public EU
// attributes as declared, and nothing of the health report or of the commercial fields (open
// only to a legitimate interest); axe; the page links the passport's JSON, which a script's
// fetch with `Accept: application/json` gets too; the GS1 Digital Link, opened in the browser,
// lands on the passport of the battery it names.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';

import {apiGet, bin, checkA11y, fixture, launch, openPage, repo, shot, startServer} from './harness.mjs';

const catalogs = {
  'zh-CN': JSON.parse(readFileSync(join(repo, 'web', 'static', 'i18n', 'zh-CN.json'), 'utf8')).passport.eu,
  en: JSON.parse(readFileSync(join(repo, 'web', 'static', 'i18n', 'en.json'), 'utf8')).passport.eu,
};
const GTIN = '06901234567892';
const SERIAL = 'EUWEB-7';
const MASS = 987.65; // a material's mass: commercial, never public
const SOH = 93.75; // the health report's state of health: a legitimate interest's

let fx, server, browser, code, twin;
const sql = (db, query) => execFileSync('sqlite3', ['-readonly', db, query], {encoding: 'utf8'}).trim();
const tokenFor = (uscc) =>
  execFileSync(bin, ['token', 'issue', '--db', server.db, '--principal', `enterprise:${uscc}`], {encoding: 'utf8'})
    .trim()
    .split('\n')
    .pop()
    .trim();

async function file(token, reports) {
  const res = await fetch(`${server.url}/v1/reports`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token}`},
    body: JSON.stringify(reports),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.accepted, reports.length, JSON.stringify(body.results));
}

before(async () => {
  fx = fixture();
  server = await startServer({copy: true});
  browser = await launch();
  // A pack installed in a vehicle, its maker, model, production report and the vehicle's maker.
  const row = sql(fx.db,
    'SELECT b.code, b.producer, b.model, v.maker, b.produced_leaf FROM battery b JOIN vehicle v ON v.vin = b.vin ' +
    "WHERE b.level = 'pack' AND b.produced_leaf >= 0 AND b.model IS NOT NULL AND v.maker IS NOT NULL " +
    'ORDER BY b.code LIMIT 1').split('|');
  const [, producer, model, vehicleMaker, leaf] = row;
  code = row[0];
  // Its production report, through the API: a stored body may be compressed (docs/data-model.md).
  const [reporter, id] = sql(fx.db, `SELECT reporter, id FROM report WHERE leaf = ${leaf}`).split('|');
  const produced = (await apiGet(server, `/v1/reports/${reporter}/${id}`, {token: tokenFor(producer)})).report;
  // Its twin: the same model, a serial code no battery has, and a GS1 serial.
  twin = `${code.slice(0, 17)}9999999`;
  assert.equal(sql(fx.db, `SELECT count(*) FROM battery WHERE code = '${twin}'`), '0');
  const twinReport = {...produced, id: 'bp-euweb-twin', code: twin, serial: SERIAL};
  for (const k of ['reported', 'receipt', 'parts']) delete twinReport[k];
  await file(tokenFor(producer), [
    {
      type: 'battery_model.declared', id: 'decl-euweb-1', reporter: producer, occurred: produced.occurred, model, category: 'ev',
      gtin: GTIN,
      chemistry: {short_name: 'NMC', clear_name: 'lithium nickel manganese cobalt oxide'},
      carbon_footprint: {per_kwh: 73.25, class: 'C',
        stages: {raw_material_extraction: 50.5, main_production: 20.0, distribution: 1.25, recycling: 1.5}},
      recycled_content: {nickel: {pre_consumer: 2.0, post_consumer: 6.5}, cobalt: {pre_consumer: 3.0, post_consumer: 11.5},
        lithium: {pre_consumer: 0.5, post_consumer: 4.0}},
      renewable_content_pct: 9.5,
      materials: [{name: 'NMC 622', mass_kg: MASS, critical: true, component: 'cathode'}],
      hazardous_substances: [{name: 'LiPF6', cas: '21324-40-3', class: 'acute_toxicity', concentration_pct: 1.5,
        component: 'electrolyte'}],
      extinguishing_agents: ['water', 'CO2'],
      lifetime: {expected_years: 8, cycle_life: 2500, capacity_threshold_pct: 70},
    },
    twinReport,
  ]);
  await file(tokenFor(vehicleMaker), [{
    type: 'battery.health', id: 'health-euweb-1', reporter: vehicleMaker, occurred: '2026-09-30', code,
    measured: '2026-09-30T08:00:00+08:00', soh_capacity_pct: SOH, full_cycles: 4321,
  }]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const visibleText = (page) => page.evaluate(() => document.body.innerText);

for (const lang of ['zh-CN', 'en']) {
  const words = catalogs[lang];
  for (const width of [1280, 360]) {
    describe(`EU passport ${lang} ${width}px`, () => {
      test('the public EU attributes as declared, nothing a legitimate interest alone may read', async () => {
        const page = await openPage(browser, `${server.url}/b/${code}`, {lang, width});
        try {
          const eu = await apiGet(server, `/b/${code}?format=json`);
          assert.equal(eu.access, 'public');
          const text = await visibleText(page);
          assert.ok(text.includes(words.heading));
          assert.ok(text.includes(eu.passportIdentifier));
          assert.ok(text.includes(words.categories.ev));
          assert.ok(text.includes(words.carbon.value.replace('{{value}}', '73.25')));
          for (const stage of ['RawMaterialExtraction', 'MainProduction', 'Distribution', 'Recycling']) {
            assert.ok(text.includes(words.carbon.stages[stage]), stage);
          }
          for (const material of ['Nickel', 'Cobalt', 'Lithium']) {
            assert.ok(text.includes(words.recycled.materials[material]), material);
          }
          assert.ok(text.includes(words.percent.replace('{{value}}', '11.5')));
          assert.ok(text.includes(words.percent.replace('{{value}}', '9.5')));
          assert.ok(text.includes(words.lifetime.cycles_value.replace('{{value}}', '2500')));
          assert.ok(text.includes('water, CO2') && text.includes('LiPF6') && text.includes('NMC'));
          // The health report (legitimate interest) and a material's mass (commercial): nowhere.
          const html = await page.content();
          for (const hidden of [String(SOH), '4321', String(MASS)]) {
            assert.ok(!html.includes(hidden), `${hidden} is on the public page`);
          }
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await page.waitForFunction(() => document.getElementById('receipt-status')?.dataset.outcome === 'ok');
          await shot(page, width === 360 ? 'passport-eu-phone' : 'passport-eu', lang);
        } finally {
          await page.close();
        }
      });
    });
  }
}

test('the page links its JSON, and a script asking for JSON gets the passport', async () => {
  const page = await openPage(browser, `${server.url}/b/${code}`, {lang: 'en'});
  try {
    const fetched = await page.evaluate(async () => {
      const res = await fetch(location.pathname, {headers: {Accept: 'application/json'}});
      return {type: res.headers.get('content-type'), vary: res.headers.get('vary'), body: await res.json()};
    });
    assert.match(fetched.type, /^application\/json/);
    assert.match(fetched.vary, /Accept/);
    assert.equal(fetched.body.profile, 'eu');
    assert.equal(fetched.body.carbonFootprint.batteryCarbonFootprint, 73.25);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/b/${code}?format=json`)),
      page.click(`a[href="/b/${code}?format=json"]`),
    ]);
    const shown = await response.json();
    assert.equal(shown.battery, code);
    assert.equal(shown.access, 'public');
  } finally {
    await page.close();
  }
});

test('the GS1 Digital Link lands on the passport of the battery it names', async () => {
  for (const gtin of [GTIN, GTIN.slice(1)]) {
    const page = await openPage(browser, `${server.url}/01/${gtin}/21/${SERIAL}?lang=en`, {lang: 'zh-CN'});
    try {
      assert.equal(new URL(page.url()).pathname, `/b/${twin}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      const text = await visibleText(page);
      assert.ok(text.includes(twin));
      assert.ok(text.includes(catalogs.en.carbon.value.replace('{{value}}', '73.25')));
      assert.deepEqual(page.consoleErrors, []);
    } finally {
      await page.close();
    }
  }
  const res = await fetch(`${server.url}/01/${GTIN}/21/NO-SUCH?lang=en`);
  assert.equal(res.status, 404);
  assert.ok((await res.text()).includes('No battery is registered under this GTIN and serial'));
});
