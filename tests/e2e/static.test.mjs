// static.test.mjs — how `fazhi serve` gives the web front end: caching
// headers, types, gzip, ETag revalidation, the single-page fallback, and
// refusals of paths that would leave the web root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { URL_BASE } from './lib.mjs';

// A raw GET, so that the path is sent exactly as written (no normalising).
function get(p, headers = {}) {
  const u = new URL(URL_BASE);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: p, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const webroot = process.env.FZ_WEB;
const asset = fs.readdirSync(path.join(webroot, 'assets')).find((f) => /^index-.*\.js$/.test(f));

test('index.html is revalidated, with an ETag and a content security policy', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.ok(r.headers.etag);
  assert.match(r.headers['content-security-policy'], /default-src 'self'/);
  const again = await get('/', { 'If-None-Match': r.headers.etag });
  assert.equal(again.status, 304);
});

test('hashed assets are immutable for a year and come gzipped when asked', async () => {
  const plain = await get('/assets/' + asset);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(plain.headers['content-type'], /^text\/javascript/);
  assert.equal(plain.headers['content-encoding'], undefined);
  const gz = await get('/assets/' + asset, { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < plain.body.length);
  assert.equal(gz.headers.vary, 'Accept-Encoding');
});

test('the app\'s own routes fall back to index.html; a missing asset is a 404', async () => {
  for (const p of ['/draws/1', '/console/plans/3', '/certificates/210100010007', '/no/such/page']) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers['content-type'], /^text\/html/, p);
  }
  const miss = await get('/assets/index-missing.js');
  assert.equal(miss.status, 404);
  assert.match(miss.headers['content-type'], /^application\/json/);
});

test('API paths stay JSON: an unknown endpoint is a JSON 404', async () => {
  const r = await get('/api/v1/no-such-endpoint');
  assert.equal(r.status, 404);
  assert.match(r.headers['content-type'], /^application\/json/);
  assert.equal(JSON.parse(r.body).error.code, 'not_found');
});

test('paths that would leave the web root are refused', async () => {
  for (const p of ['/../etc/passwd', '/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc/passwd', '/.git/config',
    '/%252e%252e/x', '/a%5c..%5cb']) {
    const r = await get(p);
    assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status}`);
    assert.ok(!r.body.includes('root:'), p);
  }
  // A symbolic link inside the root that points outside it.
  const leak = await get('/leak');
  assert.equal(leak.status, 404);
  assert.match(leak.headers['content-type'], /^application\/json/);
});
