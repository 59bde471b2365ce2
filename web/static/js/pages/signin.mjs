// "/signin": a token typed or pasted into a form, or carried by a sign-in link in the URL
// fragment (/signin#token=btk_..., which the browser never sends to a server), is exchanged for
// a session cookie (POST /v1/session); then the page goes to `next` (a path of this site only)
// or to /app/. The fragment is removed from the address bar before anything else happens.
import {ApiError} from '../api.mjs';
import {h, replace} from '../dom.mjs';
import {errorBox} from '../ui.mjs';

// `next` when it is a path of this site ("/app/findings?kind=x"), else /app/: never another
// origin ("//host", "/\host", "https://...").
export function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/app/';
  try {
    const u = new URL(next, location.origin);
    return u.origin === location.origin ? u.pathname + u.search + u.hash : '/app/';
  } catch {
    return '/app/';
  }
}

// The token of a "#token=..." fragment, or null.
function fragmentToken() {
  const m = /^#token=(.+)$/.exec(location.hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]).trim();
  } catch {
    return m[1].trim();
  }
}

// The refusal in plain words; other failures as the API states them.
function refusal(error, t) {
  if (error instanceof ApiError) {
    if (error.status === 401) return h('p', {}, t('signin.refused'));
    if (error.status === 429) return h('p', {}, t('signin.too_many'));
    if (error.status === 503) return h('p', {}, t('signin.busy'));
  }
  return errorBox(error, t);
}

export async function render(root, {me, t, api, params, setTitle}) {
  setTitle(t('signin.title'));
  const fromLink = fragmentToken();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const next = safeNext(params.get('next'));

  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    required: true,
    'aria-describedby': 'token-help token-error',
  });
  const error = h('div', {id: 'token-error', class: 'field-error', 'aria-live': 'assertive'});
  const status = h('p', {id: 'signin-status', class: 'hint', role: 'status'});
  const button = h('button', {type: 'submit', class: 'primary'}, t('signin.submit'));

  async function signIn(token) {
    replace(error);
    input.removeAttribute('aria-invalid');
    if (!token) {
      input.setAttribute('aria-invalid', 'true');
      replace(error, h('p', {}, t('signin.empty')));
      input.focus();
      return false;
    }
    button.disabled = true;
    status.textContent = t('signin.signing_in');
    try {
      await api.post('/v1/session', {token});
    } catch (e) {
      status.textContent = '';
      button.disabled = false;
      input.setAttribute('aria-invalid', 'true');
      replace(error, refusal(e, t));
      input.focus();
      return false;
    }
    // A full load: the next page starts from the new session (GET /v1/me).
    location.assign(next);
    return true;
  }

  const form = h(
    'form',
    {
      class: 'signin',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        signIn(input.value.trim());
      },
    },
    h('label', {for: 'token'}, t('signin.token_label')),
    h('p', {id: 'token-help', class: 'hint'}, t('signin.token_help')),
    h('div', {class: 'row'}, input, button),
    error,
    status,
  );
  const signedIn =
    me.kind !== 'public'
      ? h(
          'p',
          {class: 'signed-in'},
          t('signin.signed_in', {name: me.name || me.principal}),
          ' ',
          h('a', {href: next}, t('signin.continue')),
        )
      : null;
  replace(root, h('p', {class: 'lead'}, t('signin.lead')), signedIn, form);
  if (fromLink) {
    status.textContent = t('signin.from_link');
    await signIn(fromLink);
  } else {
    input.focus();
  }
}
