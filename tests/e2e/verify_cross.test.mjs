// verify_cross.test.mjs — the portal's verifier (web/src/verify/draw.js,
// run here in Node) against `fazhi draw verify` on the same records: both
// accept the real ones, and on every tampered copy both name the same
// first difference by the same JSON path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publicJson, URL_BASE } from './lib.mjs';

const { verifyRecord } = await import(path.join(process.env.FZ_ROOT, 'web/src/verify/draw.js'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-verify-'));

// `fazhi draw verify`: {ok, path, message}.
function cVerify(rec, name) {
  const file = path.join(tmp, name + '.json');
  fs.writeFileSync(file, JSON.stringify(rec));
  const r = spawnSync(process.env.FZ_BIN, ['draw', 'verify', file], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true, summary: r.stdout.trim() };
  assert.equal(r.status, 1, `fazhi draw verify exited ${r.status}: ${r.stderr}`);
  const line = r.stderr.trim().split('\n')[0];
  return { ok: false, path: line.slice(0, line.indexOf(': ')), message: line };
}

async function jsVerify(rec) {
  return verifyRecord(JSON.parse(JSON.stringify(rec)), {
    getPool: async (key, url) => {
      const resp = await fetch(URL_BASE + url);
      return resp.ok ? resp.text() : null;
    },
  });
}

const flip = (h) => (h[0] === '0' ? '1' : '0') + h.slice(1);

const TAMPERS = {
  ticket: (r) => { r.strata[0].selected[0].ticket = flip(r.strata[0].selected[0].ticket); },
  selected_code: (r) => { r.strata[1].selected[0].code = r.strata[1].pool.find((c) => !r.strata[1].selected.some((x) => x.code === c)); },
  secret: (r) => { r.reveals[1].secret = flip(r.reveals[1].secret); },
  commit: (r) => { r.reveals[0].commit = flip(r.reveals[0].commit); },
  participant: (r) => { r.reveals[2].participant += '（改）'; },
  seed: (r) => { r.seed = flip(r.seed); },
  public_value: (r) => { r.public_value = '999'; },
  pool_swap: (r) => { const p = r.strata[1].pool; [p[5], p[6]] = [p[6], p[5]]; },
  pool_drop: (r) => { r.strata[2].pool.pop(); },
  pool_digest: (r) => { r.strata[3].pool_digest = flip(r.strata[3].pool_digest); },
  n: (r) => { r.strata[2].n += 1; },
  team_officer: (r) => { const o = r.teams[2].officers; o[1] = o[1] + 1; },
  team_order: (r) => { [r.teams[0], r.teams[1]] = [r.teams[1], r.teams[0]]; },
  unstaffed_extra: (r) => { r.unstaffed.push(r.teams[0].code); },
  inspectors_digest: (r) => { r.inspectors.pool_digest = flip(r.inspectors.pool_digest); },
  inspector_removed: (r) => { r.inspectors.pool.pop(); r.inspectors.departments.pop(); r.inspectors.pool_size -= 1; },
  conflicts_dropped: (r) => { r.conflicts = []; },
  event_edited: (r) => { r.commitment.event = r.commitment.event.replace('"team_size":2', '"team_size":3'); },
  team_size: (r) => { r.team_size = 3; },
  officer_cap: (r) => { r.officer_cap = 1; },
  algo: (r) => { r.algo = 'fz-draw-v0'; },
  missing_seed: (r) => { delete r.seed; },
};

test('real draw records verify in both', async () => {
  const list = await publicJson('/public/draws?limit=50');
  assert.ok(list.items.length >= 2);
  for (const p of list.items) {
    const rec = await publicJson(`/public/draws/${p.id}`);
    const c = cVerify(rec, 'plan' + p.id);
    const j = await jsVerify(rec);
    assert.equal(j.ok, c.ok, `plan ${p.id}: C ${JSON.stringify(c)} JS ${JSON.stringify(j)}`);
    if (c.ok) assert.equal(j.summary, c.summary);
    else assert.equal(j.path, c.path, `plan ${p.id}`);
  }
});

test('every tampered record fails at the same first difference in both', async () => {
  const base = await publicJson('/public/draws/1');
  assert.ok(base.drawn && base.reveals.length === 3 && base.strata.length === 4);
  for (const [name, tamper] of Object.entries(TAMPERS)) {
    const rec = JSON.parse(JSON.stringify(base));
    tamper(rec);
    const c = cVerify(rec, name);
    const j = await jsVerify(rec);
    assert.equal(c.ok, false, `${name}: C accepted it`);
    assert.equal(j.ok, false, `${name}: the browser's verifier accepted it`);
    assert.equal(j.path, c.path, `${name}: C says ${c.message}\n  JS says ${j.message}`);
    if (process.env.FZ_VERBOSE) console.log(name, "→", c.path);
  }
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
