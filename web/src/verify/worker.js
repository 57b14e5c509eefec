// worker.js — runs the draw verifier off the page's thread, so that the
// page stays responsive while a large pool is hashed; posts progress, then
// the result.
import { verifyRecord } from './draw.js';

self.onmessage = async (ev) => {
  const { record } = ev.data;
  let last = 0;
  const progress = (done, total, phase) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    self.postMessage({ type: 'progress', done, total, phase });
  };
  const getPool = async (key, url) => {
    const u = url || `/api/v1/public/draws/${record.plan_id}/pools/${encodeURIComponent(key)}`;
    const resp = await fetch(u);
    if (!resp.ok) return null;
    return resp.text();
  };
  const result = await verifyRecord(record, { getPool, progress });
  // Pools are sent back for "check my ticket" (the linked ones included).
  self.postMessage({ type: 'done', result: { ok: result.ok, path: result.path, message: result.message, summary: result.summary, seed: result.seed } });
};
