// "/": look up a battery by its code, typed or pasted from a scan of its QR label.
import {h} from '../dom.mjs';

// The code in what was typed or scanned: a bare code, or a label URL ending in /b/<code>;
// spaces and line breaks anywhere are dropped. '' when nothing is left.
export function codeOf(input) {
  const text = String(input).replace(/\s+/g, '');
  const scanned = /\/b\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(text);
  return scanned ? decodeURIComponent(scanned[1]) : text;
}

export async function render(root, {t, setTitle, params, navigate}) {
  setTitle(t('home.title'));
  const message = h('p', {id: 'code-error', class: 'field-error', 'aria-live': 'polite'});
  const input = h('input', {
    id: 'code',
    name: 'code',
    type: 'text',
    value: params.get('code') || '',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    'aria-describedby': 'code-hint code-error',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'lookup',
      role: 'search',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const code = codeOf(input.value);
        if (!code) {
          message.textContent = t('home.empty');
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        navigate(`/b/${encodeURIComponent(code)}`);
      },
    },
    h('label', {for: 'code'}, t('home.code_label')),
    h('div', {class: 'row'}, input, h('button', {type: 'submit', class: 'primary'}, t('home.submit'))),
    h('p', {id: 'code-hint', class: 'hint'}, t('home.code_hint')),
    message,
  );
  root.append(
    h('p', {class: 'lead'}, t('home.intro')),
    form,
    h(
      'section',
      {class: 'about', 'aria-labelledby': 'about-title'},
      h('h2', {id: 'about-title'}, t('home.about_title')),
      h('p', {}, t('home.about')),
      h('ul', {class: 'links'},
        h('li', {}, h('a', {href: '/outlets'}, t('home.outlets_link'))),
        h('li', {}, h('a', {href: '/signin'}, t('common.signin')), ' — ', t('home.signin_hint')),
      ),
    ),
  );
  input.focus();
}
