import { OrgType, sellingBranch } from './org';

const o = (id: string, type: OrgType) => ({ id, type });

describe('sellingBranch', () => {
  it('is the nearest branch above the dealer', () => {
    expect(sellingBranch([o('hq', OrgType.HQ), o('bj', OrgType.BRANCH), o('cy', OrgType.BRANCH), o('d', OrgType.DEALER)])?.id).toBe('cy');
    // a sub-dealer sells through its parent's branch
    expect(sellingBranch([o('hq', OrgType.HQ), o('bj', OrgType.BRANCH), o('d', OrgType.DEALER), o('s', OrgType.DEALER)])?.id).toBe('bj');
  });
  it('else HQ (a direct account), else null', () => {
    expect(sellingBranch([o('hq', OrgType.HQ), o('d', OrgType.DEALER)])?.id).toBe('hq');
    expect(sellingBranch([o('d', OrgType.DEALER)])).toBeNull();
    expect(sellingBranch([{ id: 'x', type: 'BRANCH' as const }])?.id).toBe('x');
  });
});
