// lib.mjs — what the browser tests share: Debian's Chromium driven by
// playwright-core (never a downloaded browser), contexts that may reach
// only this machine's server, sign-in, and screenshots of the key pages.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.FZ_ROOT, 'web', 'package.json'));
const { chromium } = require('playwright-core');

export const URL_BASE = process.env.FZ_URL;
export const OUT = process.env.FZ_OUT;
export const PASSWORD = 'Liaoning-2100';
export const OTPS = JSON.parse(process.env.FZ_OTPS || '{}');
export const STRONG = 'Shenyang-2100-ok';

let browser = null;

// Playwright gives each launch a fresh, temporary profile of its own (the
// --user-data-dir that DESIGN §10 asks for; it refuses one passed in args).
export async function launch() {
  if (browser) return browser;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  return browser;
}

export async function close() {
  if (browser) await browser.close();
  browser = null;
}

// A fresh context (its own cookies) that can reach 127.0.0.1 only.
export async function context(opts = {}) {
  const b = await launch();
  const ctx = await b.newContext({ locale: 'zh-CN', acceptDownloads: true, ...opts });
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    return route.abort('blockedbyclient');
  });
  return ctx;
}

export async function page(opts) {
  const ctx = await context(opts);
  const p = await ctx.newPage();
  p.setDefaultTimeout(20000);
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.errors = errors;
  return p;
}

// The whole page; opts are Playwright's screenshot options, e.g.
// { fullPage: false } for the screen alone (a dialog stays where the screen
// is) and { animations: 'disabled' } for one that is still fading in.
export async function shot(p, name, opts = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  await p.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true, ...opts });
}

// Signs in through the login form; with a one-time password, changes it
// on the forced page first.  Lands on the user's home.
export async function signIn(p, username, password = PASSWORD, newPassword = STRONG) {
  await p.goto(URL_BASE + '/login');
  await p.locator('[data-test=username]').fill(username);
  await p.locator('[data-test=password]').fill(password);
  await p.locator('[data-test=login]').click();
  await p.waitForURL(/\/console/);
  if (p.url().endsWith('/console/password')) {
    await p.locator('[data-test=old-password]').fill(password);
    await p.locator('[data-test=new-password]').fill(newPassword);
    await p.locator('[data-test=repeat-password]').fill(newPassword);
    await p.locator('[data-test=change-password]').click();
    await p.waitForURL((u) => !u.pathname.endsWith('/password'));
  }
  await p.locator('[data-test=logout]').waitFor();
}

export async function signOut(p) {
  await p.locator('[data-test=logout]').click();
  await p.waitForURL(/\/login/);
}

// The JSON API as a signed-in user, for set-up and checks beside the UI.
export async function apiLogin(username, password = PASSWORD) {
  const r = await fetch(URL_BASE + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const body = await r.json();
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method, p, b) => {
    const resp = await fetch(URL_BASE + '/api/v1' + p, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token, ...(b ? { 'Content-Type': 'application/json' } : {}) },
      body: b ? JSON.stringify(b) : undefined,
    });
    const text = await resp.text();
    if (!resp.ok) throw new Error(`${method} ${p}: ${resp.status} ${text}`);
    return JSON.parse(text);
  };
  // A file as the raw request body (imports, evidence).
  const send = async (p, data, type) => {
    const resp = await fetch(URL_BASE + '/api/v1' + p, {
      method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token, 'Content-Type': type }, body: data,
    });
    const text = await resp.text();
    return { status: resp.status, body: text ? JSON.parse(text) : null };
  };
  return {
    user: body.user, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), patch: (p, b) => call('PATCH', p, b), send,
  };
}

export async function publicJson(p) {
  const r = await fetch(URL_BASE + '/api/v1' + p);
  if (!r.ok) throw new Error(`GET ${p}: ${r.status}`);
  return r.json();
}
