// The browser tests' harness (docs/ui.md, "Tests"): the fixture store, a real `battrace serve`
// over it, headless Chromium through playwright-core, axe-core, and screenshots.
//
// Environment: BATTRACE_BIN (the binary; default build/release/battrace), BATTRACE_WEB_FIXTURE
// (the fixture directory; default build/release/web-fixture), BATTRACE_UI_SHOTS=1 (screenshots
// go to docs/ui/ for the tour instead of build/release/web-shots/).
import {spawn} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import {chromium} from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..');
export const bin = process.env.BATTRACE_BIN || join(repo, 'build', 'release', 'battrace');
const fixtureDir = process.env.BATTRACE_WEB_FIXTURE || join(repo, 'build', 'release', 'web-fixture');

// The fixture store, its tokens and its registry records (parsed registry.ndjson).
export function fixture() {
  const tokensPath = join(fixtureDir, 'tokens.json');
  if (!existsSync(tokensPath)) {
    throw new Error(`no web fixture at ${fixtureDir}: run scripts/web_fixture.sh (the CTest fixture web_store)`);
  }
  const registry = readFileSync(join(fixtureDir, 'data', 'registry.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return {
    db: join(fixtureDir, 'store.db'),
    dir: fixtureDir,
    tokens: JSON.parse(readFileSync(tokensPath, 'utf8')),
    registry,
  };
}

// A real `battrace serve` on 127.0.0.1 and a free port over the fixture store; with `copy`, over
// a private copy of it (for tests that write), whose path is `db`. Resolves once it listens.
export async function startServer({copy = false} = {}) {
  const {db} = fixture();
  let store = db;
  let scratch = null;
  if (copy) {
    scratch = join(tmpdir(), `battrace-web-${process.pid}-${Date.now()}`);
    mkdirSync(scratch, {recursive: true});
    store = join(scratch, 'store.db');
    copyFileSync(db, store);
    // The store file, its audit trail file (docs/data-model.md, `audit`) and their WALs.
    for (const suffix of ['-wal', '-shm', '.audit', '.audit-wal', '.audit-shm']) {
      if (existsSync(db + suffix)) copyFileSync(db + suffix, store + suffix);
    }
    copyFileSync(`${db}.key`, `${store}.key`);
    chmodSync(`${store}.key`, 0o600); // serve refuses a key others may read
  }
  const proc = spawn(bin, ['serve', '--db', store, '--listen', '127.0.0.1:0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test process that ends without stop() (a crash, a timeout) takes its server with it.
  const orphan = () => proc.kill('SIGKILL');
  process.once('exit', orphan);
  let log = '';
  proc.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const port = await new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`battrace serve did not start:\n${log}`)), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /battrace serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`battrace serve exited (${code}):\n${log}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    db: store,
    log: () => log,
    async stop() {
      process.removeListener('exit', orphan);
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (scratch) rmSync(scratch, {recursive: true, force: true});
    },
  };
}

// Headless Chromium (Debian's, /usr/bin/chromium). Its sandbox needs user namespaces, which a
// root process in a container may not have: as root it runs without it.
export function launch() {
  return chromium.launch({
    executablePath: process.env.BATTRACE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: process.getuid ? process.getuid() !== 0 : true,
  });
}

// A page of a new context: reduced motion, the language (the battrace_lang cookie, and
// Accept-Language), `width` px wide, console and page errors collected in page.consoleErrors,
// and signed in first when `session` is a token (POST /v1/session).
export async function openPage(browser, url, {lang = 'zh-CN', width = 1280, session} = {}) {
  const origin = new URL(url).origin;
  const context = await browser.newContext({
    locale: lang,
    reducedMotion: 'reduce',
    viewport: {width, height: 900},
    extraHTTPHeaders: {'Accept-Language': lang},
  });
  await context.addCookies([{name: 'battrace_lang', value: lang, url: origin, sameSite: 'Lax'}]);
  if (session) {
    const res = await context.request.post(`${origin}/v1/session`, {
      data: {token: session},
      headers: {'X-Battrace-CSRF': '1'},
    });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  }
  const page = await context.newPage();
  page.consoleErrors = [];
  const noMe = !(await hasRoute(origin, '/v1/me'));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A server without GET /v1/me (before sessions) answers it 404, which main.mjs takes for
    // the public; only that 404 is not an error.
    if (noMe && msg.location().url === `${origin}/v1/me` && /404/.test(msg.text())) return;
    page.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => page.consoleErrors.push(`page error: ${err.message}`));
  page.on('close', () => context.close().catch(() => {}));
  await page.goto(url);
  await waitReady(page);
  return page;
}

// Whether the server at `origin` has a GET route for `path` (a 404 of "no route" says not).
const routes = new Map();
async function hasRoute(origin, path) {
  const key = origin + path;
  if (!routes.has(key)) {
    const res = await fetch(key);
    const body = res.status === 404 ? await res.json().catch(() => ({})) : {};
    routes.set(key, !(res.status === 404 && /^no route/.test(body.detail || '')));
  }
  return routes.get(key);
}

// Waits until main.mjs has set body[data-ready="1"] (the page's render() has finished).
export async function waitReady(page) {
  await page.waitForSelector('body[data-ready="1"]', {timeout: 30000});
}

const axeSource = readFileSync(join(repo, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// The axe-core violations of impact serious or critical on the page as it is ([] when none).
// axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
// not govern (a <script> tag of it would be refused).
export async function checkA11y(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {resultTypes: ['violations']});
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// A full-page screenshot: docs/ui/<name>.<lang>.png under BATTRACE_UI_SHOTS=1 (the tour in
// docs/ui.md), else build/release/web-shots/<name>.<lang>.png. Returns the path.
export async function shot(page, name, lang) {
  const dir =
    process.env.BATTRACE_UI_SHOTS === '1' ? join(repo, 'docs', 'ui') : join(repo, 'build', 'release', 'web-shots');
  mkdirSync(dir, {recursive: true});
  const path = join(dir, `${name}.${lang}.png`);
  await page.screenshot({path, fullPage: true});
  return path;
}

// GET an API path as `token` (or the public), in `lang`; the parsed JSON.
export async function apiGet(server, path, {token, lang = 'en', purpose} = {}) {
  const headers = {'Accept-Language': lang};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (purpose) headers['X-Purpose'] = purpose;
  const res = await fetch(server.url + path, {headers});
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// The elements Tab visits from the top of the page, up to `limit`, each described as
// "tag#id" or "tag:text".
export async function tabOrder(page, limit = 40) {
  // Tab starts from a focused, unfocusable-by-Tab marker at the top of the body.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.id = 'tab-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
  });
  const seen = [];
  for (let i = 0; i < limit; ++i) {
    await page.keyboard.press('Tab');
    const desc = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return el.id ? `${el.tagName.toLowerCase()}#${el.id}` : `${el.tagName.toLowerCase()}:${(el.textContent || '').trim().slice(0, 40)}`;
    });
    if (desc === null) break;
    seen.push(desc);
  }
  await page.evaluate(() => document.getElementById('tab-start')?.remove());
  return seen;
}

// Tabs from the top until the focused element matches `selector`; the number of presses, or -1.
export async function tabTo(page, selector, limit = 300) {
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 1; i <= limit; ++i) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return i;
  }
  return -1;
}

// Waits until the page has charts and ECharts has drawn every one (data-drawn="1"); their
// data-chart names.
export async function drawnCharts(page) {
  await page.waitForFunction(() => {
    const charts = [...document.querySelectorAll('[data-chart]')];
    return charts.length > 0 && charts.every((c) => c.dataset.drawn === '1');
  }, null, {timeout: 30000});
  return page.$$eval('[data-chart]', (charts) => charts.map((c) => c.dataset.chart));
}
