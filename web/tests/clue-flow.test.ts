import { describe, expect, it } from 'vitest';
import {
  clueActions,
  disposalBody,
  DISPOSAL_WAYS,
  validateDisposal,
  validateId,
  validateReason,
  wayFields,
} from '@/lib/clueFlow';
import type { Clue, Disposal } from '@/api/types';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function clue(over: Partial<Clue> = {}): Clue {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    number: 'XS-2026-east-00001',
    source: 'public_report',
    source_ref: 'r',
    category: 'procurement',
    content: 'The tender for substation 7 was fixed.',
    anonymous: true,
    org_path: 'hq.east',
    status: 'registered',
    created_at: '2026-03-04T05:06:07Z',
    handler_id: null,
    disposal: null,
    ...over,
  };
}

function pending(by: string): Disposal {
  return {
    id: 'd',
    way: 'close',
    reason: 'r',
    conclusion: 'c',
    state: 'pending',
    proposed_by: by,
    proposed_at: '2026-03-04T05:06:07Z',
    decided_by: null,
    decided_at: null,
    decision_reason: null,
  };
}

const inspector = { id: ME, roles: ['inspector'] };
const lead = { id: ME, roles: ['inspection_lead'] };
const auditor = { id: ME, roles: ['auditor'] };

describe('disposal form', () => {
  it('asks for a conclusion only with close and talk_inquiry', () => {
    const withConclusion = DISPOSAL_WAYS.filter((w) => wayFields(w).includes('conclusion'));
    expect(withConclusion.sort()).toEqual(['close', 'talk_inquiry']);
    for (const w of DISPOSAL_WAYS) expect(wayFields(w)).toContain('reason');
  });

  it('refuses a missing way, reason or conclusion', () => {
    expect(validateDisposal({ way: '', reason: 'x', conclusion: '' }).way).toBe('validate.required');
    expect(validateDisposal({ way: 'shelve', reason: '  ', conclusion: '' })).toEqual({ reason: 'validate.required' });
    expect(validateDisposal({ way: 'close', reason: 'done', conclusion: ' ' })).toEqual({ conclusion: 'validate.required' });
    expect(validateDisposal({ way: 'close', reason: 'done', conclusion: 'no fault found' })).toEqual({});
    expect(validateDisposal({ way: 'propose_filing', reason: 'evidence', conclusion: '' })).toEqual({});
    expect(validateDisposal({ way: 'shelve', reason: '字'.repeat(5001), conclusion: '' }).reason).toBe('validate.tooLong');
  });

  it('sends a conclusion only with a way that takes one', () => {
    expect(disposalBody({ way: 'shelve', reason: ' wait ', conclusion: 'typed before switching' })).toEqual({
      way: 'shelve',
      reason: 'wait',
    });
    expect(disposalBody({ way: 'talk_inquiry', reason: 'r', conclusion: ' c ' })).toEqual({
      way: 'talk_inquiry',
      reason: 'r',
      conclusion: 'c',
    });
  });

  it('checks reasons and ids', () => {
    expect(validateReason('')).toEqual({ reason: 'validate.required' });
    expect(validateReason('ok')).toEqual({});
    expect(validateId('into', 'abc')).toEqual({ into: 'validate.uuid' });
    expect(validateId('into', OTHER)).toEqual({});
    expect(validateId('into', ` ${OTHER.toUpperCase()} `, OTHER)).toEqual({ into: 'validate.notSelf' });
  });
});

describe('actions a user sees', () => {
  it('lets only the handler propose, in the stages a proposal starts from', () => {
    expect(clueActions(clue({ handler_id: ME }), inspector).has('propose')).toBe(true);
    expect(clueActions(clue({ handler_id: OTHER }), inspector).has('propose')).toBe(false);
    expect(clueActions(clue({ handler_id: null }), inspector).has('propose')).toBe(false);
    for (const status of ['preliminary_verification', 'talk_inquiry'])
      expect(clueActions(clue({ status, handler_id: ME }), inspector).has('propose')).toBe(true);
    for (const status of ['disposal_proposed', 'shelved', 'closed', 'filing_proposed', 'filed', 'merged'])
      expect(clueActions(clue({ status, handler_id: ME }), inspector).has('propose')).toBe(false);
  });

  it('shows approve and reject to a lead who did not propose', () => {
    const c = clue({ status: 'disposal_proposed', handler_id: OTHER, disposal: pending(OTHER) });
    const a = clueActions(c, lead);
    expect(a.has('approve') && a.has('reject')).toBe(true);
    const own = clueActions({ ...c, disposal: pending(ME) }, lead);
    expect(own.has('approve') || own.has('reject')).toBe(false);
    expect(clueActions(c, inspector).has('approve')).toBe(false);
    expect(clueActions({ ...c, status: 'registered' }, lead).has('approve')).toBe(false);
  });

  it('keeps assign and file for leads, in their stages', () => {
    expect(clueActions(clue(), lead).has('assign')).toBe(true);
    expect(clueActions(clue(), inspector).has('assign')).toBe(false);
    expect(clueActions(clue({ status: 'disposal_proposed' }), lead).has('assign')).toBe(false);
    expect(clueActions(clue({ status: 'filing_proposed' }), lead).has('file')).toBe(true);
    expect(clueActions(clue({ status: 'filing_proposed' }), inspector).has('file')).toBe(false);
    expect(clueActions(clue({ status: 'registered' }), lead).has('file')).toBe(false);
  });

  it('offers reopen on a shelved clue and merge from the open stages', () => {
    expect(clueActions(clue({ status: 'shelved' }), inspector).has('reopen')).toBe(true);
    expect(clueActions(clue(), inspector).has('reopen')).toBe(false);
    expect(clueActions(clue({ status: 'shelved' }), inspector).has('merge')).toBe(true);
    expect(clueActions(clue({ status: 'closed' }), inspector).has('merge')).toBe(false);
    const merged = clueActions(clue({ status: 'merged' }), inspector);
    expect(merged.has('recuse') || merged.has('link') || merged.has('merge')).toBe(false);
  });

  it('gives an auditor the dossier and nothing that writes', () => {
    const a = clueActions(clue({ status: 'disposal_proposed', disposal: pending(OTHER), handler_id: ME }), auditor);
    expect([...a]).toEqual(['dossier']);
  });
});
