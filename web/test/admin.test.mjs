// The admin's pages: "/app/audit" (the rows equal GET /v1/audit's, newest first, page after page)
// and "/app/tokens" (issue a token, shown once; revoke it after a confirmation: the API refuses it
// from then on). In zh-CN and en; axe, the keyboard, no console errors. The server serves a
// private copy of the fixture store: these tests write tokens and audit entries.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, fixture, launch, openPage, shot, startServer, tabOrder, waitReady} from './harness.mjs';

let server, browser, fx;
before(async () => {
  fx = fixture();
  server = await startServer({copy: true});
  browser = await launch();
  // Audited reads to list: 60 listings of the tokens, over a page of 50, then a regulator's
  // reads of findings with their stated purpose.
  for (let i = 0; i < 60; ++i) await apiGet(server, '/v1/tokens?limit=1', {token: fx.tokens.admin});
  for (const kind of ['overdue_report', 'missing_digital_id', 'outlet_coverage_gap']) {
    await apiGet(server, `/v1/findings?kind=${kind}&limit=1`, {token: fx.tokens.regulator_provincial, purpose: `quarterly inspection: ${kind}`});
  }
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The table's cells, row by row.
async function cells(page, id) {
  return page.$$eval(`table#${id} tbody tr`, (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
}

async function status(path, token) {
  return (await fetch(server.url + path, {headers: token ? {Authorization: `Bearer ${token}`} : {}})).status;
}

const TEXT = {
  'zh-CN': {audit: '审计日志', tokens: '访问令牌', revoked: '已撤销', live: '有效'},
  en: {audit: 'Audit trail', tokens: 'Access tokens', revoked: 'Revoked', live: 'Live'},
};

for (const lang of ['zh-CN', 'en']) {
  describe(`admin ${lang}`, () => {
    test('the audit trail: the rows are the API\'s, newest first, page after page', async () => {
      const page = await openPage(browser, `${server.url}/app/audit`, {lang, session: fx.tokens.admin});
      try {
        assert.equal((await page.textContent('h1')).trim(), TEXT[lang].audit);
        const first = await apiGet(server, '/v1/audit?order=desc&limit=50', {token: fx.tokens.admin});
        assert.equal(first.items.length, 50);
        const rows = await cells(page, 'audit');
        assert.deepEqual(
          rows.map((r) => [r[0], r[2], r[3], r[4], r[6]]),
          first.items.map((e) => [String(e.seq), e.principal, e.action, e.record, e.request_id]),
        );
        assert.deepEqual(await checkA11y(page), []);
        await shot(page, 'audit', lang);
        // Keyboard: the filter, the table region and the pager are reachable.
        const order = await tabOrder(page, 80);
        for (const want of [/^input#f\d+-after$/, /^div:/, /^button:/]) {
          assert.ok(order.some((o) => want.test(o)), `Tab order lacks ${want}: ${order.join(', ')}`);
        }
        // The next page continues before the last entry shown.
        await page.click('nav.pager button:nth-of-type(3)');
        await page.waitForFunction((seq) => document.querySelector('table#audit tbody tr td')?.textContent.trim() !== seq, rows[0][0]);
        const second = await apiGet(server, `/v1/audit?order=desc&before=${first.items[49].seq}&limit=50`, {token: fx.tokens.admin});
        assert.deepEqual((await cells(page, 'audit')).map((r) => r[0]), second.items.map((e) => String(e.seq)));
        // In order from an entry number.
        await page.fill('input[name=after]', '5');
        await page.press('input[name=after]', 'Enter');
        await page.waitForFunction(() => document.querySelector('table#audit tbody tr td')?.textContent.trim() === '6');
        const from = await apiGet(server, '/v1/audit?after=5&limit=50', {token: fx.tokens.admin});
        assert.deepEqual((await cells(page, 'audit')).map((r) => r[0]), from.items.map((e) => String(e.seq)));
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });

    test('tokens: issue one (shown once), use it, revoke it after confirming: refused', async () => {
      const page = await openPage(browser, `${server.url}/app/tokens`, {lang, session: fx.tokens.admin});
      try {
        assert.equal((await page.textContent('h1')).trim(), TEXT[lang].tokens);
        // The listed tokens are the API's first page.
        const listed = await apiGet(server, '/v1/tokens?limit=50', {token: fx.tokens.admin});
        assert.deepEqual((await cells(page, 'tokens')).map((r) => r[0]), listed.items.map((x) => x.id));
        const order = await tabOrder(page, 80);
        for (const want of ['input#principal', 'input#days']) assert.ok(order.includes(want), `Tab order: ${order.join(', ')}`);
        assert.deepEqual(await checkA11y(page), []);

        const regulator = fx.registry.find((r) => r.kind === 'regulator');
        await page.fill('#principal', `regulator:${regulator.id}`);
        await page.fill('#days', '7');
        await page.press('#days', 'Enter');
        await page.waitForSelector('#new-token');
        const token = await page.inputValue('#new-token');
        assert.match(token, /^btk_[A-Za-z0-9_-]{43}$/);
        assert.equal((await apiGet(server, '/v1/me', {token})).principal, `regulator:${regulator.id}`);
        // The list is drawn again with the new token on top: until then its first row is the
        // newest of the tokens listed before.
        await page.waitForFunction(
          (before) => document.querySelector('table#tokens tbody tr td')?.textContent.trim() !== before,
          listed.items[0]?.id,
        );
        const top = (await cells(page, 'tokens'))[0];
        assert.equal(top[1], `regulator:${regulator.id}`);
        assert.equal(top[4], TEXT[lang].live);
        assert.ok(!(await page.textContent('table#tokens')).includes(token), 'the list never shows a token text');
        assert.deepEqual(await checkA11y(page), []);
        await shot(page, 'tokens', lang);

        // Revoke: a confirmation first; cancelling keeps the token.
        await page.click('table#tokens tbody tr:first-child button.revoke');
        await page.waitForSelector('dialog.confirm[open]');
        assert.deepEqual(await checkA11y(page), []);
        await page.keyboard.press('Escape');
        await page.waitForSelector('dialog.confirm', {state: 'detached'});
        assert.equal(await status('/v1/me', token), 200);
        await page.click('table#tokens tbody tr:first-child button.revoke');
        await page.click('#confirm-revoke');
        await page.waitForFunction(
          (text) => document.querySelector('table#tokens tbody tr td:nth-child(5)')?.textContent.trim() === text,
          TEXT[lang].revoked,
        );
        assert.equal(await status('/v1/me', token), 401);
        // Both actions are in the trail.
        const trail = await apiGet(server, '/v1/audit?order=desc&limit=20', {token: fx.tokens.admin});
        const id = top[0];
        assert.ok(trail.items.some((e) => e.action === 'POST /v1/tokens' && e.record === `token:${id}`));
        assert.ok(trail.items.some((e) => e.action === 'DELETE /v1/tokens/{id}' && e.record === `token:${id}`));
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });

    test('a bad principal is refused with its rule, nothing issued', async () => {
      const page = await openPage(browser, `${server.url}/app/tokens`, {lang, session: fx.tokens.admin});
      try {
        const before = (await apiGet(server, '/v1/tokens?limit=1', {token: fx.tokens.admin})).items[0].id;
        await page.fill('#principal', 'nobody');
        await page.press('#principal', 'Enter');
        await page.waitForSelector('#issued .error-box');
        assert.match(await page.textContent('#issued .error-box'), /auth\.principal/);
        assert.equal((await apiGet(server, '/v1/tokens?limit=1', {token: fx.tokens.admin})).items[0].id, before);
        assert.deepEqual(page.consoleErrors.filter((e) => !/status of 400/.test(e)), []);
      } finally {
        await page.close();
      }
    });
  });
}

test('the admin pages are the admin\'s: a regulator finds nothing there, the API says 403', async () => {
  const page = await openPage(browser, `${server.url}/app/tokens`, {lang: 'en', session: fx.tokens.regulator_national});
  try {
    assert.equal(await page.locator('table#tokens').count(), 0);
    assert.equal(await page.locator('header a[href="/app/tokens"]').count(), 0);
    assert.equal(await status('/v1/tokens', fx.tokens.regulator_national), 403);
    assert.equal(await status('/v1/audit', fx.tokens.regulator_national), 403);
  } finally {
    await page.close();
  }
});

test('/app/ lands the admin on the audit trail', async () => {
  const page = await openPage(browser, `${server.url}/app/`, {lang: 'en', session: fx.tokens.admin});
  try {
    assert.equal(new URL(page.url()).pathname, '/app/audit');
    await waitReady(page);
  } finally {
    await page.close();
  }
});
