/* Roles and what the console shows for them. The gateway decides access
 * (docs/access.md); this only hides navigation a role could not use. */
import type { User } from '@/api/types';

/* The user's roles: roles[] when the gateway sends it, else the
 * single role. Anything malformed counts as no role. */
export function userRoles(user: Pick<User, 'role' | 'roles'> | null | undefined): string[] {
  if (!user) return [];
  if (Array.isArray(user.roles)) return user.roles.filter((r): r is string => typeof r === 'string');
  return typeof user.role === 'string' && user.role ? [user.role] : [];
}

export interface NavItem {
  name: string; // route name
  label: string; // i18n key
  roles: readonly string[]; // any of these sees it
}

/* Roles with the permission clue.read (docs/access.md). */
export const CLUE_READERS = ['inspector', 'inspection_lead', 'auditor'] as const;

/* Roles with rectify.read; of them, those that register batches and
 * verify (rectify.manage, rectify.verify), those who read the office's
 * pages (the auditor too, read-only), and the unit's leader (rectify.act). */
export const RECTIFY_READERS = ['inspector', 'inspection_lead', 'auditor', 'unit_leader'] as const;
export const RECTIFY_MANAGERS = ['inspector', 'inspection_lead'] as const;
export const RECTIFY_OFFICE_READERS = ['inspector', 'inspection_lead', 'auditor'] as const;
export const RECTIFY_UNIT = ['unit_leader'] as const;

/* Whether the user may register batches and their lists. */
export function canManageRectify(roles: readonly string[]): boolean {
  return RECTIFY_MANAGERS.some((r) => roles.includes(r));
}

/* The integrity files (廉政档案, docs/integrity.md): the cadre reads its
 * own file and fills in its yearly report (integrity.own); the office
 * keeps the files, the rounds, the verifications and the opinions
 * (integrity.read, integrity.manage). */
export const INTEGRITY_OWN = ['cadre'] as const;
export const INTEGRITY_OFFICE = ['inspector', 'inspection_lead'] as const;
/* The integrity opinions (廉洁意见回复) are asked for and read with
 * opinion.request: the office, and HR (组织人事), which sees nothing else
 * and so lands on them. */
export const OPINION_READERS = ['inspector', 'inspection_lead', 'hr'] as const;

/* The risk alerts (廉洁风险预警, docs/risk.md): read with risk.read (the
 * office and the auditor), acted on with risk.act (the office); the
 * indicators' settings are the admin's (risk.settings), who reads no
 * alert. */
export const RISK_READERS = ['inspector', 'inspection_lead', 'auditor'] as const;
export const RISK_SETTINGS = ['admin'] as const;

export const NAV_ITEMS: readonly NavItem[] = [
  { name: 'clues', label: 'nav.clues', roles: CLUE_READERS },
  // The overview reads the clue statistics, which clue.read allows.
  { name: 'dashboard', label: 'nav.dashboard', roles: CLUE_READERS },
  // Cases (案件) are read with clue.read too (docs/access.md).
  { name: 'cases', label: 'caseList.nav', roles: CLUE_READERS },
  // Rectification (整改, docs/rectification.md): the unit leader lands on
  // the workbench of its unit's tasks; the office keeps the batches; every
  // role with rectify.read reads the ledger.
  { name: 'rectify-workbench', label: 'rectify.navWorkbench', roles: RECTIFY_UNIT },
  { name: 'rectify-batches', label: 'rectify.navBatches', roles: RECTIFY_OFFICE_READERS },
  { name: 'rectify-tasks', label: 'rectify.navLedger', roles: RECTIFY_READERS },
  // The re-check queue and its draw (回头看): the office's (the auditor reads).
  { name: 'rectify-rechecks', label: 'rectify.navRechecks', roles: RECTIFY_OFFICE_READERS },
  // The figures read with rectify.read, the lists with duty.read: every
  // rectification reader (a unit leader sees its own unit's).
  { name: 'rectify-overview', label: 'rectify.navOverview', roles: RECTIFY_READERS },
  { name: 'rectify-duty', label: 'rectify.navDuty', roles: RECTIFY_READERS },
  { name: 'integrity-cadres', label: 'nav.integrityCadres', roles: INTEGRITY_OFFICE },
  { name: 'integrity-rounds', label: 'nav.integrityRounds', roles: INTEGRITY_OFFICE },
  { name: 'integrity-verifications', label: 'nav.integrityVerifications', roles: INTEGRITY_OFFICE },
  { name: 'integrity-opinions', label: 'nav.integrityOpinions', roles: OPINION_READERS },
  { name: 'integrity-overview', label: 'nav.integrityOverview', roles: INTEGRITY_OFFICE },
  // The cadre lands on its own file; its report is one click away.
  { name: 'integrity-mine', label: 'nav.integrityMine', roles: INTEGRITY_OWN },
  { name: 'integrity-my-report', label: 'nav.integrityMyReport', roles: INTEGRITY_OWN },
  { name: 'risk-alerts', label: 'nav.riskAlerts', roles: RISK_READERS },
  { name: 'risk-overview', label: 'nav.riskOverview', roles: RISK_READERS },
  { name: 'risk-indicators', label: 'nav.riskIndicators', roles: RISK_READERS },
  { name: 'risk-settings', label: 'nav.riskSettings', roles: RISK_SETTINGS },
];

export function navFor(roles: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.some((r) => roles.includes(r)));
}

/* Where a user lands after login when no page was asked for. */
export function homeRoute(roles: readonly string[]): string {
  const first = navFor(roles)[0];
  return first ? first.name : 'welcome';
}
