// Every page starts here: the language (the shell's <html lang>, chosen by the server from
// ?lang, the battrace_lang cookie and Accept-Language), the catalog, who is signed in, the
// header, and the page module for the path (pages.mjs). body[data-ready="1"] once the page's
// render() has finished (tests and the benchmark wait for it).
import i18next from '../vendor/i18next.mjs';

import {api, ApiError, setApiLang} from './api.mjs';
import {h, replace} from './dom.mjs';
import {fmt, setFmtLang} from './fmt.mjs';
import {pages} from './pages.mjs';
import {errorBox} from './ui.mjs';

const LANG_COOKIE = 'battrace_lang';

async function loadCatalog(lang) {
  const res = await fetch(`/assets/i18n/${lang}.json`);
  if (!res.ok) throw new Error(`catalog ${lang}: HTTP ${res.status}`);
  return res.json();
}

// GET /v1/me; the public when nobody is signed in (401), or before the server has the route.
async function whoAmI() {
  try {
    return await api.get('/v1/me');
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return {kind: 'public'};
    throw e;
  }
}

// The page of `path` and the rest of the path after a "/*" pattern's prefix.
export function findPage(path) {
  for (const page of pages) {
    if (page.path === path) return {page, rest: ''};
    if (page.path.endsWith('/*')) {
      const prefix = page.path.slice(0, -1);
      if (path.startsWith(prefix) && path.length > prefix.length) {
        return {page, rest: decodeURIComponent(path.slice(prefix.length))};
      }
    }
  }
  return null;
}

function switchLanguage(lang) {
  const other = lang === 'en' ? 'zh-CN' : 'en';
  document.cookie = `${LANG_COOKIE}=${other}; Path=/; SameSite=Lax; Max-Age=31536000`;
  const u = new URL(location.href);
  u.searchParams.delete('lang'); // the parameter outranks the cookie
  location.assign(u.pathname + u.search + u.hash);
}

function header(t, lang, me) {
  const here = location.pathname;
  const links = pages
    .filter((p) => p.nav && !p.path.endsWith('/*') && p.who.includes(me.kind))
    .map((p) =>
      h('li', {}, h('a', {href: p.path, 'aria-current': p.path === here ? 'page' : null}, t(p.nav))),
    );
  const account =
    me.kind === 'public'
      ? h('a', {class: 'signin', href: `/signin?next=${encodeURIComponent(here + location.search)}`}, t('common.signin'))
      : h(
          'span',
          {class: 'account'},
          h('span', {class: 'who'}, t('common.signed_in_as', {name: me.name || me.principal})),
          h(
            'button',
            {
              type: 'button',
              class: 'signout',
              onclick: async () => {
                try {
                  await api.del('/v1/session');
                } catch {
                  // Ended already (expired, or signed out in another tab): the public either way.
                }
                location.assign('/');
              },
            },
            t('common.signout'),
          ),
        );
  return h(
    'header',
    {class: 'site'},
    h('a', {class: 'skip', href: '#main'}, t('common.skip')),
    h('a', {class: 'brand', href: '/'}, h('img', {src: '/assets/img/favicon.svg', alt: '', width: 28, height: 28}), t('common.site')),
    h('nav', {'aria-label': t('nav.label')}, h('ul', {}, links)),
    h(
      'div',
      {class: 'tools'},
      h(
        'button',
        {type: 'button', class: 'lang', lang: lang === 'en' ? 'zh-CN' : 'en', onclick: () => switchLanguage(lang)},
        t('common.switch_to'),
      ),
      account,
    ),
  );
}

async function start() {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
  setApiLang(lang);
  setFmtLang(lang);
  const catalog = await loadCatalog(lang);
  await i18next.init({
    lng: lang,
    fallbackLng: false,
    resources: {[lang]: {translation: catalog}},
    interpolation: {escapeValue: false}, // text goes into text nodes, never parsed as HTML
  });
  const t = i18next.t.bind(i18next);
  const app = document.getElementById('app');
  const title = h('h1', {id: 'page-title'});
  const body = h('div', {id: 'page'});
  const main = h('main', {id: 'main', tabindex: '-1'}, title, body);
  const setTitle = (text) => {
    title.textContent = text;
    document.title = `${text} · ${t('common.site')}`;
  };
  let me = {kind: 'public'};
  try {
    me = await whoAmI();
  } catch (e) {
    replace(body, errorBox(e, t));
  }
  replace(app, header(t, lang, me), main, h('footer', {class: 'site'}, h('p', {}, t('common.footer'))));
  let path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/app') {
    // The signed-in home: the first page of the nav this principal may see.
    const first = pages.find((p) => p.path.startsWith('/app/') && p.nav && p.who.includes(me.kind));
    if (first) {
      location.replace(first.path);
      return;
    }
  }
  const found = findPage(path);
  if (!found || !found.page.who.includes(me.kind)) {
    setTitle(t(path === '/app' ? 'common.nothing_here' : 'common.not_found'));
    return;
  }
  const module = await import(found.page.module);
  const ctx = {
    me,
    t,
    lang,
    api,
    fmt,
    params: new URLSearchParams(location.search),
    rest: found.rest,
    navigate: (url) => location.assign(url),
    setTitle,
  };
  try {
    await module.render(body, ctx);
  } catch (e) {
    body.append(errorBox(e, t));
    document.body.dataset.error = '1';
  }
}

start()
  .catch((e) => {
    document.body.dataset.error = '1';
    replace(document.getElementById('app'), errorBox(e));
  })
  .finally(() => {
    document.body.dataset.ready = '1';
  });
