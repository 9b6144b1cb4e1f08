import { describe, expect, it } from 'vitest';
import { OrgStatus, OrgType, type OrgTreeNode } from '@drp/shared';
import { branchesOf, withoutDealers } from './orgs';

const node = (id: string, type: OrgType, children: OrgTreeNode[] = []): OrgTreeNode => ({ id, code: id.toUpperCase(), name: id, type, parentId: null, status: OrgStatus.ACTIVE, children });

const tree = [
  node('hq', OrgType.HQ, [
    node('bj', OrgType.BRANCH, [node('d-bj001', OrgType.DEALER), node('bj-east', OrgType.BRANCH, [node('d-bj009', OrgType.DEALER)])]),
    node('sh', OrgType.BRANCH, [node('d-sh001', OrgType.DEALER)]),
    node('d-hq', OrgType.DEALER),
  ]),
];

describe('organisations for a flow', () => {
  it('leaves the dealers out of the tree', () => {
    const ids = (nodes: OrgTreeNode[]): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
    expect(ids(withoutDealers(tree))).toEqual(['hq', 'bj', 'bj-east', 'sh']);
    expect(ids(tree)).toContain('d-bj001');
  });

  it('lists every branch for the branch-code condition', () => {
    expect(branchesOf(tree)).toEqual([
      { code: 'BJ', name: 'bj' },
      { code: 'BJ-EAST', name: 'bj-east' },
      { code: 'SH', name: 'sh' },
    ]);
  });
});
