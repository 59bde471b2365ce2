// The shared modules the pages build on (js/dom.mjs, api.mjs, fmt.mjs, chart.mjs, ui.mjs),
// imported into a served page, under its Content-Security-Policy.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {fixture, launch, openPage, startServer} from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function page(lang = 'en') {
  return openPage(browser, `${server.url}/outlets`, {lang});
}

test('h() builds elements and never parses text as HTML', async () => {
  const p = await page();
  try {
    const out = await p.evaluate(async () => {
      const {h} = await import('/assets/js/dom.mjs');
      let clicked = 0;
      const el = h('button', {class: 'x', dataset: {id: '7'}, style: {color: 'red'}, disabled: false,
        'aria-label': 'go', onclick: () => ++clicked}, '<b>not bold</b>', 3, null, [h('i', {}, 'i')]);
      el.click();
      return {html: el.outerHTML, text: el.textContent, clicked, color: el.style.color, b: el.querySelector('b')};
    });
    assert.equal(out.text, '<b>not bold</b>3i');
    assert.equal(out.b, null);
    assert.equal(out.clicked, 1);
    assert.equal(out.color, 'red'); // through the CSSOM: the CSP allows it
    assert.match(out.html, /^<button class="x" data-id="7" aria-label="go"/);
    assert.doesNotMatch(out.html, /disabled/);
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('fmt formats numbers and Beijing days in the page language, never shifting a day', async () => {
  for (const [lang, want] of [
    ['en', {n: '1,234,567', d: 'Sep 30, 2026', m: 'Sep 2026', b: 'Oct 1, 2026'}],
    ['zh-CN', {n: '1,234,567', d: '2026/9/30', m: '2026年9月', b: '2026/10/1'}],
  ]) {
    const p = await page(lang);
    try {
      // Whatever the browser's time zone: the days are calendar days.
      await p.context().newCDPSession(p).then((s) => s.send('Emulation.setTimezoneOverride', {timezoneId: 'America/Los_Angeles'}));
      const out = await p.evaluate(async () => {
        const {fmt} = await import('/assets/js/fmt.mjs');
        return {n: fmt.number(1234567), d: fmt.date('2026-09-30'), m: fmt.month('2026-09'),
          b: fmt.beijingDay('2026-09-30T16:00:00Z'), bad: fmt.date('soon')};
      });
      assert.deepEqual({n: out.n, d: out.d, m: out.m, b: out.b}, want);
      assert.equal(out.bad, 'soon');
    } finally {
      await p.close();
    }
  }
});

test('api sends the language and the CSRF header, and throws the problem document', async () => {
  const p = await page('zh-CN');
  try {
    const seen = [];
    p.on('request', (r) => seen.push({url: r.url(), method: r.method(), headers: r.headers()}));
    const out = await p.evaluate(async () => {
      const {api, ApiError} = await import('/assets/js/api.mjs');
      const divisions = await api.get('/v1/divisions', {parent: '440000', empty: ''});
      let error = null;
      try {
        await api.get('/v1/divisions', {parent: 'x'}, {purpose: '抽查 2026'});
      } catch (e) {
        error = {isApiError: e instanceof ApiError, status: e.status, rule: e.problem.rule, field: e.problem.field};
      }
      let posted = null;
      try {
        await api.post('/v1/reports', []);
      } catch (e) {
        posted = e.status;
      }
      return {n: divisions.items.length, error, posted};
    });
    assert.ok(out.n > 10);
    assert.deepEqual(out.error, {isApiError: true, status: 400, rule: 'division.format', field: 'parent'});
    assert.equal(out.posted, 401); // filing needs an enterprise
    const get = seen.find((r) => r.url.endsWith('/v1/divisions?parent=440000'));
    assert.equal(get.headers['accept-language'], 'zh-CN');
    assert.equal(get.headers['x-battrace-csrf'], undefined);
    const withPurpose = seen.find((r) => r.url.endsWith('/v1/divisions?parent=x'));
    assert.equal(Buffer.from(withPurpose.headers['x-purpose'], 'latin1').toString('utf8'), '抽查 2026');
    const post = seen.find((r) => r.method === 'POST');
    assert.equal(post.headers['x-battrace-csrf'], '1');
  } finally {
    await p.close();
  }
});

test('api.download saves the answer as a file, asking for CSV', async () => {
  const p = await page('en');
  try {
    let accept = null;
    p.on('request', (r) => {
      if (r.url().includes('/v1/divisions?parent=650000')) accept = r.headers().accept;
    });
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.evaluate(async () => {
        const {api} = await import('/assets/js/api.mjs');
        await api.download('/v1/divisions', {parent: '650000'}, {filename: 'xinjiang.csv'});
      }),
    ]);
    assert.equal(accept, 'text/csv');
    assert.equal(download.suggestedFilename(), 'xinjiang.csv');
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    assert.equal(JSON.parse(Buffer.concat(chunks).toString('utf8')).parent, '650000');
  } finally {
    await p.close();
  }
});

test('drawChart draws with ECharts (marked data-drawn), animation off; dataTable has the numbers', async () => {
  const p = await page('en');
  try {
    const out = await p.evaluate(async () => {
      const {drawChart, dataTable} = await import('/assets/js/chart.mjs');
      const el = document.createElement('div');
      el.className = 'chart';
      document.getElementById('page').append(el);
      const chart = drawChart(el, {
        xAxis: {type: 'category', data: ['a', 'b']},
        yAxis: {type: 'value'},
        series: [{type: 'bar', data: [1200, 3]}],
      }, {label: 'test chart'});
      await new Promise((r) => {
        const wait = () => (el.dataset.drawn === '1' ? r() : setTimeout(wait, 20));
        wait();
      });
      // Drawn again into the same element: the same instance, marked again once finished.
      const again = drawChart(el, {series: [{type: 'bar', data: [5, 6]}], xAxis: {type: 'category', data: ['c', 'd']}, yAxis: {}});
      const same = again === chart;
      await new Promise((r) => {
        const wait = () => (el.dataset.drawn === '1' ? r() : setTimeout(wait, 20));
        wait();
      });
      const table = dataTable('Counts', ['kind', 'count'], [['a', 1200], ['b', 3]]);
      document.getElementById('page').append(table);
      return {
        chart: el.dataset.chart, drawn: el.dataset.drawn, role: el.getAttribute('role'),
        svg: !!el.querySelector('svg'), animation: chart.getOption().animation,
        cells: [...table.querySelectorAll('tbody td')].map((td) => td.textContent),
        caption: table.querySelector('caption').textContent, same,
      };
    });
    assert.deepEqual(out, {chart: '1', drawn: '1', role: 'img', svg: true, animation: false,
      cells: ['1,200', '3'], caption: 'Counts', same: true});
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('ui: pager, filterForm, errorBox and purposeDialog', async () => {
  const p = await page('en');
  try {
    const out = await p.evaluate(async () => {
      const {pager, filterForm, errorBox} = await import('/assets/js/ui.mjs');
      const t = (k, o) => (o && o.n ? `${k}:${o.n}` : k);
      const calls = [];
      const nav = pager(t, {index: 2, hasNext: false, onFirst: () => calls.push('first'), onPrev: () => calls.push('prev'), onNext: () => calls.push('next')});
      document.body.append(nav);
      nav.querySelectorAll('button').forEach((b) => b.click());
      const got = [];
      const form = filterForm(t, [
        {name: 'kind', label: 'Kind', type: 'select', options: [{value: '', label: 'any'}, {value: 'late', label: 'late'}], value: 'late'},
        {name: 'from', label: 'From', type: 'date', value: '2026-04-01'},
        {name: 'party', label: 'Party'},
      ], (v) => got.push(v));
      document.body.append(form);
      form.requestSubmit();
      form.querySelector('button[type=button]').click(); // reset
      const box = errorBox({status: 400, problem: {title: 'Bad request', detail: 'no', field: 'as_of', rule: 'date.format', request_id: 'r1'}}, (k, o) => `${k}=${o.field}`);
      return {
        disabled: [...nav.querySelectorAll('button')].map((b) => b.disabled), calls,
        page: nav.querySelector('.page-no').textContent, got,
        labels: [...form.querySelectorAll('label')].map((l) => document.getElementById(l.htmlFor)?.name),
        box: box.textContent, role: box.getAttribute('role'),
      };
    });
    assert.deepEqual(out.disabled, [false, false, true]);
    assert.deepEqual(out.calls, ['first', 'prev']);
    assert.equal(out.page, 'common.page:2');
    assert.deepEqual(out.got, [{kind: 'late', from: '2026-04-01'}, {}]);
    assert.deepEqual(out.labels, ['kind', 'from', 'party']);
    assert.equal(out.role, 'alert');
    assert.match(out.box, /Bad request/);
    assert.match(out.box, /common.error_field=as_of/);

    // The purpose dialog, by keyboard: empty is refused, a purpose is returned, Escape cancels.
    const stated = p.evaluate(async () => {
      const {purposeDialog} = await import('/assets/js/ui.mjs');
      return purposeDialog((k) => k);
    });
    await p.waitForSelector('dialog.purpose[open]');
    await p.keyboard.press('Enter'); // in the textarea: a new line, not a submit
    await p.click('dialog.purpose button[type=submit]');
    assert.equal(await p.textContent('dialog.purpose .field-error'), 'common.purpose_required');
    await p.fill('#purpose-text', '  inspection 17  ');
    await p.click('dialog.purpose button[type=submit]');
    assert.equal(await stated, 'inspection 17');
    const cancelled = p.evaluate(async () => {
      const {purposeDialog} = await import('/assets/js/ui.mjs');
      return purposeDialog((k) => k);
    });
    await p.waitForSelector('dialog.purpose[open]');
    await p.keyboard.press('Escape');
    assert.equal(await cancelled, null);
    assert.equal(await p.locator('dialog').count(), 0);
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('a path no page has says so, in the page language, and is still marked ready', async () => {
  // Signed in as the admin once the server has sessions (the public is sent to sign-in).
  const sessions = await fetch(`${server.url}/v1/session`, {method: 'POST', headers: {'X-Battrace-CSRF': '1'}});
  const session = sessions.status === 404 ? undefined : fixture().tokens.admin;
  for (const [lang, text] of [['en', 'There is no such page.'], ['zh-CN', '没有这个页面。']]) {
    const p = await openPage(browser, `${server.url}/app/no-such-page`, {lang, session});
    try {
      assert.equal((await p.textContent('h1')).trim(), text);
      assert.match(await p.title(), new RegExp(text));
      assert.deepEqual(p.consoleErrors, []);
    } finally {
      await p.close();
    }
  }
});
