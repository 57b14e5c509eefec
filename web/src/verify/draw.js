// draw.js — the verifier of a draw record (DESIGN §5), in the browser:
// the same checks, in the same order, as fz_draw_verify in
// src/inspect/record.c, so that the portal and `fazhi draw verify` name the
// same first difference by the same JSON path.  Hashes are SM3 over raw
// bytes (sm-crypto-v2); the commitment's leaf hash uses the ledger's hash
// (SM3 or SHA-256, RFC 9162: H(0x00 ‖ event)).
//
//   seed      = SM3("fz-draw-v1" ‖ C ‖ secret_1 ‖ … ‖ secret_k ‖ public_value)
//   ticket(e) = SM3(seed ‖ "E" ‖ code(e))
//   rank(o,e) = SM3(seed ‖ "O" ‖ code(e) ‖ officer_id)
//
// Hex digests are compared as lower-case strings, which orders them as
// 256-bit big-endian numbers.

import { sm3 as sm3hex } from 'sm-crypto-v2';
import { sha256 } from '@noble/hashes/sha256';

export const ALGO = 'fz-draw-v1';
const MAX_SECRETS = 16;
const MAX_STRATA = 16;
const MAX_TEAM = 16;
const MAX_DEPARTMENTS = 16;
const POOL_MAX = 50000000;
const OFFICERS_MAX = 1000000;
const CONFLICTS_MAX = 10000000;
const KEY_MAX = 32;
const INT_MAX = 2147483647;
const CODE_RE = /^[0-9A-Z]{18}$/;
const HASH_RE = /^[0-9a-f]{64}$/;

const enc = new TextEncoder();

export function hexToBytes(h) {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
  return out;
}

export function bytesToHex(b) {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function sm3(bytes) { return sm3hex(bytes); }

export function leafHash(alg, text) {
  const b = concat(new Uint8Array([0]), enc.encode(text));
  return alg === 'sha256' ? bytesToHex(sha256(b)) : sm3(b);
}

export function nodeHash(alg, leftHex, rightHex) {
  const b = concat(new Uint8Array([1]), hexToBytes(leftHex), hexToBytes(rightHex));
  return alg === 'sha256' ? bytesToHex(sha256(b)) : sm3(b);
}

// seed = SM3("fz-draw-v1" ‖ C ‖ secrets… ‖ public_value), all hex in, hex out.
export function drawSeed(commitmentHex, secretsHex, publicValue) {
  const parts = [enc.encode(ALGO), hexToBytes(commitmentHex)];
  for (const s of secretsHex) parts.push(hexToBytes(s));
  if (publicValue) parts.push(enc.encode(publicValue));
  return sm3(concat(...parts));
}

// A ticket-hasher bound to a seed: ticket(code) → hex.
export function ticketer(seedHex) {
  const buf = new Uint8Array(32 + 1 + 18);
  buf.set(hexToBytes(seedHex), 0);
  buf[32] = 0x45; // "E"
  return (code) => {
    for (let i = 0; i < 18; i++) buf[33 + i] = code.charCodeAt(i);
    return sm3(buf);
  };
}

export function rank(seedHex, code, officerId) {
  return sm3(concat(hexToBytes(seedHex), enc.encode('O' + code + String(officerId))));
}

// SM3 over lines, each followed by "\n".
export function linesDigest(lines) {
  return sm3(enc.encode(lines.map((l) => l + '\n').join('')));
}

// How many a stratum takes (fz_draw_take): count, or ceil(ratio · N)
// computed exactly in millionths.  Throws {field, message} when bad.
export function take(count, ratio, poolSize) {
  if (count !== null && count !== undefined && count >= 0) return Math.min(count, poolSize);
  if (ratio === null || ratio === undefined) {
    throw { field: 'count', message: '须给出抽查比例或数量 / a ratio or a count is needed' };
  }
  const m = /^([0-9])(?:\.([0-9]{1,6}))?$/.exec(ratio);
  let millionths = 0;
  if (m) millionths = Number(m[1]) * 1000000 + Number((m[2] || '').padEnd(6, '0') || 0);
  if (!m || millionths > 1000000) {
    throw {
      field: 'ratio',
      message: `抽查比例须为 0 到 1 之间、至多 6 位小数的数 / the ratio must be a decimal from 0 to 1 with at most 6 decimals, not "${String(ratio).slice(0, 40)}"`,
    };
  }
  const q = Math.floor(poolSize / 1000000);
  const r = poolSize % 1000000;
  const v = millionths * q + Math.floor((millionths * r + 999999) / 1000000);
  return Math.min(v, poolSize);
}

// ---- The checks, as record.c makes them ----------------------------------

class Difference extends Error {
  constructor(path, message) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

function fail(path, message) { throw new Difference(path, message); }

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
const join = (parent, key) => (parent ? `${parent}.${key}` : key);
const idx = (parent, i) => `${parent}[${i}]`;

const TYPE_NAMES = {
  string: ['字符串', 'a string'],
  integer: ['整数', 'an integer'],
  array: ['数组', 'an array'],
  object: ['对象', 'an object'],
};

function typeOk(v, type) {
  if (type === 'string') return typeof v === 'string';
  if (type === 'integer') return isInt(v);
  if (type === 'array') return Array.isArray(v);
  return isObj(v);
}

function member(o, key, parent, type) {
  const path = join(parent, key);
  const v = isObj(o) ? o[key] : undefined;
  if (v === undefined || !typeOk(v, type)) {
    const [zh, en] = TYPE_NAMES[type];
    fail(path, `缺少或不是${zh} / missing or not ${en}`);
  }
  return v;
}

function utf8Len(s) { return enc.encode(s).length; }

function text(o, key, parent, min, max) {
  const s = member(o, key, parent, 'string');
  const n = utf8Len(s);
  if (s.includes('\0') || n < min || n > max) {
    fail(join(parent, key), `须为 ${min} 到 ${max} 字节的文本 / must be text of ${min} to ${max} bytes`);
  }
  return s;
}

function int(o, key, parent, min, max) {
  const v = member(o, key, parent, 'integer');
  if (v < min || v > max) {
    fail(join(parent, key), `须在 ${min} 到 ${max} 之间 / must be from ${min} to ${max}, not ${v}`);
  }
  return v;
}

function hash(o, key, parent) {
  const s = member(o, key, parent, 'string');
  if (!HASH_RE.test(s)) fail(join(parent, key), '须为 64 位小写十六进制 / must be 64 lower-case hex digits');
  return s;
}

function array(o, key, parent, max) {
  const a = member(o, key, parent, 'array');
  if (a.length > max) fail(join(parent, key), `至多 ${max} 项 / at most ${max} items, not ${a.length}`);
  return a;
}

function code(o, key, parent) {
  const s = member(o, key, parent, 'string');
  if (!CODE_RE.test(s)) fail(join(parent, key), '须为 18 位代码 / must be an 18-character code of 0-9 and A-Z');
  return s;
}

function codeAt(a, i, parent) {
  const v = a[i];
  if (typeof v !== 'string' || !CODE_RE.test(v)) {
    fail(idx(parent, i), '须为 18 位代码 / must be an 18-character code of 0-9 and A-Z');
  }
  return v;
}

function differsHash(path, rec, got) {
  if (rec !== got) fail(path, `record says ${rec}, recomputed ${got}`);
}

function eventHash(ev, key, parent, want, what) {
  const h = hash(ev, key, parent);
  if (h !== want) fail(join(parent, key), `the commit event says ${h}, ${what} is ${want}`);
}

function eventInt(ev, key, parent, want, what) {
  const v = int(ev, key, parent, -Infinity, Infinity);
  if (v !== want) fail(join(parent, key), `the commit event says ${v}, ${what} is ${want}`);
}

function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

// ---- The draw, as draw.c makes it ----------------------------------------

// Runs the draw on verified inputs; progress(done, total, phase) now and
// then.  Returns {seed, picks: [{stratum, code, ticket}] in global order,
// teams: [[ids] | null] per pick}.
export function runDraw(inp, progress = () => {}) {
  const seed = drawSeed(inp.commitment, inp.secrets, inp.publicValue);
  const ticket = ticketer(seed);
  let total = 0;
  for (const s of inp.strata) total += s.pool.length;
  let done = 0;
  const picks = [];
  for (let si = 0; si < inp.strata.length; si++) {
    const st = inp.strata[si];
    const n = st.n;
    // A bounded max-heap of the n smallest (ticket, code).
    const heap = [];
    const less = (a, b) => a.t < b.t || (a.t === b.t && a.c < b.c);
    const up = (i) => {
      const x = heap[i];
      while (i) {
        const p = (i - 1) >> 1;
        if (!less(heap[p], x)) break;
        heap[i] = heap[p];
        i = p;
      }
      heap[i] = x;
    };
    const down = (i) => {
      const x = heap[i];
      const len = heap.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= len) break;
        if (c + 1 < len && less(heap[c], heap[c + 1])) c++;
        if (!less(x, heap[c])) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = x;
    };
    for (let i = 0; i < st.pool.length; i++) {
      const c = st.pool[i];
      if (n > 0) {
        const x = { t: ticket(c), c };
        if (heap.length < n) {
          heap.push(x);
          up(heap.length - 1);
        } else if (less(x, heap[0])) {
          heap[0] = x;
          down(0);
        }
      }
      if (++done % 20000 === 0) progress(done, total, 'tickets');
    }
    for (const x of heap) picks.push({ stratum: si, code: x.c, ticket: x.t });
  }
  progress(total, total, 'tickets');
  picks.sort((a, b) => cmpStr(a.ticket, b.ticket) || cmpStr(a.code, b.code) || a.stratum - b.stratum);

  // Teams: walk the picks in ticket order; eligible officers are those of
  // the pool not in conflict with the entity and under the cap, ordered by
  // rank (ties by id); a joint plan takes the best of each department
  // first, in the plan's order.  A task that cannot be fully staffed takes
  // no one.
  const ts = inp.teamSize;
  const cap = inp.officerCap;
  const joint = inp.departments.length >= 2;
  const count = new Map(inp.officers.map((o) => [o.id, 0]));
  const conflicts = new Set(inp.conflicts.map((c) => c.officer + ' ' + c.code));
  const teams = [];
  for (let p = 0; p < picks.length; p++) {
    const c = picks[p].code;
    let under = 0;
    for (const o of inp.officers) if (count.get(o.id) < cap) under++;
    if (under < ts) { teams.push(null); continue; }
    const ranked = [];
    for (const o of inp.officers) {
      if (conflicts.has(o.id + ' ' + c)) continue; // 回避
      if (count.get(o.id) >= cap) continue;
      ranked.push({ o, r: rank(seed, c, o.id) });
    }
    ranked.sort((a, b) => cmpStr(a.r, b.r) || a.o.id - b.o.id);
    const taken = [];
    let ok = true;
    if (joint) {
      for (const d of inp.departments) {
        const x = ranked.find((y) => y.o.department === d && !taken.includes(y.o.id));
        if (!x) { ok = false; break; }
        taken.push(x.o.id);
      }
    }
    for (let j = 0; ok && taken.length < ts && j < ranked.length; j++) {
      if (!taken.includes(ranked[j].o.id)) taken.push(ranked[j].o.id);
    }
    if (!ok || taken.length < ts) { teams.push(null); continue; }
    for (const id of taken) count.set(id, count.get(id) + 1);
    teams.push(taken);
    if (p % 50 === 0) progress(p, picks.length, 'teams');
  }
  progress(picks.length, picks.length, 'teams');
  return { seed, picks, teams };
}

// ---- The record -----------------------------------------------------------

// Verifies a record.  getPool(key, url) → Promise<string> fetches a pool
// that the record links to rather than inlines (its exact bytes).  Resolves
// {ok: true, summary, inputs, result} or {ok: false, path, message}.
export async function verifyRecord(rec, { getPool, progress = () => {} } = {}) {
  try {
    const out = await verify(rec, getPool, progress);
    return { ok: true, ...out };
  } catch (e) {
    if (e instanceof Difference) return { ok: false, path: e.path, message: e.message };
    return { ok: false, path: 'record', message: `record: ${e && e.message ? e.message : String(e)}`, error: true };
  }
}

async function verify(rec, getPool, progress) {
  if (!isObj(rec)) fail('record', '须为 JSON 对象 / must be a JSON object');
  const algo = text(rec, 'algo', '', 1, 64);
  if (algo !== ALGO) fail('algo', `须为 ${ALGO} / must be "${ALGO}", not "${algo}"`);
  int(rec, 'plan_id', '', -Infinity, Infinity);

  // The commitment: its hash, its event and the event's leaf hash.
  const c = member(rec, 'commitment', '', 'object');
  const hname = member(c, 'hash', 'commitment', 'string');
  if (hname !== 'sm3' && hname !== 'sha256') fail('commitment.hash', '须为 sm3 或 sha256 / must be sm3 or sha256');
  const seq = int(c, 'seq', 'commitment', 0, Number.MAX_SAFE_INTEGER);
  const evText = member(c, 'event', 'commitment', 'string');
  const claimed = hash(c, 'leaf_hash', 'commitment');
  const leaf = leafHash(hname, evText);
  differsHash('commitment.leaf_hash', claimed, leaf);
  let ev;
  try { ev = JSON.parse(evText); } catch (e) { fail('commitment.event', `不是 JSON 对象 / not a JSON object (${e.message})`); }
  if (!isObj(ev)) fail('commitment.event', '不是 JSON 对象 / not a JSON object (another type)');
  const eseq = int(ev, 'seq', 'commitment.event', 0, Number.MAX_SAFE_INTEGER);
  if (eseq !== seq) fail('commitment.seq', `record says ${seq}, the commit event says ${eseq}`);
  const action = member(ev, 'action', 'commitment.event', 'string');
  if (action !== 'plan.commit') fail('commitment.event.action', `须为 plan.commit / must be "plan.commit", not "${action.slice(0, 40)}"`);
  const data = member(ev, 'data', 'commitment.event', 'object');
  const ed = 'commitment.event.data';

  // The reveals against their commits and the event's.
  const rv = array(rec, 'reveals', '', MAX_SECRETS);
  const ec = array(data, 'commits', ed, MAX_SECRETS);
  if (rv.length < 1) fail('reveals', '至少须有一个揭示 / at least one reveal is needed');
  if (ec.length !== rv.length) fail(`${ed}.commits`, `the commit event has ${ec.length} commits, the record reveals ${rv.length}`);
  const secrets = [];
  for (let i = 0; i < rv.length; i++) {
    const p = idx('reveals', i);
    const ep = idx(`${ed}.commits`, i);
    const who = member(rv[i], 'participant', p, 'string');
    const commit = hash(rv[i], 'commit', p);
    const secret = hash(rv[i], 'secret', p);
    const ewho = member(ec[i], 'participant', ep, 'string');
    const ecommit = hash(ec[i], 'commit', ep);
    const got = sm3(hexToBytes(secret));
    if (got !== commit) {
      // A secret that matches the event's commit convicts the record's copy.
      fail(join(p, got === ecommit ? 'commit' : 'secret'), `the secret's SM3 is ${got}, the commit is ${commit}`);
    }
    if (who !== ewho) fail(join(ep, 'participant'), `the commit event says "${ewho.slice(0, 60)}", the record says "${who.slice(0, 60)}"`);
    eventHash(ec[i], 'commit', ep, commit, "the revealed secret's SM3");
    secrets.push(secret);
  }

  // The public value is there exactly when the plan announced its source.
  const pv = rec.public_value;
  const epv = data.public_value_source;
  if (pv === undefined || !(pv === null || typeof pv === 'string') || (typeof pv === 'string' && pv.includes('\0'))) {
    fail('public_value', '须为文本或 null / must be text or null');
  }
  if (epv === undefined || !(epv === null || typeof epv === 'string')) {
    fail(`${ed}.public_value_source`, '须为文本或 null / must be text or null');
  }
  if ((pv === null) !== (epv === null)) {
    fail('public_value', pv === null
      ? 'the commit event names a source of a public value, the record has none'
      : 'the record has a public value, the commit event named no source for one');
  }

  // team_size, officer_cap and departments, with the event's.
  const ts = int(rec, 'team_size', '', 2, MAX_TEAM);
  const cap = int(rec, 'officer_cap', '', 1, INT_MAX);
  const deps = array(rec, 'departments', '', MAX_DEPARTMENTS);
  const departments = [];
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i];
    if (!isInt(d) || d <= 0) fail(idx('departments', i), '须为正整数 / must be a positive integer');
    if (departments.includes(d)) fail(idx('departments', i), `部门重复 / department ${d} appears twice`);
    departments.push(d);
  }
  if (ts < departments.length) {
    fail('team_size', `须不少于联合部门数 / must be at least the number of departments (${departments.length})`);
  }
  eventInt(data, 'team_size', ed, ts, "the record's");
  eventInt(data, 'officer_cap', ed, cap, "the record's");
  const edeps = array(data, 'departments', ed, MAX_DEPARTMENTS);
  if (edeps.length !== departments.length) {
    fail(`${ed}.departments`, `the commit event lists ${edeps.length} departments, the record ${departments.length}`);
  }
  for (let i = 0; i < departments.length; i++) {
    if (edeps[i] !== departments[i]) fail(idx(`${ed}.departments`, i), `the commit event does not say ${departments[i]}, as the record does`);
  }

  // The inspector pool.
  const insp = member(rec, 'inspectors', '', 'object');
  const ipool = array(insp, 'pool', 'inspectors', OFFICERS_MAX);
  const ideps = array(insp, 'departments', 'inspectors', OFFICERS_MAX);
  const isize = int(insp, 'pool_size', 'inspectors', 0, OFFICERS_MAX);
  const idigest = hash(insp, 'pool_digest', 'inspectors');
  if (isize !== ipool.length) fail('inspectors.pool_size', `record says ${isize}, the pool lists ${ipool.length}`);
  if (ideps.length !== ipool.length) {
    fail('inspectors.departments', `须与名录一一对应 / must give one department for each of the ${ipool.length} officers, not ${ideps.length}`);
  }
  const officers = [];
  for (let i = 0; i < ipool.length; i++) {
    const id = ipool[i];
    const d = ideps[i];
    if (!isInt(id) || id <= 0) fail(idx('inspectors.pool', i), '须为正整数 / must be a positive integer');
    if (i && id <= officers[i - 1].id) fail(idx('inspectors.pool', i), '未按升序排列或重复 / not in ascending order (or repeated)');
    if (!isInt(d) || d <= 0) fail(idx('inspectors.departments', i), '须为正整数 / must be a positive integer');
    if (departments.length >= 2 && !departments.includes(d)) {
      fail(idx('inspectors.departments', i), `部门 ${d} 不在联合部门中 / department ${d} is not one of the plan's departments`);
    }
    officers.push({ id, department: d });
  }
  const igot = linesDigest(officers.map((o) => String(o.id)));
  differsHash('inspectors.pool_digest', idigest, igot);
  const einsp = member(data, 'inspectors', ed, 'object');
  eventInt(einsp, 'pool_size', `${ed}.inspectors`, officers.length, "the record's");
  eventHash(einsp, 'pool_digest', `${ed}.inspectors`, igot, "the pool's digest");

  // The conflicts (回避), sorted by officer, then code.
  const cfs = array(rec, 'conflicts', '', CONFLICTS_MAX);
  const cdigest = hash(rec, 'conflicts_digest', '');
  const conflicts = [];
  for (let i = 0; i < cfs.length; i++) {
    const p = idx('conflicts', i);
    const officer = int(cfs[i], 'officer', p, 1, Number.MAX_SAFE_INTEGER);
    const cc = code(cfs[i], 'code', p);
    const prev = conflicts[i - 1];
    if (prev && (prev.officer > officer || (prev.officer === officer && prev.code >= cc))) {
      fail(p, '未按人员编号、代码升序排列或重复 / not in ascending order of officer, then code (or repeated)');
    }
    conflicts.push({ officer, code: cc });
  }
  const cgot = linesDigest(conflicts.map((x) => `${x.officer} ${x.code}`));
  differsHash('conflicts_digest', cdigest, cgot);
  eventHash(data, 'conflicts_digest', ed, cgot, "the conflicts' digest");

  // The strata.
  const strata = array(rec, 'strata', '', MAX_STRATA);
  const estrata = array(data, 'strata', ed, MAX_STRATA);
  if (strata.length < 1) fail('strata', '至少须有一个分层 / at least one stratum is needed');
  if (estrata.length !== strata.length) fail(`${ed}.strata`, `the commit event has ${estrata.length} strata, the record ${strata.length}`);
  const vstrata = [];
  for (let i = 0; i < strata.length; i++) {
    const st = strata[i];
    const est = estrata[i];
    const p = idx('strata', i);
    const ep = idx(`${ed}.strata`, i);
    const key = text(st, 'key', p, 1, KEY_MAX);
    if (vstrata.some((x) => x.key === key)) fail(join(p, 'key'), `分层键重复 / the key "${key}" appears twice`);
    const ekey = text(est, 'key', ep, 0, Infinity);
    if (ekey !== key) fail(join(ep, 'key'), `the commit event says "${ekey.slice(0, 40)}", the record says "${key}"`);
    const hasRatio = isObj(st) && st.ratio !== undefined;
    const hasCount = isObj(st) && st.count !== undefined;
    if (hasRatio === hasCount) fail(p, '须有 ratio 或 count 之一 / needs exactly one of "ratio" and "count"');
    const rtext = hasRatio ? text(st, 'ratio', p, 1, 16) : null;
    const count = hasCount ? int(st, 'count', p, 0, Number.MAX_SAFE_INTEGER) : -1;
    const size = int(st, 'pool_size', p, 0, POOL_MAX);
    const digest = hash(st, 'pool_digest', p);
    const n = int(st, 'n', p, 0, Number.MAX_SAFE_INTEGER);
    let want;
    try { want = take(count, rtext, size); } catch (e) { fail(join(p, hasRatio ? 'ratio' : 'count'), e.message); }
    if (n !== want) {
      fail(join(p, 'n'), `record says ${n}, recomputed ${want} from ${hasRatio ? 'ratio' : 'count'} ${hasRatio ? rtext.slice(0, 16) : ''} of ${size}`);
    }
    let pool;
    if (Array.isArray(st.pool)) {
      if (st.pool.length > POOL_MAX || st.pool.length !== size) {
        fail(join(p, 'pool_size'), `record says ${size}, the pool lists ${st.pool.length}`);
      }
      const pp = join(p, 'pool');
      for (let k = 0; k < st.pool.length; k++) {
        const cc = codeAt(st.pool, k, pp);
        if (k && st.pool[k - 1] >= cc) fail(idx(pp, k), `未按升序排列或重复 / not after ${pp}[${k - 1}] in ascending order (or repeats it)`);
      }
      pool = st.pool;
    } else if (st.pool === null) {
      const path = join(p, 'pool');
      let body = null;
      if (getPool) {
        progress(0, 1, 'pool ' + key);
        body = await getPool(key, st.pool_url);
      }
      if (body === null || body === undefined) {
        fail(path, `名录未随记录提供 / the pool is linked, not inline, and was not supplied (stratum "${key}")`);
      }
      if (body.length % 19 || body.length / 19 !== size) {
        fail(join(p, 'pool_size'), `record says ${size}, the supplied pool has ${body.length} bytes (${Math.floor(body.length / 19)} lines of 19 bytes)`);
      }
      pool = new Array(size);
      for (let k = 0; k < size; k++) {
        const line = body.substr(k * 19, 19);
        const cc = line.slice(0, 18);
        if (!CODE_RE.test(cc)) fail(path, `名录第 ${k + 1} 行不是 18 位代码 / line ${k + 1} is not an 18-character code of 0-9 and A-Z`);
        if (line[18] !== '\n') fail(path, `名录第 ${k + 1} 行没有以换行结束 / line ${k + 1} does not end with a newline after 18 characters`);
        if (k && pool[k - 1] >= cc) fail(path, `名录第 ${k + 1} 行未按升序排列或重复 / line ${k + 1} is not after line ${k} in ascending order (or repeats it)`);
        pool[k] = cc;
      }
    } else {
      fail(join(p, 'pool'), '须为数组或 null / must be an array or null');
    }
    const got = linesDigest(pool);
    differsHash(join(p, 'pool_digest'), digest, got);
    eventInt(est, 'pool_size', ep, size, "the pool's");
    eventHash(est, 'pool_digest', ep, got, "the pool's digest");
    eventInt(est, 'n', ep, n, 'the recomputed');
    vstrata.push({ key, pool, n });
  }

  const seed = hash(rec, 'seed', '');
  const inputs = {
    commitment: leaf,
    secrets,
    publicValue: typeof pv === 'string' ? pv : null,
    strata: vstrata,
    officers,
    departments,
    conflicts,
    teamSize: ts,
    officerCap: cap,
  };
  const seedGot = drawSeed(leaf, secrets, inputs.publicValue);
  differsHash('seed', seed, seedGot);

  const res = runDraw(inputs, progress);

  // The selection of each stratum, against the recomputed picks.
  for (let s = 0; s < vstrata.length; s++) {
    const p = idx('strata', s);
    const sel = array(strata[s], 'selected', p, POOL_MAX);
    const sp = join(p, 'selected');
    let j = 0;
    for (const pk of res.picks) {
      if (pk.stratum !== s) continue;
      const e = idx(sp, j);
      if (j >= sel.length) fail(sp, `record lists ${sel.length}, recomputed ${vstrata[s].n} (the next is ${pk.code})`);
      const x = sel[j++];
      const rcode = code(x, 'code', e);
      if (rcode !== pk.code) fail(join(e, 'code'), `record says ${rcode}, recomputed ${pk.code}`);
      const t = hash(x, 'ticket', e);
      differsHash(join(e, 'ticket'), t, pk.ticket);
    }
    if (j !== sel.length) fail(sp, `record lists ${sel.length}, recomputed ${j}`);
  }

  // The teams and the unstaffed list, walking the picks in ticket order.
  const teams = array(rec, 'teams', '', Infinity);
  const uns = array(rec, 'unstaffed', '', Infinity);
  let t = 0;
  let u = 0;
  for (let k = 0; k < res.picks.length; k++) {
    const cc = res.picks[k].code;
    const row = res.teams[k];
    if (!row) {
      if (u >= uns.length) fail('unstaffed', `record lists ${uns.length}, recomputed more (the next is ${cc})`);
      const rcode = codeAt(uns, u, 'unstaffed');
      if (rcode !== cc) fail(idx('unstaffed', u), `record says ${rcode}, recomputed ${cc}`);
      u++;
      continue;
    }
    if (t >= teams.length) fail('teams', `record lists ${teams.length}, recomputed more (the next is for ${cc})`);
    const x = teams[t];
    const tp = idx('teams', t++);
    const rcode = code(x, 'code', tp);
    if (rcode !== cc) fail(join(tp, 'code'), `record says ${rcode}, recomputed ${cc}`);
    const ofs = array(x, 'officers', tp, MAX_TEAM);
    if (ofs.length !== ts) fail(join(tp, 'officers'), `record lists ${ofs.length} officers, recomputed ${ts}`);
    for (let j = 0; j < ts; j++) {
      if (ofs[j] !== row[j]) {
        fail(idx(join(tp, 'officers'), j), `record says ${isInt(ofs[j]) ? 'another officer' : 'a non-integer'}, recomputed ${row[j]}`);
      }
    }
  }
  if (t !== teams.length) fail('teams', `record lists ${teams.length}, recomputed ${t}`);
  if (u !== uns.length) fail('unstaffed', `record lists ${uns.length}, recomputed ${u}`);

  const selected = strata.reduce((n, s) => n + (Array.isArray(s.selected) ? s.selected.length : 0), 0);
  return {
    summary: `verified plan ${rec.plan_id}: ${strata.length} strata, ${selected} selected, ${teams.length} teams of ${ts}, ${uns.length} unstaffed; seed ${seed}`,
    seed,
    picks: res.picks,
  };
}

// "Check my ticket": where an entity stands in a verified record.  Returns
// {found: false} when the code is in no frozen pool, else {found, stratum,
// ticket, cutoff (the largest selected ticket of its stratum, or null),
// selected, n, poolSize}.
export function checkTicket(rec, pools, seedHex, uscc) {
  const c = String(uscc || '').trim().toUpperCase();
  for (let s = 0; s < rec.strata.length; s++) {
    const pool = pools[s];
    // Pools are sorted: binary search.
    let lo = 0;
    let hi = pool.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pool[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    if (lo < pool.length && pool[lo] === c) {
      const st = rec.strata[s];
      const ticket = ticketer(seedHex)(c);
      const sel = st.selected || [];
      let cutoff = null;
      for (const x of sel) if (cutoff === null || x.ticket > cutoff) cutoff = x.ticket;
      const selected = sel.some((x) => x.code === c);
      return { found: true, stratum: st.key, ticket, cutoff, selected, n: st.n, poolSize: st.pool_size, valid: CODE_RE.test(c) };
    }
  }
  return { found: false, valid: CODE_RE.test(c) };
}
