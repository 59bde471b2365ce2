// The JSON API, as the pages call it: same origin, the page's language in Accept-Language, the
// CSRF header on every request other than GET, an optional stated purpose (X-Purpose).
// Failures throw ApiError {status, problem} (problem: the RFC 9457 document the API answers).

let language = 'zh-CN';

// Called once by main.mjs with the page's language.
export function setApiLang(lang) {
  language = lang;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || {status, title: `HTTP ${status}`};
  }
}

// A header value carries bytes: the purpose's UTF-8, one character per byte (fetch refuses
// characters above U+00FF), which the server reads as UTF-8 again.
function utf8Header(text) {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') u.searchParams.set(key, value);
  }
  return u.pathname + u.search;
}

async function request(method, path, {query, body, contentType, purpose, accept} = {}) {
  const headers = {'Accept-Language': language, Accept: accept || 'application/json'};
  if (method !== 'GET') headers['X-Battrace-CSRF'] = '1';
  if (purpose) headers['X-Purpose'] = utf8Header(purpose);
  let payload;
  if (body !== undefined) {
    if (contentType) {
      headers['Content-Type'] = contentType;
      payload = body;
    } else {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  const res = await fetch(url(path, query), {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
  });
  if (!res.ok) {
    let problem = null;
    try {
      problem = await res.json();
    } catch {
      problem = null;
    }
    throw new ApiError(res.status, problem);
  }
  return res;
}

async function json(res) {
  return res.status === 204 ? null : res.json();
}

export const api = {
  async get(path, query, {purpose} = {}) {
    return json(await request('GET', path, {query, purpose}));
  },
  async post(path, body, {contentType, purpose} = {}) {
    return json(await request('POST', path, {body, contentType, purpose}));
  },
  async del(path) {
    return json(await request('DELETE', path));
  },
  // Fetches `path` as CSV and saves it as a file named after the path.
  async download(path, query, {purpose, filename} = {}) {
    const res = await request('GET', path, {query, purpose, accept: 'text/csv'});
    const blob = await res.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = filename || `${path.split('/').filter(Boolean).pop()}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  },
};
