export enum OrgType {
  HQ = 'HQ',
  BRANCH = 'BRANCH',
  DEALER = 'DEALER',
}

export enum OrgStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

/** 结算方式: cash on delivery, monthly statement, or credit days (账期). */
export enum SettlementMethod {
  CASH = 'CASH',
  MONTHLY = 'MONTHLY',
  CREDIT_DAYS = 'CREDIT_DAYS',
}

export const PRICE_LEVEL_MIN = 1;
export const PRICE_LEVEL_MAX = 10;

/**
 * Which parent types each organisation type may have. One HQ at the root; branches under HQ or
 * another branch (offices nest); dealers under a branch, HQ (direct accounts) or another dealer
 * (sub-dealers, 二级经销商).
 */
export const ALLOWED_PARENT_TYPES: Record<OrgType, OrgType[]> = {
  [OrgType.HQ]: [],
  [OrgType.BRANCH]: [OrgType.HQ, OrgType.BRANCH],
  [OrgType.DEALER]: [OrgType.HQ, OrgType.BRANCH, OrgType.DEALER],
};

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  /** a dealer login created by invitation: cannot sign in until its one-time code sets a password */
  INVITED = 'INVITED',
}

/**
 * The selling branch of a dealer (the branch that sells to it: its orders, receipts and mall are
 * that branch's): the nearest BRANCH above it, else the HQ (a direct account). `chain` is the
 * dealer's ancestor chain in path order (root first; the dealer itself may end it). Null when the
 * chain holds neither. The server's SQL twins are `sellingBranchSql` / `sellingBranchExpr` in org.service.ts.
 */
export function sellingBranch<T extends { type: OrgType | `${OrgType}` }>(chain: readonly T[]): T | null {
  let hq: T | null = null;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (chain[i].type === OrgType.BRANCH) return chain[i];
    if (chain[i].type === OrgType.HQ && !hq) hq = chain[i];
  }
  return hq;
}
