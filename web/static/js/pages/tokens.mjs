// "/app/tokens" (admin): every token newest first (GET /v1/tokens, by cursor), issuing one
// (POST /v1/tokens: its text shown this once, with a copy button) and revoking one after a
// confirmation (DELETE /v1/tokens/{id}: its holder is refused from then on, and the browser
// sessions opened with it end).
import {h, replace} from '../dom.mjs';
import {errorBox, pager} from '../ui.mjs';
import {stamp, tableRegion} from './admin_ui.mjs';

const PAGE = 50;

// Asks to confirm the revocation of `token`: a modal dialog. Resolves to true or false.
function confirmRevoke(t, token) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const cancel = h('button', {type: 'button', onclick: () => finish(false)}, t('common.cancel'));
    const dialog = h(
      'dialog',
      {class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text'},
      h('h2', {id: 'confirm-title'}, t('admin.confirm_title')),
      h('p', {id: 'confirm-text'}, t('admin.confirm_text', {id: token.id, principal: token.principal})),
      h(
        'div',
        {class: 'actions'},
        h('button', {type: 'button', class: 'danger', id: 'confirm-revoke', onclick: () => finish(true)}, t('admin.revoke')),
        cancel,
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus(); // the safe choice first
  });
}

// Copies `text`; falls back to selecting it for the person to copy.
async function copy(text, input, note, t) {
  try {
    await navigator.clipboard.writeText(text);
    note.textContent = t('admin.copied');
  } catch {
    input.select();
    note.textContent = t('admin.copy_failed');
  }
}

export async function render(root, {t, lang, api, setTitle}) {
  setTitle(t('admin.tokens_title'));
  const list = h('div', {id: 'token-list'});
  const issued = h('div', {id: 'issued', 'aria-live': 'polite'});
  const listStatus = h('p', {id: 'token-status', role: 'status', class: 'hint'});
  let cursors = [null];
  let index = 1;

  async function show(i) {
    index = i;
    let page;
    try {
      page = await api.get('/v1/tokens', {cursor: cursors[i - 1] ?? undefined, limit: PAGE});
    } catch (e) {
      replace(list, errorBox(e, t));
      return;
    }
    if (page.next_cursor) cursors[i] = page.next_cursor;
    const go = (n) => () => show(n);
    const rows = page.items.map((token) => [
      h('span', {class: 'mono'}, token.id),
      h('span', {class: 'mono'}, token.principal),
      stamp(token.created, lang),
      stamp(token.expires, lang),
      h('span', {class: `state ${token.state}`}, t(`admin.state_${token.state}`)),
      token.state === 'live'
        ? h(
            'button',
            {
              type: 'button',
              class: 'revoke',
              'aria-label': t('admin.revoke_label', {id: token.id}),
              onclick: () => revoke(token),
            },
            t('admin.revoke'),
          )
        : '',
    ]);
    replace(
      list,
      rows.length
        ? tableRegion(
            'tokens',
            t('admin.tokens_caption'),
            ['col_id', 'col_principal', 'col_created', 'col_expires', 'col_state', 'col_actions'].map((k) => t(`admin.${k}`)),
            rows,
          )
        : h('p', {class: 'count', dataset: {count: '0'}}, t('admin.tokens_none')),
      pager(t, {index: i, hasNext: !!page.next_cursor, onFirst: go(1), onPrev: go(i - 1), onNext: go(i + 1)}),
    );
  }

  async function revoke(token) {
    if (!(await confirmRevoke(t, token))) return;
    try {
      await api.del(`/v1/tokens/${encodeURIComponent(token.id)}`);
      listStatus.textContent = t('admin.revoked_done', {id: token.id});
    } catch (e) {
      replace(issued, errorBox(e, t));
      return;
    }
    await show(index);
  }

  const principal = h('input', {
    id: 'principal',
    name: 'principal',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'mono',
    'aria-describedby': 'principal-hint',
  });
  const days = h('input', {id: 'days', name: 'days', type: 'number', min: 1, max: 3660, value: 90, required: true});
  const form = h(
    'form',
    {
      class: 'issue',
      onsubmit: async (event) => {
        event.preventDefault();
        replace(issued);
        let token;
        try {
          token = await api.post('/v1/tokens', {principal: principal.value.trim(), days: Number(days.value)});
        } catch (e) {
          replace(issued, errorBox(e, t));
          return;
        }
        const text = h('input', {id: 'new-token', class: 'mono', readonly: true, value: token.token, 'aria-describedby': 'issued-text'});
        const note = h('span', {class: 'hint', role: 'status'});
        replace(
          issued,
          h(
            'div',
            {class: 'new-token'},
            h('p', {id: 'issued-text'}, t('admin.issued', {principal: token.principal, expires: stamp(token.expires, lang)})),
            h('label', {for: 'new-token'}, t('admin.new_token_label')),
            h(
              'div',
              {class: 'row'},
              text,
              h('button', {type: 'button', id: 'copy-token', onclick: () => copy(token.token, text, note, t)}, t('admin.copy')),
            ),
            note,
          ),
        );
        principal.value = '';
        cursors = [null];
        await show(1);
        text.focus();
        text.select();
      },
    },
    h(
      'div',
      {class: 'field'},
      h('label', {for: 'principal'}, t('admin.principal_label')),
      principal,
      h('p', {id: 'principal-hint', class: 'hint'}, t('admin.principal_hint')),
    ),
    h('div', {class: 'field'}, h('label', {for: 'days'}, t('admin.days_label')), days),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('admin.issue'))),
  );
  replace(
    root,
    h('p', {class: 'lead'}, t('admin.tokens_lead')),
    h('h2', {}, t('admin.issue_heading')),
    form,
    issued,
    h('h2', {}, t('admin.list_heading')),
    listStatus,
    list,
  );
  await show(1);
}
