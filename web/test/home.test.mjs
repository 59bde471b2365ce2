// "/": the lookup of a battery code, in both languages, at 1280 and 360 px.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {checkA11y, launch, openPage, shot, startServer, tabOrder, waitReady} from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEXT = {
  'zh-CN': {title: '查询电池', signin: '登录', switchTo: 'English', empty: '请输入电池编码'},
  en: {title: 'Look up a battery', signin: 'Sign in', switchTo: '中文', empty: 'Please enter a battery code'},
};

for (const lang of ['zh-CN', 'en']) {
  for (const width of [1280, 360]) {
    describe(`home ${lang} ${width}px`, () => {
      test('renders in its language, without errors or serious axe violations', async () => {
        const page = await openPage(browser, `${server.url}/`, {lang, width});
        try {
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          assert.equal((await page.textContent('h1')).trim(), TEXT[lang].title);
          assert.match(await page.title(), new RegExp(TEXT[lang].title));
          // The visible sign-in link, and the language switch.
          const signin = page.locator('header a.signin');
          assert.ok(await signin.isVisible());
          assert.equal((await signin.textContent()).trim(), TEXT[lang].signin);
          assert.equal((await page.textContent('header button.lang')).trim(), TEXT[lang].switchTo);
          assert.ok(await page.locator('a[href="/outlets"]').first().isVisible());
          // Nothing wider than the screen.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          assert.deepEqual(await checkA11y(page), []);
          assert.deepEqual(page.consoleErrors, []);
          await shot(page, width === 360 ? 'home-phone' : 'home', lang);
        } finally {
          await page.close();
        }
      });

      test('Tab reaches the code field; Enter looks the code up', async () => {
        const page = await openPage(browser, `${server.url}/`, {lang, width});
        try {
          const order = await tabOrder(page);
          assert.ok(order.includes('input#code'), `Tab order: ${order.join(', ')}`);
          // Skip link first, then the header's links, the switch and sign-in, then the form.
          assert.match(order[0], /^a:/);
          await page.focus('#code');
          await page.keyboard.type('  https://example.org/b/ABC123  ');
          await Promise.all([page.waitForURL(/\/b\/ABC123$/), page.keyboard.press('Enter')]);
        } finally {
          await page.close();
        }
      });
    });
  }

  test(`home ${lang}: an empty lookup says what to type, and stays`, async () => {
    const page = await openPage(browser, `${server.url}/`, {lang});
    try {
      await page.focus('#code');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#code-error:not(:empty)');
      assert.match(await page.textContent('#code-error'), new RegExp(TEXT[lang].empty));
      assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
      assert.equal(new URL(page.url()).pathname, '/');
    } finally {
      await page.close();
    }
  });
}

test('the language switch sets the cookie and reloads in the other language', async () => {
  const page = await openPage(browser, `${server.url}/`, {lang: 'zh-CN'});
  try {
    await Promise.all([page.waitForEvent('load'), page.click('header button.lang')]);
    await waitReady(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const cookies = await page.context().cookies();
    assert.equal(cookies.find((c) => c.name === 'battrace_lang').value, 'en');
    assert.equal((await page.textContent('h1')).trim(), TEXT.en.title);
  } finally {
    await page.close();
  }
});

test('?lang= outranks the cookie; a bare code goes to its page; ?code= fills the field', async () => {
  const page = await openPage(browser, `${server.url}/?lang=en&code=XYZ`, {lang: 'zh-CN'});
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.inputValue('#code'), 'XYZ');
    await page.fill('#code', ' 0AB P 12 ');
    await Promise.all([page.waitForURL(/\/b\/0ABP12$/), page.click('form.lookup button[type=submit]')]);
  } finally {
    await page.close();
  }
});
