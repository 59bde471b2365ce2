// Controls the pages share: paging, a filter form, an error box and the purpose dialog.
import {h} from './dom.mjs';

let forms = 0; // gives each filter form's fields their own ids

// Keyset paging: "first", "previous", "next" buttons and the page number. `index` counts from
// 1; callbacks absent (or hasNext false) leave their button disabled.
export function pager(t, {index = 1, hasNext = false, onFirst, onPrev, onNext} = {}) {
  const button = (text, enabled, fn) =>
    h('button', {type: 'button', disabled: !enabled, onclick: enabled ? fn : null}, text);
  return h(
    'nav',
    {class: 'pager', 'aria-label': t('common.pager')},
    button(t('common.first'), index > 1 && !!onFirst, onFirst),
    button(t('common.previous'), index > 1 && !!onPrev, onPrev),
    h('span', {class: 'page-no', 'aria-live': 'polite'}, t('common.page', {n: index})),
    button(t('common.next'), hasNext && !!onNext, onNext),
  );
}

// A form of labelled filters. fields: [{name, label, type ('text', 'date', 'month', 'number',
// 'select'), options: [{value, label}] for a select, value, required, placeholder}].
// onSubmit(values) gets {name: value} of the non-empty fields. The form has "search" and
// "reset" buttons; reset empties every field and submits.
export function filterForm(t, fields, onSubmit) {
  const serial = ++forms;
  const inputs = fields.map((f) => {
    const id = `f${serial}-${f.name}`;
    const control =
      f.type === 'select'
        ? h(
            'select',
            {id, name: f.name, required: !!f.required},
            f.options.map((o) => h('option', {value: o.value, selected: String(o.value) === String(f.value ?? '')}, o.label)),
          )
        : h('input', {
            id,
            name: f.name,
            type: f.type || 'text',
            value: f.value ?? '',
            required: !!f.required,
            placeholder: f.placeholder,
          });
    return h('div', {class: 'field'}, h('label', {for: id}, f.label), control);
  });
  const values = (form) => {
    const out = {};
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim() !== '') out[key] = String(value).trim();
    }
    return out;
  };
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        onSubmit(values(form));
      },
    },
    inputs,
    h(
      'div',
      {class: 'actions'},
      h('button', {type: 'submit', class: 'primary'}, t('common.apply')),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            for (const el of form.elements) {
              if (el.name) el.value = el.tagName === 'SELECT' ? el.options[0]?.value ?? '' : '';
            }
            onSubmit(values(form));
          },
        },
        t('common.reset'),
      ),
    ),
  );
  return form;
}

// A box stating a failure: an ApiError (its problem document), a problem document, or an Error.
// It is announced (role="alert") and names the field, the rule and the request id when known.
export function errorBox(error, t) {
  const problem = error && error.problem ? error.problem : error;
  const title = (problem && problem.title) || (t ? t('common.error') : 'Error');
  const detail = (problem && problem.detail) || (error && error.message) || '';
  const line = (key, value) => (value ? h('p', {class: 'meta'}, t ? t(key, {field: value, rule: value, id: value}) : value) : null);
  return h(
    'div',
    {class: 'error-box', role: 'alert'},
    h('p', {class: 'title'}, title),
    detail && detail !== title ? h('p', {}, detail) : null,
    line('common.error_field', problem && problem.field),
    line('common.error_rule', problem && problem.rule),
    line('common.error_request', problem && problem.request_id),
  );
}

// Asks for the purpose of a read (the API audits it): a modal dialog with a text field.
// Resolves to the stated purpose, or null when cancelled.
export function purposeDialog(t) {
  return new Promise((resolve) => {
    const input = h('textarea', {id: 'purpose-text', required: true, rows: 3, maxlength: 200});
    const message = h('p', {class: 'field-error', 'aria-live': 'polite'});
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const dialog = h(
      'dialog',
      {class: 'purpose', 'aria-labelledby': 'purpose-title'},
      h(
        'form',
        {
          method: 'dialog',
          onsubmit: (event) => {
            event.preventDefault();
            const text = input.value.trim();
            if (!text) {
              message.textContent = t('common.purpose_required');
              input.focus();
              return;
            }
            finish(text);
          },
        },
        h('h2', {id: 'purpose-title'}, t('common.purpose_title')),
        h('p', {}, t('common.purpose_text')),
        h('label', {for: 'purpose-text'}, t('common.purpose_label')),
        input,
        message,
        h(
          'div',
          {class: 'actions'},
          h('button', {type: 'submit', class: 'primary'}, t('common.ok')),
          h('button', {type: 'button', onclick: () => finish(null)}, t('common.cancel')),
        ),
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
