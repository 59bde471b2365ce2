// "/app/upload": a battery maker uploads a CSV file of outlet registrations with bad lines among
// good ones, long enough to go in three parts; the page shows each bad line's error at its line
// of the file, the progress bar reaches 100 %, the summary counts are the API's, exactly the
// good lines are stored (read back through the API), and the rejected lines download with an
// error column. Then an NDJSON file. In zh-CN and in en, with axe and by keyboard.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {after, before, describe, test} from 'node:test';

import {apiGet, checkA11y, fixture, launch, openPage, shot, startServer, tabOrder} from './harness.mjs';

let server, browser, maker, other;
before(async () => {
  server = await startServer({copy: true});
  browser = await launch();
  const {tokens} = fixture();
  maker = tokens.enterprise.battery_maker;
  other = Object.values(tokens.enterprise).find((e) => e.uscc !== maker.uscc);
  assert.ok(maker && other, 'the fixture has a battery maker and another enterprise');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const GOOD = 2400; // with the bad ones, over the page's 1,000 records per part

// A CSV file (Chinese or English headers) of outlet registrations: GOOD good rows and five bad
// ones spread over the parts, a blank line and a quoted cell in between.
// Returns {text, good: [ids], bad: [{line, id, rule, field}]}.
function outletsCsv(lang, prefix) {
  const header =
    lang === 'zh-CN'
      ? '报告编号,报告类型,报送企业,发生日期,网点编号,网点名称,网点地址,网点行政区划代码,网点类型,网点贮存能力t,网点面积m2'
      : 'id,type,reporter,occurred,outlet.id,outlet.name,outlet.address,outlet.division,outlet.kind,outlet.capacity_t,outlet.area_m2';
  const lines = [header];
  const good = [];
  const bad = [];
  const row = (id, {reporter = maker.uscc, division = '440305', date = '2026-09-01', address = 'Road 1'} = {}) =>
    [id, 'outlet.registered', reporter, date, `${id}-o`, `Outlet ${id}`, address, division, 'collection', '50', '120'].join(',');
  const badAt = {
    3: {make: (id) => row(id, {division: '999999'}), rule: 'division.unknown', field: 'outlet.division'},
    900: {make: (id) => row(id, {date: '2026-02-30'}), rule: 'date.exists', field: 'occurred'},
    1500: {make: (id) => `${row(id)},extra`, rule: 'csv.columns', field: ''},
    2000: {make: (id) => row(id, {reporter: other.uscc}), rule: 'auth.reporter', field: 'reporter'},
    2300: {make: (id) => row(id, {reporter: '9.14403E+17'}), rule: 'csv.scientific_notation', field: 'reporter'},
  };
  for (let i = 0; good.length < GOOD; i++) {
    const id = `${prefix}-${i}`;
    if (i === 10) lines.push(''); // a blank line: skipped, but counted
    if (i === 20) {
      // A quoted address with a comma and quotes in it.
      lines.push(row(id, {address: '"Road 2, ""Building 3"""'}));
      good.push(id);
      continue;
    }
    if (badAt[i]) {
      lines.push(badAt[i].make(id));
      bad.push({line: lines.length, id, rule: badAt[i].rule, field: badAt[i].field});
      continue;
    }
    lines.push(row(id));
    good.push(id);
  }
  return {text: `\ufeff${lines.join('\r\n')}\r\n`, good, bad};
}

async function report(id, token) {
  const res = await fetch(`${server.url}/v1/reports/${maker.uscc}/${encodeURIComponent(id)}`, {
    headers: {Authorization: `Bearer ${token}`},
  });
  return res.status;
}

for (const lang of ['zh-CN', 'en']) {
  describe(`upload ${lang}`, () => {
    test('a CSV file with bad lines: each error at its line, exactly the good lines stored', async () => {
      const file = outletsCsv(lang, `up-${lang}`);
      // The line numbers of the file: a record's line is where it starts.
      const physical = file.text.slice(1).split('\n').map((l) => l.replace(/\r$/, ''));
      const lineOf = (id) => physical.findIndex((l) => l.startsWith(`${id},`)) + 1;
      for (const b of file.bad) b.line = lineOf(b.id);
      const page = await openPage(browser, `${server.url}/app/upload`, {lang, session: maker.token});
      try {
        assert.deepEqual(await checkA11y(page), []);
        // The controls are reached by keyboard, in order.
        const order = await tabOrder(page);
        const at = (id) => order.indexOf(id);
        assert.ok(at('input#upload-file') >= 0 && at('input#upload-file') < at('select#upload-type') &&
            at('select#upload-type') < at('button#upload-submit'), `tab order: ${order.join(', ')}`);
        await page.setInputFiles('#upload-file', {name: 'outlets.csv', mimeType: 'text/csv', buffer: Buffer.from(file.text)});
        await page.selectOption('#upload-type', 'outlet.registered');
        await page.focus('#upload-submit');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#upload-summary', {timeout: 60000});
        assert.equal(await page.getAttribute('.upload-progress', 'data-percent'), '100');
        assert.equal(await page.$eval('#upload-progress', (p) => p.value), 100);
        assert.match(await page.textContent('#upload-progress-text'), /100/);
        const count = async (k) => Number(await page.getAttribute(`#upload-${k}`, 'data-count'));
        assert.equal(await count('accepted'), file.good.length);
        assert.equal(await count('duplicates'), 0);
        assert.equal(await count('rejected'), file.bad.length);
        const shown = await page.$$eval('#upload-rejected tbody tr', (rows) =>
          rows.map((r) => ({line: Number(r.dataset.line), rule: r.dataset.rule, field: r.dataset.field, text: r.cells[2].textContent})),
        );
        assert.deepEqual(
          shown.map(({line, rule, field}) => ({line, rule, field})),
          file.bad.map(({line, rule, field}) => ({line, rule, field})),
        );
        for (const s of shown) assert.ok(s.text.trim().length > 10, `line ${s.line}: no words: ${s.text}`);
        if (lang === 'zh-CN') assert.match(shown[0].text, /[\u4e00-\u9fff]/, 'the error is in Chinese');
        // Stored: every good line, no bad one (through the API).
        for (const id of [file.good[0], file.good[20], file.good[1500], file.good.at(-1)]) {
          assert.equal(await report(id, maker.token), 200, `good line ${id} not stored`);
        }
        for (const b of file.bad) assert.equal(await report(b.id, maker.token), 404, `bad line ${b.id} stored`);
        // The rejected lines download as they were, under the header, with an error column.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#upload-download')]);
        const data = readFileSync(await download.path(), 'utf8');
        assert.ok(data.startsWith('\ufeff'), 'the download has a byte order mark');
        const rows = data.slice(1).trim().split('\r\n');
        assert.equal(rows.length, 1 + file.bad.length);
        assert.ok(rows[0].startsWith(physical[0]) && rows[0].length > physical[0].length, `header: ${rows[0]}`);
        for (const [i, b] of file.bad.entries()) {
          assert.ok(rows[i + 1].startsWith(physical[b.line - 1]), `row ${i + 1}: ${rows[i + 1]}`);
          assert.ok(rows[i + 1].includes(b.rule), `row ${i + 1} names no rule: ${rows[i + 1]}`);
        }
        assert.deepEqual(await checkA11y(page), []);
        assert.deepEqual(page.consoleErrors, []);
        await shot(page, 'upload', lang);
        // Sent again: every good line is a duplicate.
        await page.click('#upload-submit');
        await page.waitForFunction((n) => document.querySelector('#upload-duplicates')?.dataset.count === String(n), file.good.length, {timeout: 60000});
        assert.equal(await count('accepted'), 0);
      } finally {
        await page.close();
      }
    });

    test('an NDJSON file: lines numbered as in the file', async () => {
      const id = (n) => `nd-${lang}-${n}`;
      const good = (n) => JSON.stringify({id: id(n), type: 'outlet.registered', reporter: maker.uscc, occurred: '2026-09-02',
        outlet: {id: `${id(n)}-o`, name: 'N', address: 'A', division: '440305', kind: 'collection', capacity_t: 5, area_m2: 10}});
      const text = [good(1), '', good(2), '{"id": 3', good(4).replace('"collection"', '"shop"')].join('\n') + '\n';
      const page = await openPage(browser, `${server.url}/app/upload`, {lang, session: maker.token});
      try {
        await page.setInputFiles('#upload-file', {name: 'outlets.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text)});
        await page.click('#upload-submit');
        await page.waitForSelector('#upload-summary');
        assert.equal(await page.getAttribute('#upload-accepted', 'data-count'), '2');
        const lines = await page.$$eval('#upload-rejected tbody tr', (rows) => rows.map((r) => [Number(r.dataset.line), r.dataset.rule]));
        assert.deepEqual(lines.map((l) => l[0]), [4, 5]);
        assert.equal(lines[0][1], 'report.json');
        assert.equal(await report(id(1), maker.token), 200);
        assert.equal(await report(id(4), maker.token), 404);
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  });
}

test('the upload page is for enterprises: a regulator is not offered it', async () => {
  const {tokens} = fixture();
  const me = await apiGet(server, '/v1/me', {token: tokens.regulator_national});
  assert.equal(me.kind, 'regulator');
  const page = await openPage(browser, `${server.url}/app/`, {session: tokens.regulator_national});
  try {
    assert.equal(await page.$('nav a[href="/app/upload"]'), null);
  } finally {
    await page.close();
  }
});
