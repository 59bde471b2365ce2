// "/b/{code}": the public passport page behind a battery's QR label, in zh-CN and en, at 1280
// and 360 px: the public digital ID as the API gives it and nothing of the full record (the
// custodian, VIN and model read through the admin API are nowhere in the page's text), the
// receipt checked in the browser ("recorded in the signed ledger", and "does not match" once a
// leaf hash is tampered with on the way; "not checked here" without Ed25519), the province
// picker without JavaScript, the keyboard, axe, and the QR label rasterised by the browser and
// decoded by zbarimg to the page's URL.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, fixture, launch, openPage, repo, shot, startServer, tabOrder} from './harness.mjs';

const catalogs = {
  'zh-CN': JSON.parse(readFileSync(join(repo, 'web', 'static', 'i18n', 'zh-CN.json'), 'utf8')).passport,
  en: JSON.parse(readFileSync(join(repo, 'web', 'static', 'i18n', 'en.json'), 'utf8')).passport,
};

let fx, server, browser, code, full, province, scratch;
before(async () => {
  fx = fixture();
  server = await startServer();
  browser = await launch();
  scratch = mkdtempSync(join(tmpdir(), 'battrace-passport-'));
  // A pack installed in a vehicle: its full record has a custodian and a VIN.
  code = execFileSync('sqlite3', ['-readonly', fx.db,
    "SELECT code FROM battery WHERE level = 'pack' AND vin IS NOT NULL AND custodian IS NOT NULL " +
    'AND produced_leaf >= 0 ORDER BY code LIMIT 1'], {encoding: 'utf8'}).trim();
  assert.match(code, /^[0-9A-Z]{24}$/);
  full = await apiGet(server, `/v1/batteries/${code}`, {token: fx.tokens.admin});
  assert.equal(full.view, 'full');
  assert.ok(full.custodian && full.vin, 'the pack has a custodian and a VIN');
  // The province with the most open outlets.
  const outlets = (await apiGet(server, '/v1/outlets')).items.filter((o) => !o.closed);
  const count = new Map();
  for (const o of outlets) count.set(o.division.slice(0, 2), (count.get(o.division.slice(0, 2)) || 0) + 1);
  province = `${[...count.entries()].sort((a, b) => b[1] - a[1])[0][0]}0000`;
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, {recursive: true, force: true});
});

// The page's visible text (what a reader sees; the embedded receipt data is not text).
const visibleText = (page) => page.evaluate(() => document.body.innerText);

async function receiptOutcome(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('receipt-status');
    return s && ['ok', 'mismatch', 'unsupported'].includes(s.dataset.outcome);
  });
  return page.$eval('#receipt-status', (s) => [s.dataset.outcome, s.textContent]);
}

for (const lang of ['zh-CN', 'en']) {
  const words = catalogs[lang];
  for (const width of [1280, 360]) {
    describe(`passport ${lang} ${width}px`, () => {
      test('the public digital ID, the receipt checked, nothing of the full record', async () => {
        const page = await openPage(browser, `${server.url}/b/${code}`, {lang, width});
        try {
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          const pub = await apiGet(server, `/v1/batteries/${code}`, {lang});
          const [outcome, said] = await receiptOutcome(page);
          assert.equal(outcome, 'ok');
          assert.equal(said, words.receipt.ok);
          const text = await visibleText(page);
          assert.ok(text.includes(code));
          assert.ok(text.includes(pub.maker.name), 'the maker\'s registered name');
          assert.ok(text.includes(pub.production_month));
          assert.ok(text.includes(words.status[pub.status]), `status ${pub.status}`);
          assert.ok(text.includes(words.type[pub.type]));
          // Not in the text, not anywhere in the HTML.
          const html = await page.content();
          for (const secret of [full.custodian, full.vin, full.model].filter(Boolean)) {
            assert.ok(!text.includes(secret) && !html.includes(secret), `${secret} is on the public page`);
          }
          // The receipt shown is the one the ledger proves: the leaf's hash as the proof API has it.
          const leaf = Number(await page.$eval('#receipt', (s) => JSON.parse(s.textContent).leaf_index));
          const proof = await apiGet(server, `/v1/ledger/proof/inclusion?leaf=${leaf}`);
          assert.ok(text.includes(proof.leaf_hash));
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, width === 360 ? 'passport-phone' : 'passport', lang);
        } finally {
          await page.close();
        }
      });
    });
  }

  test(`passport ${lang}: a leaf hash changed on the way does not match`, async () => {
    const context = await browser.newContext({locale: lang, reducedMotion: 'reduce'});
    const page = await context.newPage();
    try {
      await page.route(`${server.url}/b/${code}*`, async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace(/("leaf_hash":")([A-Za-z0-9+/])/, (m, head, c) =>
          head + (c === 'A' ? 'B' : 'A'));
        await route.fulfill({response, body});
      });
      await page.goto(`${server.url}/b/${code}?lang=${lang}`);
      const [outcome, said] = await receiptOutcome(page);
      assert.equal(outcome, 'mismatch');
      assert.equal(said, words.receipt.mismatch);
    } finally {
      await context.close();
    }
  });

  test(`passport ${lang}: a browser without Ed25519 says the receipt was not checked here`, async () => {
    const context = await browser.newContext({locale: lang, reducedMotion: 'reduce'});
    // WebCrypto as in a browser that lacks Ed25519: importKey refuses the algorithm.
    await context.addInitScript(() => {
      const importKey = crypto.subtle.importKey.bind(crypto.subtle);
      crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
        (algorithm?.name ?? algorithm) === 'Ed25519'
          ? Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError'))
          : importKey(format, key, algorithm, ...rest);
    });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/b/${code}?lang=${lang}`);
      const [outcome, said] = await receiptOutcome(page);
      assert.equal(outcome, 'unsupported');
      assert.equal(said, words.receipt.unsupported);
    } finally {
      await context.close();
    }
  });

  test(`passport ${lang}: without JavaScript, the page reads and the province picker works`, async () => {
    const context = await browser.newContext({locale: lang, javaScriptEnabled: false});
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/b/${code}?lang=${lang}`);
      assert.equal((await page.textContent('#receipt-status')).trim(), words.receipt.nojs);
      await page.selectOption('#province', province);
      await Promise.all([page.waitForURL(/province=/), page.click('form.passport-province button')]);
      assert.equal(new URL(page.url()).searchParams.get('province'), province);
      const want = (await apiGet(server, `/v1/outlets?division=${province}`)).items.filter((o) => !o.closed);
      const shown = await page.$$eval('.passport-outlets li', (items) => items.map((li) => li.querySelector('.passport-mono').textContent));
      assert.deepEqual(shown, want.map((o) => o.id));
      const text = await page.evaluate(() => document.body.innerText);
      assert.ok(text.includes(words.outlets.count.split('{{')[0].trim()) || text.includes(String(want.length)));
      await page.screenshot({path: join(scratch, `nojs.${lang}.png`), fullPage: true});
    } finally {
      await context.close();
    }
  });

  test(`passport ${lang}: the keyboard reaches every control`, async () => {
    const page = await openPage(browser, `${server.url}/b/${code}`, {lang});
    try {
      const order = await tabOrder(page);
      for (const want of ['a:', 'select#province', 'button:', 'summary:']) {
        assert.ok(order.some((d) => d.startsWith(want)), `${want} not reached by Tab: ${order.join(', ')}`);
      }
      // The picker by keyboard alone: focus the select, pick the province, submit with Enter.
      await page.focus('#province');
      await page.selectOption('#province', province);
      await page.focus('form.passport-province button');
      await Promise.all([page.waitForURL(/province=/), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).searchParams.get('province'), province);
      await page.waitForSelector('body[data-ready="1"]');
      assert.deepEqual(page.consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  test(`passport ${lang}: a malformed code is 400 naming its rule, an unknown one 404`, async () => {
    const bad = `${code.slice(0, 23)}`;
    const page = await openPage(browser, `${server.url}/b/${bad}`, {lang});
    try {
      const text = await visibleText(page);
      assert.ok(text.includes(words.invalid.heading));
      assert.ok(text.includes('battery_code.length'));
      assert.deepEqual(await checkA11y(page), []);
      assert.deepEqual(page.consoleErrors.filter((e) => !e.includes('400')), []);
      const res = await fetch(`${server.url}/b/${bad}`);
      assert.equal(res.status, 400);
      const unknown = code.slice(0, 17) + (code.slice(17) === '0000000' ? '0000001' : '0000000');
      const res404 = await fetch(`${server.url}/b/${unknown}?lang=${lang}`);
      assert.equal(res404.status, 404);
      assert.ok((await res404.text()).includes(words.unregistered.heading));
    } finally {
      await page.close();
    }
  });
}

test('the QR label, rasterised by the browser, decodes to the page\'s URL', async () => {
  const page = await openPage(browser, `${server.url}/b/${code}`, {lang: 'en'});
  try {
    const img = page.locator('img.passport-qr');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('img.passport-qr').complete);
    const png = join(scratch, 'label.png');
    writeFileSync(png, await img.screenshot());
    const decoded = execFileSync('zbarimg', ['--raw', '-q', png], {encoding: 'utf8'}).trim();
    assert.equal(decoded, `${server.url}/b/${code}`);
  } finally {
    await page.close();
  }
});
