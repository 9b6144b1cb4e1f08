import { OrgType, type OrgTreeNode } from '@drp/shared';

/** The organisation tree without dealers: a flow applies to HQ or a branch subtree. */
export function withoutDealers(nodes: OrgTreeNode[]): OrgTreeNode[] {
  return nodes.filter((n) => n.type !== OrgType.DEALER).map((n) => ({ ...n, children: withoutDealers(n.children ?? []) }));
}

/** Every branch in the tree (code and name), for the 分支机构编码 condition. */
export function branchesOf(nodes: OrgTreeNode[]): { code: string; name: string }[] {
  return nodes.flatMap((n) => [...(n.type === OrgType.BRANCH ? [{ code: n.code, name: n.name }] : []), ...branchesOf(n.children ?? [])]);
}
