import { DataScopeKind } from '@drp/shared';
import { computeScope, scopeContainsPath } from './data-scope';

const HQ = '/hq/';
const BJ = '/hq/bj/';
const D1 = '/hq/bj/d1/';
const D2 = '/hq/bj/d2/';

describe('computeScope', () => {
  it('ALL wins over anything else', () => {
    const s = computeScope({ kinds: [DataScopeKind.ORG_SUBTREE, DataScopeKind.ALL], orgId: 'bj', orgPath: BJ, assignedDealerPaths: [] });
    expect(s.all).toBe(true);
  });
  it('a branch user sees its subtree only', () => {
    const s = computeScope({ kinds: [DataScopeKind.ORG_SUBTREE], orgId: 'bj', orgPath: BJ, assignedDealerPaths: [] });
    expect(scopeContainsPath(s, D1)).toBe(true);
    expect(scopeContainsPath(s, BJ)).toBe(true);
    expect(scopeContainsPath(s, HQ)).toBe(false);
    expect(scopeContainsPath(s, '/hq/sh/')).toBe(false);
  });
  it('a sales rep sees its own branch record and its assigned dealers, not the other dealers', () => {
    const s = computeScope({ kinds: [DataScopeKind.ASSIGNED_DEALERS], orgId: 'bj', orgPath: BJ, assignedDealerPaths: [D1] });
    expect(scopeContainsPath(s, BJ)).toBe(true);
    expect(scopeContainsPath(s, D1)).toBe(true);
    expect(scopeContainsPath(s, '/hq/bj/d1/sub/')).toBe(true);
    expect(scopeContainsPath(s, D2)).toBe(false);
  });
  it('several roles read the union, without redundant paths', () => {
    const s = computeScope({ kinds: [DataScopeKind.ASSIGNED_DEALERS, DataScopeKind.ORG_SUBTREE], orgId: 'bj', orgPath: BJ, assignedDealerPaths: [D1] });
    expect(s.subtreePaths).toEqual([BJ]);
    expect(scopeContainsPath(s, D2)).toBe(true);
  });
  it('a user without roles sees nothing', () => {
    const s = computeScope({ kinds: [], orgId: 'bj', orgPath: BJ, assignedDealerPaths: [] });
    expect(scopeContainsPath(s, BJ)).toBe(false);
  });
});
