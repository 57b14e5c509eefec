// case_flow.test.mjs — a 行政处罚 case under 普通程序 from its lead to a
// published decision, through the console as its people would do it: the
// officer opens it; the head's 立案 with one officer is refused with Art.
// 42 shown at the field, then taken with two; the officer adds a photo and
// gives 告知 on a phone; the hearing is waived; the evaluate panel shows
// every line with its citation; the head decides; the officer serves and
// records execution; the head closes and publishes; the portal shows the
// decision with the party's name and verifies its ledger proofs in the
// browser.  Then the supervision dashboard with its charts, the
// discretion pages (list, detail, an import refused row by row) and their
// public pages.  The test makes what it needs and counts on no demo case.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { page, signIn, shot, close, apiLogin, publicJson, URL_BASE } from './lib.mjs';

after(close);

const MATTER = 'SC-CF-001'; // 未取得食品经营许可: fines in multiples of the goods' value
const FINE = '300000';

function addDays(date, n) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function pick(p, scope, field, option) {
  await p.locator(`${scope} [data-test=${field}]`).click();
  await p.getByRole('option', { name: option }).first().click();
}

async function fillDate(p, sel, date) {
  const input = p.locator(`${sel} input`);
  await input.fill(date);
  await input.press('Enter');
}

const w = {};

before(async () => {
  const sup = await apiLogin('ln.supervisor');
  const officer = await apiLogin('sy.officer');
  w.today = (await sup.get('/cases/stats')).today;
  w.dept = officer.user.department_id;
  assert.ok(w.dept, 'sy.officer has a department');

  // The discretion data the evaluation reads: the demo's, or loaded here
  // from the same files when the demo has not loaded them.
  if (!(await sup.get(`/benchmarks?matter=${MATTER}&on=${w.today}`)).items.length) {
    for (const [kind, file] of [['benchmarks', 'benchmarks.csv'], ['lenient-lists', 'lists.csv']]) {
      const data = fs.readFileSync(path.join(process.env.FZ_ROOT, 'data', 'discretion', file));
      const r = await sup.send(`/${kind}/import?name=${file}`, data, 'text/csv');
      assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
    }
  }
  // A fine of 300,000 元 gives the party the right to a hearing under the
  // demo's 较大数额 (100,000 元 for an organisation) or none set at all.
  const th = (await sup.get('/cases/hearing-thresholds')).items
    .find((x) => x.department_kind === 'market' && x.party_type === 'organisation');
  if (th && Number(th.fine) > Number(FINE)) {
    await sup.post('/cases/hearing-thresholds', { department_kind: 'market', party_type: 'organisation', fine: '100000', confiscation: '100000', basis: '浏览器测试：按演示值配置' });
  }

  // sy.officer's officer record (linked by the demo, or here), and a
  // second certified officer of the department.
  const staff = (await officer.get(`/officers?department_id=${w.dept}&limit=1000`)).items;
  const fit = staff.filter((o) => !o.auxiliary && o.certificate && o.certificate.state === 'valid');
  let mine = staff.find((o) => o.user_id === officer.user.id);
  if (!mine) {
    mine = fit.find((o) => !o.user_id);
    await sup.patch(`/officers/${mine.id}`, { user_id: officer.user.id });
  }
  assert.ok(mine.certificate && mine.certificate.state === 'valid', 'sy.officer holds a valid certificate');
  w.mine = mine;
  w.other = fit.find((o) => o.id !== mine.id && !o.user_id) || fit.find((o) => o.id !== mine.id);

  // An entity of 沈阳 for the party: in business, and with no 回避 tie to
  // either officer.
  const conflicts = new Set((await officer.get('/conflicts?limit=1000')).items
    .filter((c) => c.officer_id === w.mine.id || c.officer_id === w.other.id).map((c) => c.entity_uscc));
  const ents = (await officer.get('/entities?region_code=2101&limit=200')).items
    .filter((e) => e.status === '存续' && !conflicts.has(e.uscc));
  w.entity = ents[Math.floor(ents.length / 2)];
});

test('a 普通程序 case from lead to published decision, verified in the portal', async () => {
  const op = await page();
  await signIn(op, 'sy.officer');

  // The officer opens the case (a lead).
  await op.goto(URL_BASE + '/console/cases/new');
  await pick(op, '', 'c-matter', new RegExp(MATTER));
  await op.locator('[data-test=c-entity]').click();
  await op.locator('[data-test=c-entity] input').fill(w.entity.uscc);
  await op.getByRole('option', { name: new RegExp(w.entity.uscc) }).click();
  await fillDate(op, '[data-test=c-act-date]', addDays(w.today, -20));
  await op.locator('[data-test=c-source-ref]').fill('12345-浏览器测试-001');
  await op.locator('[data-test=c-facts]').fill('当事人未取得食品经营许可从事食品销售，货值金额二万元。');
  await pick(op, '', 'f-harm', '一般危害后果');
  await op.locator('[data-test=f-corrected]').click();
  await op.locator('[data-test=f-goods] input').fill('20000');
  await shot(op, 'console-case-new');
  await op.locator('[data-test=c-submit]').click();
  await op.waitForURL(/\/console\/cases\/\d+$/);
  const caseId = op.url().split('/').pop();
  await op.locator('[data-test=case-stage][data-stage=lead]').waitFor();
  // 立案 is offered to the officer only as a step he cannot take, with why.
  const fileStep = op.locator('[data-test=step-file][data-allowed=false]');
  await fileStep.waitFor();
  assert.match(await fileStep.locator('[data-test=step-why]').innerText(), /负责人/);

  // The head: 立案 with one officer is refused, the article at the field.
  const head = await page();
  await signIn(head, 'sy.head');
  await head.goto(`${URL_BASE}/console/cases/${caseId}`);
  const file = head.locator('[data-test=step-file][data-allowed=true]');
  await file.locator('[data-test=f-officers]').click();
  await head.getByRole('option', { name: new RegExp(w.mine.cert_no) }).click();
  await head.keyboard.press('Escape');
  await file.locator('[data-test=submit-file]').click();
  const fieldError = file.locator('.el-form-item__error');
  await fieldError.waitFor();
  assert.match(await fieldError.innerText(), /第四十二条/);
  await shot(head, 'console-case-refusal-art42');
  await file.locator('[data-test=f-officers]').click();
  await head.getByRole('option', { name: new RegExp(w.other.cert_no) }).click();
  await head.keyboard.press('Escape');
  await file.locator('[data-test=submit-file]').click();
  await head.locator('[data-test=case-stage][data-stage=investigating]').waitFor();
  const decideDeadline = head.locator('[data-test=deadline][data-rule="penalty.decide"]');
  await decideDeadline.waitFor();
  assert.ok(['open', 'near', 'no_calendar'].includes(await decideDeadline.getAttribute('data-state')));

  // The officer, on a phone: a photo as evidence, then 告知.
  const phone = await page({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await signIn(phone, 'sy.officer');
  await phone.goto(`${URL_BASE}/console/cases/${caseId}`);
  await phone.locator('[data-test=case-stage][data-stage=investigating]').waitFor();
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200000, 7)]);
  await phone.locator('[data-test=case-evidence-input]').setInputFiles({ name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await phone.locator('[data-test=case-evidence] li').first().waitFor();
  assert.match(await phone.locator('[data-test=case-evidence]').innerText(), /现场照片\.jpg[\s\S]*SM3 [0-9a-f]{64}/);
  const notify = phone.locator('[data-test=step-notify][data-allowed=true]');
  await notify.locator('[data-test=f-kinds]').click();
  await phone.getByRole('option', { name: '罚款', exact: true }).click();
  await phone.keyboard.press('Escape');
  await notify.locator('[data-test=f-fine] input').fill(FINE);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 380, `the case page fits a 375 px screen (scrollWidth ${width})`);
  await shot(phone, 'console-case-phone-375');
  await notify.locator('[data-test=submit-notify]').click();
  await phone.locator('[data-test=case-stage][data-stage=notified]').waitFor();
  // The party waives the hearing.
  await phone.locator('[data-test=step-hearing_waive] [data-test=submit-hearing_waive]').click();
  await phone.locator('[data-test=history-item][data-step=hearing_waive]').waitFor();

  // The evaluate panel: tier, range in 元, kinds, lists, versions, and every
  // line with its citation.
  await op.reload();
  const panel = op.locator('[data-test=evaluate-panel]');
  await panel.locator('[data-test=eval-line]').nth(3).waitFor();
  const lines = await panel.locator('[data-test=eval-line]').count();
  assert.equal(await panel.locator('[data-test=eval-citation]').count(), lines);
  for (const c of await panel.locator('[data-test=eval-citation]').allInnerTexts()) assert.match(c, /^《.+》第.+条/);
  const text = await panel.innerText();
  assert.match(text, /《中华人民共和国食品安全法》第一百二十二条第一款/);
  assert.match(text, /《中华人民共和国行政处罚法》第三十七条/);
  assert.match(await panel.locator('[data-test=eval-range]').innerText(), /280,000\.00 元 – 320,000\.00 元/);
  await panel.scrollIntoViewIfNeeded();
  await shot(op, 'console-case-evaluate');

  // The head decides (the proposed penalty is offered).
  await head.reload();
  const decide = head.locator('[data-test=step-decide][data-allowed=true]');
  assert.equal(await decide.locator('[data-test=f-fine] input').inputValue(), '300000.00');
  await decide.locator('[data-test=submit-decide]').click();
  await head.locator('[data-test=case-stage][data-stage=decided]').waitFor();
  assert.equal(await head.locator('[data-test=deadline][data-rule="penalty.decide"]').getAttribute('data-state'), 'met');

  // The officer serves it and records its execution.
  await op.reload();
  await op.locator('[data-test=step-serve] [data-test=submit-serve]').click();
  await op.locator('[data-test=case-stage][data-stage=served]').waitFor();
  await op.locator('[data-test=step-execute] [data-test=f-how]').fill('当事人已通过电子缴款缴纳罚款');
  await op.locator('[data-test=step-execute] [data-test=submit-execute]').click();
  await op.locator('[data-test=case-stage][data-stage=executed]').waitFor();

  // The head closes and publishes.
  await head.reload();
  await head.locator('[data-test=step-close] [data-test=submit-close]').click();
  await head.locator('[data-test=case-stage][data-stage=closed]').waitFor();
  await head.locator('[data-test=step-publish] [data-test=submit-publish]').click();
  await head.locator('[data-test=case-published]').waitFor();
  const steps = await head.locator('[data-test=history-item]').evaluateAll((els) => els.map((e) => e.dataset.step).reverse());
  assert.deepEqual(steps, ['create', 'file', 'notify', 'hearing_waive', 'decide', 'serve', 'execute', 'close', 'publish']);
  await shot(head, 'console-case-published');
  const caseNo = (await head.locator('[data-test=case-no]').innerText()).trim();

  // A history entry links to its ledger event, whose proof checks.
  await head.locator('[data-test=history-seq]').first().click();
  await head.waitForURL(/\/console\/ledger\?seq=\d+/);
  await head.locator('[data-test=ledger-result]').getByText('包含证明验证通过').waitFor();

  // The portal: the decision, with the party's name, verified in the browser.
  const pub = await page();
  await pub.goto(URL_BASE + '/decisions');
  await pub.getByRole('link', { name: caseNo }).click();
  await pub.waitForURL(new RegExp(`/decisions/${caseId}$`));
  assert.equal((await pub.locator('[data-test=decision-party]').innerText()).split('（')[0].trim(), w.entity.name);
  assert.match(await pub.locator('[data-test=decision-fine]').innerText(), /300,000\.00 元/);
  await pub.locator('[data-test=decision-verify]').click();
  await pub.locator('[data-test=decision-verified]').waitFor();
  assert.equal(await pub.locator('[data-test=decision-verify-result]').getAttribute('data-ok'), 'true');
  await shot(pub, 'portal-decision-verified');
  const d = await publicJson(`/public/decisions/${caseId}`);
  assert.equal(d.party, w.entity.name);

  for (const p of [op, head, phone, pub]) {
    assert.deepEqual(p.errors, []);
    await p.context().close();
  }
});

test('the supervision dashboard draws its charts and lists', async () => {
  const p = await page({ viewport: { width: 1400, height: 1000 } });
  await signIn(p, 'ln.supervisor');
  await p.goto(URL_BASE + '/console/supervision/cases');
  await p.locator('[data-test=chart-stage] canvas').waitFor();
  await p.locator('[data-test=chart-coverage] canvas').waitFor();
  // Every chart is drawn, or says it has nothing to draw.
  const cards = p.locator('[data-test=sup-charts] > section');
  assert.equal(await cards.count(), 6);
  for (let i = 0; i < 6; i++) {
    const card = cards.nth(i);
    await card.locator('canvas, .el-empty').first().waitFor();
  }
  await p.locator('[data-test=sup-alerts]').waitFor();
  await p.waitForTimeout(600); // the charts' entry animation
  await shot(p, 'console-supervision');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('discretion pages: benchmarks, lists, an import refused row by row, and the public pages', async () => {
  const p = await page();
  await signIn(p, 'ln.supervisor');
  await p.goto(`${URL_BASE}/console/discretion/benchmarks`);
  await p.locator('[data-test=disc-matter]').fill(MATTER);
  await p.locator('[data-test=disc-matter]').press('Enter');
  await p.getByRole('link', { name: new RegExp(MATTER) }).first().click();
  await p.locator('[data-test=benchmark-tiers] tbody tr').first().waitFor();
  assert.match(await p.locator('[data-test=benchmark-tiers]').innerText(), /货值金额/);

  // An import whose every row is bad: nothing is written, each row listed.
  const header = fs.readFileSync(path.join(process.env.FZ_ROOT, 'data', 'discretion', 'benchmarks.csv'), 'utf8').split('\n')[0];
  const row = (v, from) => `${MATTER},${v},${from},,中华人民共和国食品安全法,第一百二十二条第一款,是,,一般,不限,一般,测试,罚款,,,,1000,2000,,,,,,,,,`;
  const csv = [header, row('测试版', '2026-13-01'), row('测试版', '2026-13-01')].join('\n') + '\n';
  await p.goto(`${URL_BASE}/console/discretion/import`);
  await p.locator('[data-test=disc-import-file]').setInputFiles({ name: 'bad-benchmarks.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await p.locator('[data-test=disc-import-start]').click();
  const errors = p.locator('[data-test=disc-import-errors]');
  await errors.locator('tbody tr').first().waitFor();
  assert.match(await errors.innerText(), /effective_from/);
  assert.equal((await p.locator('[data-test=disc-import-created]').innerText()).trim(), '0');
  await shot(p, 'console-discretion-import-errors');

  await p.goto(`${URL_BASE}/console/discretion/lenient-lists`);
  await p.locator('[data-test=disc-table] tbody tr').first().waitFor();
  await p.context().close();

  // The portal: benchmarks in force, with tiers, and the lists.
  const q = await page();
  await q.goto(`${URL_BASE}/benchmarks`);
  await q.locator('[data-test=public-benchmarks] tbody tr').first().waitFor();
  await q.goto(`${URL_BASE}/lenient-lists`);
  await q.locator('[data-test=public-lists] tbody tr').first().waitFor();
  assert.match(await q.locator('[data-test=public-lists]').innerText(), /第三十三条/);
  await shot(q, 'portal-lenient-lists');
  assert.deepEqual(q.errors, []);
  await q.context().close();
});
