// portal.test.mjs — the public portal without login: draw records
// verified in the browser (and a tampered one caught at its first
// difference), "check my ticket", certificates that are valid, expired,
// revoked or unknown, the ledger's inclusion proofs, and the API reference.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { page, shot, close, publicJson, URL_BASE } from './lib.mjs';

after(close);

test('the draws list leads to a record that verifies in the browser', async () => {
  const p = await page();
  await p.goto(URL_BASE + '/draws');
  await p.getByRole('link', { name: /联合双随机抽查/ }).first().click();
  await p.waitForURL(/\/draws\/\d+$/);
  await p.locator('[data-test=verify]').click();
  const res = p.locator('[data-test=verify-result]');
  await res.getByText('验证通过（verified）').waitFor({ timeout: 60000 });
  assert.match(await res.innerText(), /verified plan \d+: 4 strata, \d+ selected/);
  await shot(p, 'portal-draw-verified');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a record with one ticket altered fails at that ticket', async () => {
  const p = await page();
  await p.route('**/api/v1/public/draws/1', async (route) => {
    const resp = await route.fetch();
    const rec = await resp.json();
    const t = rec.strata[1].selected[2].ticket;
    rec.strata[1].selected[2].ticket = (t[0] === 'f' ? 'e' : 'f') + t.slice(1);
    await route.fulfill({ response: resp, json: rec });
  });
  await p.goto(URL_BASE + '/draws/1');
  await p.locator('[data-test=verify]').click();
  await p.locator('[data-test=diff-path]').waitFor({ timeout: 60000 });
  assert.equal(await p.locator('[data-test=diff-path]').innerText(), 'strata[1].selected[2].ticket');
  assert.match(await p.locator('[data-test=diff-message]').innerText(), /record says f|record says e/);
  await shot(p, 'portal-draw-tampered');
  await p.context().close();
});

test('check my ticket: selected, not selected, and not in the pool', async () => {
  const rec = await publicJson('/public/draws/1');
  const chosen = rec.strata[0].selected[0].code;
  const notChosen = rec.strata[0].pool.find((c) => !rec.strata[0].selected.some((x) => x.code === c));
  const p = await page({ viewport: { width: 375, height: 667 } });
  await p.goto(URL_BASE + '/draws/1');
  const input = p.locator('[data-test=uscc]');
  const result = p.locator('[data-test=ticket-result]');
  await input.fill(chosen);
  await p.locator('[data-test=check-ticket]').click();
  await result.getByText('已被抽中').waitFor();
  assert.match(await result.innerText(), new RegExp(rec.strata[0].selected[0].ticket));
  await shot(p, 'portal-my-ticket-phone');
  await input.fill(notChosen);
  await p.locator('[data-test=check-ticket]').click();
  await result.getByText('未被抽中').waitFor();
  await input.fill('91110000000000000X');
  await p.locator('[data-test=check-ticket]').click();
  await result.getByText('该代码不在冻结的抽查对象库中').waitFor();
  await p.context().close();
});

test('certificates: valid, expired, revoked and unknown are told apart', async () => {
  const certs = JSON.parse(process.env.FZ_CERTS);
  const p = await page();
  const want = { valid: '有效', expired: '已过期', revoked: '已吊销' };
  for (const [state, cert] of Object.entries(certs)) {
    await p.goto(URL_BASE + '/certificates');
    await p.locator('[data-test=cert-input]').fill(cert);
    await p.locator('[data-test=cert-check]').click();
    const card = p.locator(`[data-test=cert-state][data-state=${state}]`);
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(want[state]));
    assert.doesNotMatch(await card.innerText(), /\d{17}[\dX]/); // no ID number
    await shot(p, `portal-certificate-${state}`);
  }
  await p.goto(URL_BASE + '/certificates/99999999999');
  await p.locator('[data-test=cert-state][data-state=unknown]').getByText('查无此证').waitFor();
  await shot(p, 'portal-certificate-unknown');
  await p.context().close();
});

test('the ledger page checks an event\'s inclusion proof against the checkpoint', async () => {
  const p = await page();
  await p.goto(URL_BASE + '/ledger');
  await p.locator('[data-test=checkpoint]').waitFor();
  await p.locator('[data-test=seq] input').fill('5');
  await p.locator('[data-test=ledger-verify]').click();
  await p.locator('[data-test=ledger-result]').getByText('包含证明验证通过').waitFor();
  await p.locator('[data-test=ledger-result]').getByText('事件内容的哈希与叶哈希一致').waitFor();
  await shot(p, 'portal-ledger');
  await p.context().close();
});

test('the catalogues and published results are public', async () => {
  const p = await page();
  await p.goto(URL_BASE + '/catalog/items');
  await p.getByText('SC-CC-001').first().waitFor();
  await p.goto(URL_BASE + '/plans/1/results');
  await p.getByRole('heading', { name: /抽查结果公示/ }).waitFor();
  await p.locator('tbody tr').first().waitFor();
  await shot(p, 'portal-results');
  await p.context().close();
});

test('the API reference renders the OpenAPI document from the bundle', async () => {
  const p = await page();
  await p.goto(URL_BASE + '/docs/api');
  await p.locator('[data-test=swagger]').getByText('/api/v1/health').first().waitFor({ timeout: 30000 });
  await shot(p, 'api-docs');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
