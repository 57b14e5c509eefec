// plan_flow.test.mjs — a 双随机 plan from creation to published result,
// through the console as its people would do it: the head drafts it; each
// participant makes a secret in the browser, saves it and commits; the
// head freezes the pools; the participants reveal; the supervisor enters
// the announced public value; the head draws; results are entered; the
// head publishes; the portal shows the results and the record verifies.
// Then results entry on a 375 × 667 phone with a photo as evidence.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { page, signIn, shot, close, apiLogin, publicJson, URL_BASE } from './lib.mjs';

after(close);

function addDays(date, n) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function confirmBox(p) {
  await p.locator('.el-message-box').getByRole('button', { name: '确认' }).click();
}

async function commitSecret(p, planId) {
  await p.goto(`${URL_BASE}/console/plans/${planId}`);
  const box = p.locator('[data-test=step-commitment]');
  await box.locator('[data-test=make-secret]').click();
  const secret = (await box.locator('[data-test=secret]').innerText()).trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  const [dl] = await Promise.all([p.waitForEvent('download'), box.locator('[data-test=save-secret]').click()]);
  const saved = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.equal(saved.secret, secret);
  await box.locator('[data-test=secret-saved]').click();
  await box.locator('[data-test=submit-commitment]').click();
  await box.waitFor({ state: 'detached' });
  return secret;
}

test('a plan goes from draft to published results through the console', async () => {
  const today = (await publicJson('/public/officers/210100010007')).checked_on;
  const sup = await apiLogin('ln.supervisor');
  const head = await page();
  await signIn(head, 'sy.head');

  // The draft.
  await head.goto(URL_BASE + '/console/plans/new');
  const name = `浏览器测试抽查计划 ${Date.now()}`;
  await head.locator('[data-test=plan-name]').fill(name);
  await head.locator('[data-test=plan-items]').click();
  await head.getByRole('option', { name: /SC-CC-001/ }).click();
  await head.keyboard.press('Escape');
  await head.locator('.el-radio-button').getByText('不分层', { exact: true }).click();
  await head.locator('[data-test=stratum-count-0] input').fill('2');
  const dates = head.locator('.el-date-editor input');
  await dates.nth(0).fill(addDays(today, 7));
  await dates.nth(0).press('Enter');
  await dates.nth(1).fill(addDays(today, 37));
  await dates.nth(1).press('Enter');
  // The head is a participant already; the supervisor is found by name.
  await head.locator('[data-test=plan-participants] input').fill('ln.supervisor');
  await head.locator('.el-select-dropdown__item', { hasText: 'ln.supervisor' }).first().click();
  await head.keyboard.press('Escape');
  await head.locator('[data-test=plan-public-source]').fill('测试日中国福利彩票3D开奖号码');
  await shot(head, 'console-plan-create');
  await head.locator('[data-test=plan-submit]').click();
  await head.waitForURL(/\/console\/plans\/\d+$/);
  const planId = head.url().split('/').pop();
  await head.locator('[data-test=plan-status][data-status=draft]').waitFor();

  // Each participant's commitment, made in his browser.
  await commitSecret(head, planId);
  const sp = await page();
  await signIn(sp, 'ln.supervisor');
  await commitSecret(sp, planId);

  // The head freezes the pools.
  await head.reload();
  await head.locator('[data-test=commit-plan]').click();
  await confirmBox(head);
  await head.locator('[data-test=plan-status][data-status=committed]').waitFor();

  // The reveals (the secret comes back from where this browser kept it),
  // and the announced public value.
  await head.locator('[data-test=reveal]').click();
  await head.locator('[data-test=step-reveal]').waitFor({ state: 'detached' });
  await sp.reload();
  await sp.locator('[data-test=reveal]').click();
  await sp.locator('[data-test=step-reveal]').waitFor({ state: 'detached' });
  await sp.locator('[data-test=value-input]').fill('3 1 4');
  await sp.locator('[data-test=submit-value]').click();
  await sp.locator('[data-test=plan-status][data-status=revealed]').waitFor();

  // The draw.
  await head.reload();
  await head.locator('[data-test=draw]').click();
  await confirmBox(head);
  await head.locator('[data-test=plan-status][data-status=drawn]').waitFor();
  await shot(head, 'console-plan-drawn');

  // Results: by the officer when he is on the team, else by the head.
  const hc = await apiLogin('sy.head');
  const tasks = (await hc.get(`/tasks?plan_id=${planId}`)).items;
  assert.equal(tasks.length, 2);
  const cert = process.env.FZ_OFFICER_CERT;
  let op = null;
  for (const task of tasks) {
    let p = head;
    if (task.team.some((m) => m.active && m.cert_no === cert)) {
      if (!op) { op = await page(); await signIn(op, 'sy.officer'); }
      p = op;
    }
    await p.goto(`${URL_BASE}/console/tasks/${task.id}`);
    await p.locator('[data-test=result-options]').getByText('未发现问题', { exact: true }).click();
    await p.locator('[data-test=notes]').fill('现场检查未发现问题。');
    await p.locator('[data-test=save-result]').click();
    await p.getByText('结果已保存').waitFor();
  }

  // Publication.
  await head.goto(`${URL_BASE}/console/plans/${planId}`);
  await head.locator('[data-test=publish]').click();
  await confirmBox(head);
  await head.locator('[data-test=plan-status][data-status=published]').waitFor();
  await shot(head, 'console-plan-published');

  // The public side: results, and the record verifies.
  const pub = await page();
  await pub.goto(`${URL_BASE}/plans/${planId}/results`);
  await pub.getByText('未发现问题').first().waitFor();
  await pub.goto(`${URL_BASE}/draws/${planId}`);
  await pub.locator('[data-test=verify]').click();
  await pub.locator('[data-test=verify-result]').getByText('验证通过（verified）').waitFor({ timeout: 60000 });
  for (const p of [head, sp, pub, op]) if (p) { assert.deepEqual(p.errors, []); await p.context().close(); }
});

// A small PNG (one red pixel), as a phone camera would give a photo.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex');

test('results entry on a 375 px phone, with a photo uploaded as evidence', async () => {
  // The demo's draw is random and now and then (about one demo in eight)
  // leaves sy.officer no open task of his own; the head, who enters the
  // results of his department's tasks, takes an open one then.
  let who = 'sy.officer';
  let open = (await (await apiLogin(who)).get('/tasks?mine=1&status=open&limit=1')).items;
  if (!open.length) {
    who = 'sy.head';
    open = (await (await apiLogin(who)).get('/tasks?status=open&limit=1')).items;
  }
  assert.equal(open.length, 1, 'the demo left an open task');
  const p = await page({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await signIn(p, who);
  await p.goto(`${URL_BASE}/console/tasks/${open[0].id}`);
  await p.locator('[data-test=result-options]').getByText('发现问题已责令改正', { exact: true }).click();
  await p.locator('[data-test=notes]').fill('责令当场改正，已整改。');
  await p.locator('[data-test=save-result]').click();
  await p.getByText('结果已保存').waitFor();
  const input = p.locator('[data-test=evidence-input]');
  assert.equal(await input.getAttribute('capture'), 'environment');
  assert.equal(await input.getAttribute('accept'), 'image/*');
  await input.setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PNG });
  await p.locator('[data-test=evidence-list]').getByText('现场照片.png').waitFor();
  assert.match(await p.locator('[data-test=evidence-list]').innerText(), /SM3 摘要 [0-9a-f]{64}/);
  assert.match(await p.locator('[data-test=upload-progress]').innerText(), /100%/);
  // Nothing wider than the phone.
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the page is ${width} px wide`);
  await shot(p, 'console-task-phone');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
