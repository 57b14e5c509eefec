// The signed-in user as the console sees it (GET /api/v1/auth/me), and the
// menu that follows his roles.  The server checks every permission and the
// data scope again; the menu only spares a user pages he cannot use.
import { reactive } from 'vue';
import { api, setCsrf, onUnauthorized } from './api.js';

export const session = reactive({ loaded: false, user: null, roles: [], mustChange: false });

export async function loadSession() {
  try {
    const me = await api.get('/auth/me', undefined, { quiet401: true });
    session.user = me.user;
    session.roles = me.roles || [];
    session.mustChange = !!me.must_change;
  } catch {
    session.user = null;
    session.roles = [];
  }
  session.loaded = true;
  return session.user;
}

export async function login(username, password) {
  const r = await api.post('/auth/login', { username, password }, { quiet401: true });
  setCsrf(r.csrf_token);
  session.user = r.user;
  session.roles = r.user.roles || [];
  session.mustChange = !!r.must_change;
  session.loaded = true;
  return r;
}

export async function logout() {
  try { await api.post('/auth/logout'); } catch { /* already gone */ }
  setCsrf('');
  session.user = null;
  session.roles = [];
}

onUnauthorized(() => { session.user = null; session.roles = []; });

export const has = (...roles) => session.roles.some((r) => roles.includes(r));

const BUSINESS = ['officer', 'dept_head', 'legal_reviewer', 'supervisor', 'social_supervisor'];

// The console's menu for the roles in effect: [{key, to, roles}] groups.
export function menuFor(roles) {
  const any = (...r) => roles.some((x) => r.includes(x));
  const m = [];
  if (any(...BUSINESS)) m.push({ key: 'workbench', to: '/console' });
  if (any(...BUSINESS)) m.push({ key: 'plans', to: '/console/plans' });
  if (any('officer', 'dept_head', 'supervisor')) m.push({ key: 'tasks', to: '/console/tasks' });
  if (any('officer', 'dept_head', 'legal_reviewer', 'supervisor')) m.push({ key: 'cases', to: '/console/cases' });
  if (any('officer', 'dept_head', 'legal_reviewer', 'supervisor')) {
    m.push({
      key: 'registry',
      children: [
        { key: 'entities', to: '/console/registry/entities' },
        { key: 'officers', to: '/console/registry/officers' },
        { key: 'departments', to: '/console/registry/departments' },
        { key: 'matters', to: '/console/registry/matters' },
        { key: 'items', to: '/console/registry/items' },
        { key: 'conflicts', to: '/console/registry/conflicts' },
        { key: 'imports', to: '/console/imports' },
      ],
    });
  }
  if (any('officer', 'dept_head', 'legal_reviewer', 'supervisor')) {
    const children = [
      { key: 'benchmarks', to: '/console/discretion/benchmarks' },
      { key: 'lenientLists', to: '/console/discretion/lenient-lists' },
    ];
    if (any('dept_head', 'supervisor')) children.push({ key: 'discretionImport', to: '/console/discretion/import' });
    m.push({ key: 'discretion', children });
  }
  if (any('supervisor', 'dept_head')) m.push({ key: 'supervision', to: '/console/supervision/cases' });
  if (any('supervisor', 'dept_head')) m.push({ key: 'overdue', to: '/console/supervision/overdue' });
  if (any('auditor', 'supervisor', 'dept_head', 'officer', 'legal_reviewer', 'social_supervisor')) m.push({ key: 'ledger', to: '/console/ledger' });
  if (any('sysadmin', 'secadmin')) m.push({ key: 'users', to: '/console/admin/users' });
  if (roles.length) m.push({ key: 'tokens', to: '/console/admin/tokens' });
  if (any('auditor')) m.push({ key: 'security', to: '/console/admin/security' });
  return m;
}

// Where a user lands after signing in.
export function homeFor(roles) {
  if (roles.some((r) => BUSINESS.includes(r))) return '/console';
  if (roles.includes('auditor')) return '/console/admin/security';
  if (roles.includes('sysadmin') || roles.includes('secadmin')) return '/console/admin/users';
  return '/console/admin/tokens';
}
