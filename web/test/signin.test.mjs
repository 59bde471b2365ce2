// "/signin" and the session it opens: sign-in through the form and through a link's fragment
// (the token never in a request), the cookie out of page scripts' reach, plain-words refusals,
// /app/ sending the signed-out to sign-in and the signed-in home, sign-out ending the session on
// the server. In zh-CN and en, at 1280 and 360 px; axe and the keyboard.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {checkA11y, fixture, launch, openPage, shot, startServer, tabOrder, waitReady} from './harness.mjs';

let server, browser, fx;
before(async () => {
  fx = fixture();
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEXT = {
  'zh-CN': {title: '登录', refused: '这个令牌未被接受', empty: '请输入或粘贴访问令牌', signout: '退出登录'},
  en: {title: 'Sign in', refused: 'This token was not accepted', empty: 'Please type or paste your access token', signout: 'Sign out'},
};

// GET /v1/me with the cookie header `cookie` (or none): who the server takes it for.
async function meWithCookie(cookie) {
  const res = await fetch(`${server.url}/v1/me`, {headers: cookie ? {Cookie: cookie} : {}});
  return res.json();
}

// The browser's session cookie, as a Cookie header value.
async function sessionCookie(page) {
  const c = (await page.context().cookies()).find((x) => x.name === 'battrace_session');
  return c ? `${c.name}=${c.value}` : null;
}

// The 401 of a refused sign-in is the one console error a page may show here (Chromium logs
// every failed fetch).
const refusedFetch = (e) => /status of 401/.test(e) && /\/v1\/session/.test(e);

for (const lang of ['zh-CN', 'en']) {
  describe(`signin ${lang}`, () => {
    for (const width of [1280, 360]) {
      test(`${width}px: the form signs in and goes to next; the cookie is out of scripts' reach`, async () => {
        const page = await openPage(browser, `${server.url}/signin?next=/app/audit`, {lang, width});
        try {
          assert.equal((await page.textContent('h1')).trim(), TEXT[lang].title);
          assert.equal(await page.getAttribute('#token', 'type'), 'password');
          assert.deepEqual(await checkA11y(page), []);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          await shot(page, width === 360 ? 'signin-phone' : 'signin', lang);
          // Keyboard only: Tab reaches the field and the button; Enter signs in.
          const order = await tabOrder(page);
          assert.ok(order.includes('input#token'), `Tab order: ${order.join(', ')}`);
          const button = order.indexOf('input#token') + 1;
          assert.match(order[button] || '', /^button:/, `the button follows the field: ${order.join(', ')}`);
          await page.focus('#token');
          await page.keyboard.type(fx.tokens.admin);
          // The start URL (/signin?next=/app/audit) ends the same way: wait on the path itself.
          await Promise.all([page.waitForURL((u) => u.pathname === '/app/audit'), page.keyboard.press('Enter')]);
          await waitReady(page);
          const cookies = await page.context().cookies();
          const session = cookies.find((c) => c.name === 'battrace_session');
          assert.ok(session, 'the session cookie is set');
          assert.equal(session.httpOnly, true);
          assert.equal(session.sameSite, 'Strict');
          assert.equal(session.path, '/');
          const visible = await page.evaluate(() => document.cookie);
          assert.ok(!visible.includes('battrace_session'), `document.cookie shows the session: ${visible}`);
          assert.ok(!visible.includes(session.value));
          assert.match(await page.textContent('header .who'), /admin/);
          assert.deepEqual(page.consoleErrors, []);
        } finally {
          await page.close();
        }
      });
    }

    test('a sign-in link signs in at once; its token never reaches a request or the history', async () => {
      const context = await browser.newContext({locale: lang, reducedMotion: 'reduce', extraHTTPHeaders: {'Accept-Language': lang}});
      await context.addCookies([{name: 'battrace_lang', value: lang, url: server.url, sameSite: 'Lax'}]);
      const page = await context.newPage();
      const token = fx.tokens.regulator_provincial;
      const requests = [];
      page.on('request', (r) => requests.push(`${r.url()} ${r.postData() || ''}`));
      try {
        await page.goto(`${server.url}/signin#token=${token}`);
        // /app/ sends a regulator to its overview (server-side, 303).
        await page.waitForURL(/\/app\/overview$/);
        await waitReady(page);
        const urls = requests.filter((r) => !r.includes('/v1/session'));
        assert.ok(urls.every((r) => !r.includes(token)), `the token was sent: ${urls.find((r) => r.includes(token))}`);
        assert.ok(requests.some((r) => r.includes('/v1/session') && r.includes(token)), 'signed in by POST');
        const history = await page.evaluate(() => history.length);
        await page.goBack();
        assert.ok(!page.url().includes('#token'), `the fragment is in the history: ${page.url()} (${history})`);
        const me = await meWithCookie(await sessionCookie(page));
        assert.equal(me.kind, 'regulator');
      } finally {
        await context.close();
      }
    });

    test('refusals in plain words: an empty field, a wrong token', async () => {
      const page = await openPage(browser, `${server.url}/signin`, {lang});
      try {
        await page.click('form.signin button[type=submit]');
        await page.waitForSelector('#token-error:not(:empty)');
        assert.match(await page.textContent('#token-error'), new RegExp(TEXT[lang].empty));
        assert.equal(await page.getAttribute('#token', 'aria-invalid'), 'true');
        await page.fill('#token', `btk_${'x'.repeat(43)}`);
        await page.press('#token', 'Enter');
        await page.waitForSelector(`#token-error:has-text("${TEXT[lang].refused}")`);
        assert.equal(new URL(page.url()).pathname, '/signin');
        assert.equal(await sessionCookie(page), null);
        assert.deepEqual(await checkA11y(page), []);
        await shot(page, 'signin-refused', lang);
        assert.deepEqual(page.consoleErrors.filter((e) => !refusedFetch(e)), []);
      } finally {
        await page.close();
      }
    });

    test('sign-out ends the session on the server: the old cookie is the public', async () => {
      const page = await openPage(browser, `${server.url}/app/audit`, {lang, session: fx.tokens.admin});
      try {
        const cookie = await sessionCookie(page);
        assert.equal((await meWithCookie(cookie)).kind, 'admin');
        const signout = page.locator('header button.signout');
        assert.equal((await signout.textContent()).trim(), TEXT[lang].signout);
        await Promise.all([page.waitForURL(`${server.url}/`), signout.click()]);
        await waitReady(page);
        assert.equal(await sessionCookie(page), null, 'the browser forgot the cookie');
        assert.deepEqual(await meWithCookie(cookie), {principal: 'public', kind: 'public'});
        assert.ok(await page.locator('header a.signin').isVisible());
        // /app/ pages now send to sign-in, with the page to come back to.
        await page.goto(`${server.url}/app/audit?after=3`);
        await waitReady(page);
        const u = new URL(page.url());
        assert.equal(u.pathname, '/signin');
        assert.equal(u.searchParams.get('next'), '/app/audit?after=3');
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  });
}

test('next never leaves the site', async () => {
  const page = await openPage(browser, `${server.url}/signin?next=//evil.example/x`, {lang: 'en'});
  try {
    await page.fill('#token', fx.tokens.admin);
    await Promise.all([page.waitForURL((u) => u.pathname === '/app/audit'), page.press('#token', 'Enter')]);
    assert.equal(new URL(page.url()).origin, server.url);
  } finally {
    await page.close();
  }
});
