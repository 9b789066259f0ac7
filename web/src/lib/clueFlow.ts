/* The clue workflow as the console sees it (docs/case-lifecycle.md): which
 * fields a disposal way needs, which actions a user may see on a clue in its
 * stage, and the list filters kept in the URL. The case service decides;
 * these rules only keep buttons away that would certainly be refused, and
 * its 409 reason is still shown when one is. */
import type { Clue } from '@/api/types';
import { chars, type Errors } from '@/lib/validate';

/* The five recognised ways (线索处置), in the order the form offers them. */
export const DISPOSAL_WAYS = ['talk_inquiry', 'preliminary_verification', 'shelve', 'close', 'propose_filing'] as const;
export type DisposalWay = (typeof DISPOSAL_WAYS)[number];

/* Ways whose approval ends an inquiry and so needs its conclusion too. */
const NEEDS_CONCLUSION: readonly string[] = ['close', 'talk_inquiry'];

/* The fields the proposal form shows for a way: reason always. */
export function wayFields(way: string): ('reason' | 'conclusion')[] {
  return NEEDS_CONCLUSION.includes(way) ? ['reason', 'conclusion'] : ['reason'];
}

export interface DisposalForm {
  way: string;
  reason: string;
  conclusion: string;
}

/* The gateway's limit for free text (TEXT_MAX_CHARS in json_clues.c). */
export const TEXT_MAX = 5000;

export function validateDisposal(f: DisposalForm): Errors {
  const e: Errors = {};
  if (!(DISPOSAL_WAYS as readonly string[]).includes(f.way)) e.way = 'validate.required';
  for (const field of wayFields(f.way)) {
    const v = f[field].trim();
    if (!v) e[field] = 'validate.required';
    else if (chars(v) > TEXT_MAX) e[field] = 'validate.tooLong';
  }
  return e;
}

/* The body of POST .../disposal: a conclusion only with a way that takes
 * one, so text typed under another way is not sent by mistake. */
export function disposalBody(f: DisposalForm): { way: string; reason: string; conclusion?: string } {
  const body: { way: string; reason: string; conclusion?: string } = { way: f.way, reason: f.reason.trim() };
  if (wayFields(f.way).includes('conclusion')) body.conclusion = f.conclusion.trim();
  return body;
}

/* A reason for reject, recuse and reopen. */
export function validateReason(reason: string): Errors {
  const v = reason.trim();
  if (!v) return { reason: 'validate.required' };
  return chars(v) > TEXT_MAX ? { reason: 'validate.tooLong' } : {};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/* An id typed or pasted by the user (a handler's account, another clue). */
export function validateId(field: string, v: string, self?: string): Errors {
  const id = v.trim();
  if (!id) return { [field]: 'validate.required' };
  if (!UUID.test(id)) return { [field]: 'validate.uuid' };
  if (self && id.toLowerCase() === self.toLowerCase()) return { [field]: 'validate.notSelf' };
  return {};
}

export type ClueAction =
  | 'propose'
  | 'approve'
  | 'reject'
  | 'assign'
  | 'recuse'
  | 'link'
  | 'merge'
  | 'reopen'
  | 'file'
  | 'upload'
  | 'dossier';

const PROPOSE_FROM = ['registered', 'preliminary_verification', 'talk_inquiry'];
const ASSIGN_IN = ['registered', 'preliminary_verification', 'talk_inquiry', 'shelved'];
const MERGE_FROM = ['registered', 'preliminary_verification', 'talk_inquiry', 'shelved'];

/* The permissions of docs/access.md that the clue page needs, by role. */
const DISPOSERS = ['inspector', 'inspection_lead']; // clue.dispose, document.add
const APPROVERS = ['inspection_lead']; // clue.approve
const DOSSIER_READERS = ['inspector', 'inspection_lead', 'auditor']; // dossier.read

export interface Actor {
  id: string;
  roles: readonly string[];
}

/* The actions this user may see on this clue now. */
export function clueActions(clue: Pick<Clue, 'status' | 'handler_id' | 'disposal'>, actor: Actor): Set<ClueAction> {
  const has = (roles: string[]) => actor.roles.some((r) => roles.includes(r));
  const s = clue.status;
  const out = new Set<ClueAction>();
  const disposer = has(DISPOSERS);
  const approver = has(APPROVERS);
  if (has(DOSSIER_READERS)) out.add('dossier');
  if (disposer) {
    // Only the handler proposes, and a clue without one waits for a lead.
    if (PROPOSE_FROM.includes(s) && clue.handler_id && clue.handler_id === actor.id) out.add('propose');
    if (s !== 'merged') {
      out.add('recuse');
      out.add('link');
      out.add('upload');
    }
    if (MERGE_FROM.includes(s)) out.add('merge');
    if (s === 'shelved') out.add('reopen');
  }
  if (approver) {
    // The proposer may not decide on their own proposal.
    const d = clue.disposal;
    if (s === 'disposal_proposed' && d && d.state === 'pending' && d.proposed_by !== actor.id) {
      out.add('approve');
      out.add('reject');
    }
    if (ASSIGN_IN.includes(s)) out.add('assign');
    if (s === 'filing_proposed') out.add('file');
  }
  return out;
}
