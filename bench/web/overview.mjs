// The time until the regulator overview has drawn every chart, in headless Chromium
// (bench/web/run.sh, bench/web/README.md), with the browser tests' Chromium (web/test/harness.mjs).
// usage: node bench/web/overview.mjs BASE_URL TOKEN RUNS
// Each run opens a fresh browser context (zh-CN, 1280x800, prefers-reduced-motion: reduce, so
// ECharts draws without animation as in the tests), signs in through /signin#token=..., empties
// the browser's cache, then loads /app/overview twice: cold (every asset fetched) and warm (the
// assets in the cache). A load's time runs from the navigation's start to the moment the page
// has set document.body.dataset.ready = "1" and every [data-chart] element carries
// data-drawn="1" (at least one), taken in the page by a MutationObserver (performance.now()).
// Prints one line: RESULT first_ms=... cold_median_ms=... cold_max_ms=... warm_median_ms=...
// warm_max_ms=... ready_median_ms=... charts=... errors=... (console and page errors, listed on
// stderr).
import {launch} from '../../web/test/harness.mjs';

const [base, token, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
if (!base || !token || !(runs >= 1)) {
  console.error('usage: node bench/web/overview.mjs BASE_URL TOKEN RUNS');
  process.exit(2);
}
const timeout = 30000;

// Runs in the page before its scripts: records when the page is ready and every chart drawn.
function watch() {
  const check = () => {
    if (window.__benchDrawn || !document.body || document.body.dataset.ready !== '1') return;
    window.__benchReady ??= performance.now();
    const charts = document.querySelectorAll('[data-chart]');
    if (charts.length === 0) return;
    for (const chart of charts) {
      if (chart.dataset.drawn !== '1') return;
    }
    window.__benchDrawn = {ready: window.__benchReady, drawn: performance.now(), charts: charts.length};
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-ready', 'data-drawn'],
  });
}

async function load(page) {
  await page.goto(`${base}/app/overview`, {waitUntil: 'commit', timeout});
  try {
    await page.waitForFunction(() => window.__benchDrawn, null, {timeout});
  } catch (e) {
    const state = await page.evaluate(() => ({
      url: location.href,
      ready: document.body?.dataset.ready ?? null,
      charts: document.querySelectorAll('[data-chart]').length,
      drawn: document.querySelectorAll('[data-chart][data-drawn="1"]').length,
    }));
    throw new Error(`the overview was not drawn within ${timeout} ms: ${JSON.stringify(state)}`);
  }
  return page.evaluate(() => window.__benchDrawn);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const browser = await launch();
const cold = [];
const warm = [];
const errors = [];
let charts = 0;
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({
      locale: 'zh-CN',
      reducedMotion: 'reduce',
      viewport: {width: 1280, height: 800},
    });
    await context.addInitScript(watch);
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    await page.goto(`${base}/signin#token=${token}`, {timeout});
    await page.waitForURL((u) => u.pathname.startsWith('/app/'), {timeout});
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    const c = await load(page);
    const w = await load(page);
    cold.push(c);
    warm.push(w);
    charts = c.charts;
    await context.close();
  }
} catch (e) {
  console.error(`overview: ${e.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
if (process.exitCode) process.exit();
for (const e of errors) console.error(e);
const drawn = (xs) => xs.map((x) => x.drawn);
console.log(
  `RESULT first_ms=${cold[0].drawn.toFixed(0)} cold_median_ms=${median(drawn(cold)).toFixed(0)} ` +
    `cold_max_ms=${Math.max(...drawn(cold)).toFixed(0)} warm_median_ms=${median(drawn(warm)).toFixed(0)} ` +
    `warm_max_ms=${Math.max(...drawn(warm)).toFixed(0)} ` +
    `ready_median_ms=${median(cold.map((x) => x.ready)).toFixed(0)} charts=${charts} errors=${errors.length}`,
);
