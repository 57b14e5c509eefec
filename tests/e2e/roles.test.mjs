// roles.test.mjs — every demo role signs in through the login form and
// sees the menu of its role: business roles their work, the 三员 only
// their own pages (after changing the one-time password at first login).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { page, signIn, signOut, shot, close, OTPS } from './lib.mjs';

const MENUS = {
  'sy.officer': { has: ['workbench', 'plans', 'tasks', 'cases', 'entities', 'ledger', 'benchmarks', 'lenientLists'], not: ['users', 'security', 'overdue', 'supervision', 'discretionImport'] },
  'sy.head': { has: ['workbench', 'plans', 'tasks', 'cases', 'entities', 'overdue', 'imports', 'supervision', 'discretionImport'], not: ['users', 'security'] },
  'sy.reviewer': { has: ['workbench', 'plans', 'cases', 'entities', 'benchmarks'], not: ['tasks', 'users', 'security', 'supervision'] },
  'dl.officer': { has: ['workbench', 'tasks', 'entities'], not: ['users', 'overdue'] },
  'ln.supervisor': { has: ['workbench', 'plans', 'tasks', 'overdue', 'ledger', 'supervision', 'benchmarks', 'discretionImport'], not: ['users', 'security'] },
  'ln.social': { has: ['workbench', 'plans', 'ledger'], not: ['entities', 'tasks', 'cases', 'users', 'supervision', 'benchmarks'] },
  sysadmin: { has: ['users', 'tokens'], not: ['workbench', 'plans', 'entities', 'security', 'cases', 'supervision', 'benchmarks'] },
  secadmin: { has: ['users', 'tokens'], not: ['plans', 'entities', 'security'] },
  auditor: { has: ['security', 'ledger', 'tokens'], not: ['users', 'plans', 'entities'] },
};

after(close);

for (const [user, want] of Object.entries(MENUS)) {
  test(`${user} signs in and sees the menu of the role`, async () => {
    const p = await page();
    await signIn(p, user, OTPS[user] || undefined);
    const menu = p.locator('[data-test=menu]');
    for (const k of want.has) assert.equal(await menu.locator(`[data-menu=${k}]`).count(), 1, `${user} lacks ${k}`);
    for (const k of want.not) assert.equal(await menu.locator(`[data-menu=${k}]`).count(), 0, `${user} has ${k}`);
    if (user === 'sy.officer') await shot(p, 'console-workbench-officer');
    if (user === 'secadmin') await shot(p, 'console-users-secadmin');
    if (user === 'auditor') {
      await p.locator('[data-test=security-events] tbody tr').first().waitFor();
      await shot(p, 'console-security-events-auditor');
    }
    await signOut(p);
    assert.deepEqual(p.errors, []);
    await p.context().close();
  });
}

test('a wrong password is refused with the server\'s own message', async () => {
  const p = await page();
  await p.goto(process.env.FZ_URL + '/login');
  await p.locator('[data-test=username]').fill('sy.officer');
  await p.locator('[data-test=password]').fill('wrong-password');
  await p.locator('[data-test=login]').click();
  await p.locator('.fz-error').getByText('用户名或密码错误').waitFor();
  await p.context().close();
});

test('the language switch turns the portal English and is remembered', async () => {
  const p = await page();
  await p.goto(process.env.FZ_URL + '/');
  await p.getByRole('button', { name: '切换语言' }).click();
  await p.getByRole('heading', { name: 'Public portal of the rule-of-law government' }).waitFor();
  await p.reload();
  await p.getByRole('heading', { name: 'Public portal of the rule-of-law government' }).waitFor();
  await shot(p, 'portal-home-english');
  await p.getByRole('button', { name: 'Switch language' }).click();
  await p.getByRole('heading', { name: '数字法治政府公开门户' }).waitFor();
  await p.context().close();
});
