/* Routes, each page its own chunk. The public pages (/report...) load no
 * Element Plus: they are for phones on mobile data. Office pages need a
 * session; without one the guard sends the user to /login?redirect=<page>,
 * and the login page sends them back. */
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import { useSession } from '@/stores/session';
import { homeRoute, navFor } from '@/lib/roles';

export const routes: RouteRecordRaw[] = [
  { path: '/report', name: 'report', component: () => import('@/public/ReportPage.vue'), meta: { public: true } },
  {
    path: '/report/follow-up',
    name: 'follow-up',
    component: () => import('@/public/FollowUpPage.vue'),
    meta: { public: true },
  },
  { path: '/login', name: 'login', component: () => import('@/office/LoginPage.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('@/office/ShellLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => ({ name: homeRoute(useSession().roles) }) },
      { path: 'welcome', name: 'welcome', component: () => import('@/office/WelcomePage.vue') },
      { path: 'clues', name: 'clues', component: () => import('@/office/ClueList.vue'), meta: { nav: 'clues' } },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('@/office/DashboardPage.vue'),
        meta: { nav: 'dashboard' },
      },
      {
        path: 'clues/:id',
        name: 'clue',
        component: () => import('@/office/ClueDetail.vue'),
        meta: { nav: 'clues' },
      },
      {
        path: 'cases/:id',
        name: 'case',
        component: () => import('@/office/CaseDetail.vue'),
        meta: { nav: 'cases' },
      },
      { path: 'cases', name: 'cases', component: () => import('@/office/CaseList.vue'), meta: { nav: 'cases' } },
      /* Rectification (整改): the unit leader's workbench, the batches and
       * their three lists, the ledger and a task. */
      {
        path: 'rectify',
        name: 'rectify-workbench',
        component: () => import('@/office/RectifyWorkbench.vue'),
        meta: { nav: 'rectify-workbench' },
      },
      {
        path: 'rectify/batches',
        name: 'rectify-batches',
        component: () => import('@/office/RectifyBatches.vue'),
        meta: { nav: 'rectify-batches' },
      },
      {
        path: 'rectify/batches/:id',
        name: 'rectify-batch',
        component: () => import('@/office/RectifyBatch.vue'),
        meta: { nav: 'rectify-batches' },
      },
      {
        path: 'rectify/tasks',
        name: 'rectify-tasks',
        component: () => import('@/office/RectifyLedger.vue'),
        meta: { nav: 'rectify-tasks' },
      },
      {
        path: 'rectify/rechecks',
        name: 'rectify-rechecks',
        component: () => import('@/office/RectifyRechecks.vue'),
        meta: { nav: 'rectify-rechecks' },
      },
      {
        path: 'rectify/overview',
        name: 'rectify-overview',
        component: () => import('@/office/RectifyOverview.vue'),
        meta: { nav: 'rectify-overview' },
      },
      {
        path: 'rectify/duty',
        name: 'rectify-duty',
        component: () => import('@/office/DutyLists.vue'),
        meta: { nav: 'rectify-duty' },
      },
      {
        path: 'rectify/duty/:id',
        name: 'rectify-duty-list',
        component: () => import('@/office/DutyList.vue'),
        meta: { nav: 'rectify-duty' },
      },
      {
        path: 'rectify/tasks/:id',
        name: 'rectify-task',
        component: () => import('@/office/RectifyTask.vue'),
        meta: { nav: 'rectify-tasks' },
      },
      /* Integrity files (廉政档案): the cadre's own file and yearly report. */
      {
        path: 'integrity/me',
        name: 'integrity-mine',
        component: () => import('@/office/IntegrityMine.vue'),
        meta: { nav: 'integrity-mine' },
      },
      /* The office's: the people and their files, the report rounds, the
       * verifications. */
      {
        path: 'integrity/cadres',
        name: 'integrity-cadres',
        component: () => import('@/office/IntegrityCadres.vue'),
        meta: { nav: 'integrity-cadres' },
      },
      {
        path: 'integrity/cadres/:id',
        name: 'integrity-cadre',
        component: () => import('@/office/IntegrityCadre.vue'),
        meta: { nav: 'integrity-cadres' },
      },
      {
        path: 'integrity/rounds',
        name: 'integrity-rounds',
        component: () => import('@/office/IntegrityRounds.vue'),
        meta: { nav: 'integrity-rounds' },
      },
      {
        path: 'integrity/rounds/:id',
        name: 'integrity-round',
        component: () => import('@/office/IntegrityRound.vue'),
        meta: { nav: 'integrity-rounds' },
      },
      {
        path: 'integrity/verifications',
        name: 'integrity-verifications',
        component: () => import('@/office/IntegrityVerifications.vue'),
        meta: { nav: 'integrity-verifications' },
      },
      {
        path: 'integrity/verifications/:id',
        name: 'integrity-verification',
        component: () => import('@/office/IntegrityVerification.vue'),
        meta: { nav: 'integrity-verifications' },
      },
      {
        path: 'integrity/overview',
        name: 'integrity-overview',
        component: () => import('@/office/IntegrityOverview.vue'),
        meta: { nav: 'integrity-overview' },
      },
      /* The integrity opinions (廉洁意见回复): the office's and HR's. */
      {
        path: 'integrity/opinions',
        name: 'integrity-opinions',
        component: () => import('@/office/IntegrityOpinions.vue'),
        meta: { nav: 'integrity-opinions' },
      },
      {
        path: 'integrity/opinions/:id',
        name: 'integrity-opinion-request',
        component: () => import('@/office/IntegrityOpinionRequest.vue'),
        meta: { nav: 'integrity-opinions' },
      },
      {
        path: 'integrity/me/report',
        name: 'integrity-my-report',
        component: () => import('@/office/IntegrityMyReport.vue'),
        meta: { nav: 'integrity-my-report' },
      },
      /* Risk alerts (廉洁风险预警): the alerts, an alert, an entity, the
       * overview, the indicators and the admin's settings. */
      {
        path: 'risk',
        name: 'risk-overview',
        component: () => import('@/office/RiskOverview.vue'),
        meta: { nav: 'risk-overview' },
      },
      {
        path: 'risk/alerts',
        name: 'risk-alerts',
        component: () => import('@/office/RiskAlerts.vue'),
        meta: { nav: 'risk-alerts' },
      },
      {
        path: 'risk/alerts/:id',
        name: 'risk-alert',
        component: () => import('@/office/RiskAlert.vue'),
        meta: { nav: 'risk-alerts' },
      },
      {
        path: 'risk/entities/:kind/:id',
        name: 'risk-entity',
        component: () => import('@/office/RiskEntity.vue'),
        meta: { nav: 'risk-alerts' },
      },
      {
        path: 'risk/indicators',
        name: 'risk-indicators',
        component: () => import('@/office/RiskIndicators.vue'),
        meta: { nav: 'risk-indicators' },
      },
      {
        path: 'risk/indicator-settings',
        name: 'risk-settings',
        component: () => import('@/office/RiskIndicatorSettings.vue'),
        meta: { nav: 'risk-settings' },
      },
    ],
  },
  /* A signed opinion as a letter to print: outside the shell, its menu
   * has no place on paper; the guard still asks for the session and the
   * role that reads opinions. */
  {
    path: '/integrity/opinions/:id/print/:opinion',
    name: 'integrity-opinion-print',
    component: () => import('@/office/IntegrityOpinionPrint.vue'),
    meta: { nav: 'integrity-opinions' },
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/public/NotFound.vue'), meta: { public: true } },
];

export function makeRouter(): Router {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    const session = useSession();
    let ok = false;
    try {
      ok = await session.restore();
    } catch {
      // The gateway cannot say: the login page explains what it can.
      ok = false;
    }
    if (!ok) return { name: 'login', query: { redirect: to.fullPath } };
    // A page of the menu the role does not have goes home instead of
    // showing a 403 from the API.
    const nav = to.meta.nav as string | undefined;
    if (nav && !navFor(session.roles).some((i) => i.name === nav)) return { name: 'welcome' };
    return true;
  });
  return router;
}

/* Only same-site paths are followed after login: ?redirect= is
 * attacker-chosen. */
export function safeRedirect(v: unknown): string | null {
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return null;
  if (v.startsWith('/login')) return null;
  return v;
}
