// Names beside ids (src/lib/names.ts): an account by the name the gateway
// put beside its id, "you" for the signed-in user, the id only when no name
// came, the system for a dossier step without an account; a unit by its
// name in the page's language, its path when unnamed.
import { describe, expect, it } from 'vitest';
import { accountLabel, accountLabels, actorLabel, unitLabel } from '@/lib/names';

const ANNA = '0b6d6f7e-1a2b-4c3d-8e9f-000000000001';
const ME = '0b6d6f7e-1a2b-4c3d-8e9f-000000000009';
const t = (key: string) => `<${key}>`;

describe('accountLabel', () => {
  it('shows the name, marks the signed-in user, and never the id when a name came', () => {
    expect(accountLabel(ANNA, 'Anna', ME, t)).toBe('Anna');
    expect(accountLabel(ME, 'Me Myself', ME, t)).toBe('Me Myself<names.youSuffix>');
  });
  it('falls back on the id only when the gateway sent no name', () => {
    expect(accountLabel(ANNA, undefined, ME, t)).toBe(ANNA);
    expect(accountLabel(ME, undefined, ME, t)).toBe('<clueFlow.you>');
    // null: no account has the id.
    expect(accountLabel(ANNA, null, ME, t)).toBe('<names.unknownAccount>');
    expect(accountLabel('', 'x', ME, t)).toBe('');
    expect(accountLabel(null, undefined, ME, t)).toBe('');
  });
  it('labels a list of ids by the names in the same order', () => {
    expect(accountLabels([ANNA, ME, 'x'], ['Anna', 'Me', null], ME, t)).toEqual([
      'Anna',
      'Me<names.youSuffix>',
      '<names.unknownAccount>',
    ]);
    expect(accountLabels([ANNA], undefined, ME, t)).toEqual([ANNA]);
  });
});

describe('actorLabel', () => {
  it('names an account actor and shows the system for a step without one', () => {
    expect(actorLabel({ actor_id: ANNA, actor_name: 'Anna' }, ME, t)).toBe('Anna');
    expect(actorLabel({ actor_id: '', actor_name: null }, ME, t)).toBe('<names.system>');
    expect(actorLabel({ actor_id: 'case-deadlines', actor_name: null }, ME, t)).toBe('<names.system>');
    expect(actorLabel({ actor_id: ANNA }, ME, t)).toBe(ANNA);
  });
});

describe('unitLabel', () => {
  const east = { name: 'East branch', name_zh: '华东分部' };
  it('reads the name in the page language, else the other, else the path', () => {
    expect(unitLabel('hq.east', east, 'en')).toBe('East branch');
    expect(unitLabel('hq.east', east, 'zh-CN')).toBe('华东分部');
    expect(unitLabel('hq.east', { name: 'East branch' }, 'zh-CN')).toBe('East branch');
    expect(unitLabel('hq.east', null, 'en')).toBe('hq.east');
    expect(unitLabel(null, undefined, 'en')).toBe('');
  });
});
