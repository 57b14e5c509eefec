// How the console and the portal write dates, times and amounts: dates as
// YYYY-MM-DD, times in Beijing time, amounts in 元 with separators.

const BEIJING = 8 * 3600 * 1000;

function pad(n, w = 2) { return String(n).padStart(w, '0'); }

// A date: "2026-11-03" stays as it is; a millisecond timestamp becomes
// the civil date in Beijing.
export function fmtDate(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v.slice(0, 10);
  const d = new Date(Number(v) + BEIJING);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function fmtDateTime(v) {
  if (v === null || v === undefined || v === '') return '—';
  const d = new Date(Number(v) + BEIJING);
  return `${fmtDate(v)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// 1234567.5 → "1,234,567.50 元"; fen (integer hundredths) when asked.
export function fmtYuan(v, { fen = false } = {}) {
  if (v === null || v === undefined || v === '') return '—';
  const n = fen ? Number(v) / 100 : Number(v);
  if (!Number.isFinite(n)) return String(v);
  return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' 元';
}

export function fmtInt(v) {
  if (v === null || v === undefined || v === '') return '—';
  return Number(v).toLocaleString('zh-CN');
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// Today in Beijing as YYYY-MM-DD.
export function today() { return fmtDate(Date.now()); }

// Whole days from today to a YYYY-MM-DD date (negative when past).
export function daysUntil(date) {
  if (!date) return null;
  const t = Date.parse(date + 'T00:00:00Z');
  const n = Date.parse(today() + 'T00:00:00Z');
  return Math.round((t - n) / 86400000);
}
