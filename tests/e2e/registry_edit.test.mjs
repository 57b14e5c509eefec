// registry_edit.test.mjs — the registry's record forms through the
// console: the head (部门负责人, manage_registry) creates an officer with
// his primary department and one other, sees both by name and the ID
// number only masked; revokes (收缴) his certificate with a change of that
// field alone, which the public certificate look-up then says; an entity
// with a wrong 统一社会信用代码 is refused with the server's message at the
// field and nothing created, then saved once corrected, deactivated and
// reactivated with a reason; the form on a 375 px phone; and an officer
// (no manage_registry) is offered no 新建 for officers but is for entities.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { page, signIn, shot, close, apiLogin, publicJson, URL_BASE } from './lib.mjs';

after(close);

// GB 32100 (with its GB 11714 organisation-code check) and GB 11643 check
// characters, to make valid codes of our own.
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function uscc(region, digits8) {
  const org = [3, 7, 9, 10, 5, 8, 4, 2].reduce((s, w, i) => s + w * Number(digits8[i]), 0);
  const c = 11 - (org % 11);
  const body = '91' + region + digits8 + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
  const sum = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28].reduce((s, w, i) => s + w * USCC.indexOf(body[i]), 0);
  return body + USCC[(31 - (sum % 31)) % 31];
}
function residentId(first17) {
  const sum = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2].reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}
function wrongLast(code) { return code.slice(0, 17) + (code[17] === '1' ? '2' : '1'); }

async function choose(p, field, option, search) {
  const item = p.locator(`.rf [data-test=rf-${field}]`);
  await item.locator('.el-select__wrapper').click();
  if (search) await item.locator('input').fill(search);
  await p.getByRole('option', { name: option, exact: true }).click();
}
async function fillDate(p, field, date) {
  const input = p.locator(`.rf [data-test=rf-${field}] input`);
  await input.fill(date);
  await input.press('Enter');
}
const fill = (p, field, v) => p.locator(`.rf [data-test=rf-${field}] input`).fill(v);

async function signedIn(user, opts = { viewport: { width: 1280, height: 900 } }) {
  const p = await page(opts);
  await signIn(p, user);
  return p;
}
// The 新建 form of a kind's list.
async function newRecord(p, kind) {
  await p.goto(`${URL_BASE}/console/registry/${kind}`);
  await p.locator('[data-test=reg-create]').click();
  await p.locator('.rf').waitFor();
}
async function done(p) {
  assert.deepEqual(p.errors, []);
  await p.context().close();
}

const stamp = String(Date.now()).slice(-8);
const w = { cert: `E2E-${stamp}`, idNumber: residentId(`21010219850612${stamp.slice(-3)}`), entityName: `浏览器测试登记公司${stamp}` };

before(async () => {
  const head = await apiLogin('sy.head');
  w.primary = (await head.get(`/departments/${head.user.department_id}`)).name;
  // Another department of 沈阳 outside the head's own subtree: an officer
  // may serve any active department of the writer's region.
  w.other = (await publicJson('/public/departments?region_code=2101&kind=ecology&limit=5')).items[0].name;
  assert.ok(w.primary && w.other);
  w.head = head;
});

test('the head creates an officer with two departments, edits his certificate to 收缴, which the public look-up says', async () => {
  // Tall enough for the whole dialog in the screenshot.
  const p = await signedIn('sy.head', { viewport: { width: 1280, height: 1240 } });
  await newRecord(p, 'officers');
  await fill(p, 'name', '浏览器测试员');
  await choose(p, 'department_id', w.primary);
  await choose(p, 'department_ids', w.other, w.other.slice(0, 5));
  await p.keyboard.press('Escape');
  await fill(p, 'cert_no', w.cert);
  await fillDate(p, 'cert_from', '2026-01-01');
  await fillDate(p, 'cert_to', '2030-12-31');
  await fill(p, 'id_number', w.idNumber);
  assert.equal(await p.locator('.rf [data-test=rf-id_number] input').getAttribute('type'), 'password');
  await shot(p, 'console-officer-form', { fullPage: false, animations: 'disabled' });
  await p.locator('[data-test=rf-submit]').click();
  await p.waitForURL(/\/console\/registry\/officers\/\d+$/);
  w.officerId = p.url().split('/').pop();

  // Both departments by name, the ID number masked and nowhere in full.
  assert.equal(await p.locator('[data-field=department_id]').innerText(), w.primary);
  assert.equal(await p.locator('[data-field=department_ids]').innerText(), w.other);
  assert.match(await p.locator('[data-field=id_number]').innerText(), /^\d{6}\*{8}\d{3}[\dX]$/);
  assert.ok(!(await p.content()).includes(w.idNumber), 'the full ID number is not on the page');
  await p.locator('[data-test=rec-certificate][data-state=valid]').waitFor();

  // 收缴: the change sends that field alone.
  await p.locator('[data-test=rec-edit]').click();
  await p.locator('.rf').waitFor();
  assert.equal(await p.locator('.rf [data-test=rf-cert_no] input').isDisabled(), true, 'a certificate number never changes');
  await choose(p, 'status', '收缴');
  const [req] = await Promise.all([
    p.waitForRequest((r) => r.method() === 'PATCH'),
    p.locator('[data-test=rf-submit]').click(),
  ]);
  assert.deepEqual(JSON.parse(req.postData()), { status: 'revoked' });
  await p.locator('[data-test=rec-certificate][data-state=revoked]').waitFor();
  assert.equal(await p.locator('[data-field=status]').innerText(), '收缴');
  const pub = await publicJson(`/public/officers/${w.cert}`);
  assert.equal(pub.state, 'revoked');
  assert.equal(pub.valid, false);
  assert.deepEqual(pub.other_departments, [w.other]);
  await done(p);
});

test('a wrong 统一社会信用代码 is refused at the field with nothing created; corrected, the entity is saved, deactivated and reactivated', async () => {
  const p = await signedIn('sy.head');
  await newRecord(p, 'entities');
  const good = uscc('210102', stamp);
  await fill(p, 'uscc', wrongLast(good));
  await fill(p, 'name', w.entityName);
  await choose(p, 'kind', '企业');
  await fill(p, 'address', '辽宁省沈阳市和平区浏览器测试路 1 号');
  await p.locator('[data-test=rf-submit]').click();
  const fieldError = p.locator('.rf [data-test=rf-uscc] .el-form-item__error');
  await fieldError.waitFor();
  assert.match(await fieldError.innerText(), /^统一社会信用代码：.*position 18/);
  assert.match(await p.locator('.rf .fz-error').innerText(), /统一社会信用代码：/);
  await shot(p, 'console-entity-form-refused', { fullPage: false, animations: 'disabled' });
  assert.match(p.url(), /\/console\/registry\/entities$/);
  assert.equal((await w.head.get(`/entities?q=${encodeURIComponent(w.entityName)}`)).items.length, 0, 'nothing was created');
  // Nothing typed is lost.
  assert.equal(await p.locator('.rf [data-test=rf-name] input').inputValue(), w.entityName);

  await fill(p, 'uscc', good);
  await p.locator('[data-test=rf-submit]').click();
  await p.waitForURL(/\/console\/registry\/entities\/\d+$/);
  assert.equal(await p.locator('[data-field=uscc]').innerText(), good);
  assert.match(await p.locator('[data-field=region_code]').innerText(), /210102 辽宁省沈阳市和平区/);

  // 停用 with a reason, then 启用; the page shows what the server answers.
  await p.locator('[data-test=rec-deactivate]').click();
  const box = p.locator('.el-message-box');
  await box.locator('input').fill('浏览器测试：停用');
  await box.getByRole('button', { name: '确认' }).click();
  await p.locator('[data-test=rec-active][data-active=false]').waitFor();
  const id = p.url().split('/').pop();
  assert.equal((await w.head.get(`/entities/${id}`)).active, false);
  await p.locator('[data-test=rec-reactivate]').click();
  await box.locator('input').fill('浏览器测试：恢复');
  await box.getByRole('button', { name: '确认' }).click();
  await p.locator('[data-test=rec-active][data-active=true]').waitFor();
  assert.equal((await w.head.get(`/entities/${id}`)).active, true);
  await done(p);
});

test('the officer form and record fit a 375 px phone', async () => {
  const p = await signedIn('sy.head', { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await p.goto(`${URL_BASE}/console/registry/officers/${w.officerId}`);
  await p.locator('[data-field=department_ids]').waitFor();
  let width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 380, `the record fits a 375 px screen (scrollWidth ${width})`);
  await shot(p, 'console-officer-record-phone-375', { animations: 'disabled' });
  await p.locator('[data-test=rec-edit]').click();
  await p.locator('.rf [data-test=rf-department_ids] .el-tag').first().waitFor();
  width = await p.evaluate(() => Math.max(document.documentElement.scrollWidth, document.querySelector('.el-dialog').scrollWidth));
  assert.ok(width <= 380, `the form fits a 375 px screen (scrollWidth ${width})`);
  await shot(p, 'console-officer-form-phone-375', { fullPage: false, animations: 'disabled' });
  await done(p);
});

test('an officer, who may not keep officers, is offered no 新建 nor 编辑 there, but is for entities', async () => {
  const p = await signedIn('sy.officer');
  await p.goto(URL_BASE + '/console/registry/officers');
  await p.locator('.el-table__body tr').first().waitFor();
  assert.equal(await p.locator('[data-test=reg-create]').count(), 0);
  await p.goto(`${URL_BASE}/console/registry/officers/${w.officerId}`);
  await p.locator('[data-field=department_ids]').waitFor();
  assert.equal(await p.locator('[data-test=rec-edit]').count(), 0);
  await p.goto(URL_BASE + '/console/registry/entities');
  await p.locator('[data-test=reg-create]').waitFor();
  await done(p);
});
