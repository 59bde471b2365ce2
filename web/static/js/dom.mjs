// Builds elements from data without ever parsing data as HTML.
//
// h('a', {href: '/outlets', class: 'link'}, 'text', child) → <a class="link" href="/outlets">.
// Attributes: `class`; `dataset` (an object); `style` (an object, set through the CSSOM, which
// the Content-Security-Policy allows, unlike a style attribute); `on<event>` (a function); true
// sets an empty attribute, null/undefined/false leave it out. Children: nodes, strings and
// numbers (as text), arrays of them, null/undefined/false (skipped).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'style') {
      Object.assign(el.style, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

// Appends children as h() takes them.
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces every child of `el`.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}
