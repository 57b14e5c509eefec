// The API client: JSON in and out, the session cookie sent by the browser,
// the CSRF token (the fz_csrf cookie, set at login) on every mutating
// request, and the server's own error — {"error":{code, field, message}} —
// thrown as an ApiError so that pages show it as the server said it.

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const e = (body && body.error) || {};
    super(e.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'http_' + status);
    this.field = e.field || '';
    // An import that took nothing answers 422 with its row-level report.
    this.report = e.report || null;
  }
}

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

let csrfToken = '';
export function setCsrf(token) { csrfToken = token || ''; }
function csrf() { return csrfToken || cookie('fz_csrf'); }

// Listeners told when the server says the session is gone (401).
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) { unauthorizedListeners.add(fn); return () => unauthorizedListeners.delete(fn); }

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') {
    const t = csrf();
    if (t) headers['X-CSRF-Token'] = t;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, null, String(e && e.message || e));
  }
  const type = resp.headers.get('Content-Type') || '';
  let data = null;
  if (opts.raw && resp.ok) return resp;
  if (type.startsWith('application/json')) {
    try { data = await resp.json(); } catch { data = null; }
  } else if (!resp.ok) {
    data = null;
  } else {
    data = await resp.text();
  }
  if (!resp.ok) {
    if (resp.status === 401 && !opts.quiet401) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(resp.status, data, resp.statusText);
  }
  return data;
}

export const api = {
  get: (path, params, opts) => request('GET', path + query(params), undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
};

// Uploads a file as the raw request body (the server streams it to disk
// and hashes it with SM3), reporting progress 0–100.  Resolves with the
// JSON answer; rejects with an ApiError.
export function upload(path, file, onProgress, contentType) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    xhr.withCredentials = true;
    const t = csrf();
    if (t) xhr.setRequestHeader('X-CSRF-Token', t);
    xhr.setRequestHeader('Content-Type', contentType || file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, null, 'network error'));
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(100);
        resolve(data);
      } else {
        reject(new ApiError(xhr.status, data, xhr.statusText));
      }
    };
    xhr.send(file);
  });
}
