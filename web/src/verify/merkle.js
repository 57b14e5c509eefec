// merkle.js — RFC 9162 §2.1.3.2: checks an inclusion proof of leaf number
// index in a tree of size n against a root, with the ledger's hash.
import { leafHash, nodeHash } from './draw.js';

export { leafHash };

export function rootFromInclusion(alg, index, size, leafHex, proof) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHex;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(alg, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = nodeHash(alg, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// The C2SP signed note of a checkpoint: origin, size, root (base64 → hex).
export function parseCheckpoint(note) {
  const lines = String(note || '').split('\n');
  const size = Number(lines[1]);
  let rootHex = '';
  try {
    const bin = atob(lines[2] || '');
    for (let i = 0; i < bin.length; i++) rootHex += bin.charCodeAt(i).toString(16).padStart(2, '0');
  } catch {
    rootHex = '';
  }
  const sigs = lines.slice(4).filter((l) => l.startsWith('— '));
  return { origin: lines[0] || '', size, rootHex, signatures: sigs };
}
