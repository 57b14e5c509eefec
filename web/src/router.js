// One single-page app, two halves: the public portal at / (no login) and
// the console under /console (login; the menu follows the user's roles).
import { createRouter, createWebHistory } from 'vue-router';
import { session, loadSession, homeFor } from './lib/session.js';

import PortalLayout from './layouts/PortalLayout.vue';
import ConsoleLayout from './layouts/ConsoleLayout.vue';

const portal = [
  { path: '', name: 'home', component: () => import('./pages/portal/Home.vue') },
  { path: 'draws', name: 'draws', component: () => import('./pages/portal/Draws.vue') },
  { path: 'draws/:id', name: 'draw', component: () => import('./pages/portal/DrawRecord.vue'), props: true },
  { path: 'plans/:id/results', name: 'results', component: () => import('./pages/portal/Results.vue'), props: true },
  { path: 'certificates/:cert?', name: 'certificate', component: () => import('./pages/portal/Certificate.vue'), props: true },
  { path: 'catalog/:kind(departments|matters|items)', name: 'catalog', component: () => import('./pages/portal/Catalog.vue'), props: true },
  { path: 'ledger', name: 'ledger', component: () => import('./pages/portal/Ledger.vue') },
  { path: 'decisions', name: 'decisions', component: () => import('./pages/portal/Decisions.vue') },
  { path: 'decisions/:id', name: 'decision', component: () => import('./pages/portal/DecisionDetail.vue'), props: true },
  { path: ':kind(benchmarks|lenient-lists)', name: 'public-discretion', component: () => import('./pages/portal/PublicDiscretion.vue'), props: true },
  { path: 'benchmarks/:id', name: 'public-benchmark', component: () => import('./pages/portal/PublicBenchmark.vue'), props: true },
  { path: 'docs/api', name: 'apidocs', component: () => import('./pages/ApiDocs.vue') },
  { path: 'login', name: 'login', component: () => import('./pages/console/Login.vue') },
];

const consoleRoutes = [
  { path: '', name: 'workbench', component: () => import('./pages/console/Workbench.vue') },
  { path: 'password', name: 'password', component: () => import('./pages/console/Password.vue') },
  { path: 'plans', name: 'plans', component: () => import('./pages/console/Plans.vue') },
  { path: 'plans/new', name: 'plan-new', component: () => import('./pages/console/PlanCreate.vue') },
  { path: 'plans/:id', name: 'plan', component: () => import('./pages/console/PlanDetail.vue'), props: true },
  { path: 'tasks', name: 'tasks', component: () => import('./pages/console/Tasks.vue') },
  { path: 'tasks/:id', name: 'task', component: () => import('./pages/console/TaskDetail.vue'), props: true },
  { path: 'cases', name: 'cases', component: () => import('./pages/console/Cases.vue') },
  { path: 'cases/new', name: 'case-new', component: () => import('./pages/console/CaseCreate.vue') },
  { path: 'cases/:id(\\d+)', name: 'case', component: () => import('./pages/console/CaseDetail.vue'), props: true },
  { path: 'supervision/cases', name: 'supervision', component: () => import('./pages/console/Supervision.vue') },
  { path: 'discretion/import', name: 'discretion-import', component: () => import('./pages/console/DiscretionImport.vue') },
  { path: 'discretion/:kind(benchmarks|lenient-lists)', name: 'discretion', component: () => import('./pages/console/Discretion.vue'), props: true },
  { path: 'discretion/:kind(benchmarks|lenient-lists)/:id(\\d+)', name: 'discretion-detail', component: () => import('./pages/console/DiscretionDetail.vue'), props: true },
  { path: 'registry/:kind(entities|officers|departments|matters|items|conflicts)', name: 'registry', component: () => import('./pages/console/Registry.vue'), props: true },
  { path: 'registry/:kind(entities|officers|departments|matters|items|conflicts)/:id', name: 'record', component: () => import('./pages/console/RegistryDetail.vue'), props: true },
  { path: 'imports', name: 'imports', component: () => import('./pages/console/Imports.vue') },
  { path: 'supervision/overdue', name: 'overdue', component: () => import('./pages/console/Overdue.vue') },
  { path: 'ledger', name: 'console-ledger', component: () => import('./pages/portal/Ledger.vue') },
  { path: 'admin/users', name: 'users', component: () => import('./pages/console/Users.vue') },
  { path: 'admin/tokens', name: 'tokens', component: () => import('./pages/console/Tokens.vue') },
  { path: 'admin/security', name: 'security', component: () => import('./pages/console/SecurityEvents.vue') },
];

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/console', component: ConsoleLayout, children: consoleRoutes, meta: { console: true } },
    { path: '/', component: PortalLayout, children: portal },
    { path: '/:rest(.*)*', component: PortalLayout, children: [{ path: '', name: 'notfound', component: () => import('./pages/NotFound.vue') }] },
  ],
  scrollBehavior() { return { top: 0 }; },
});

router.beforeEach(async (to) => {
  if (!to.matched.some((r) => r.meta.console)) return true;
  if (!session.loaded) await loadSession();
  if (!session.user) return { name: 'login', query: { next: to.fullPath } };
  if (session.mustChange && to.name !== 'password') return { name: 'password' };
  if (to.name === 'workbench' && homeFor(session.roles) !== '/console') return homeFor(session.roles);
  return true;
});
