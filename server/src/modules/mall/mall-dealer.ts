import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ErrorCode, OrgType } from '@drp/shared';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AuthUser, RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { sql } from 'kysely';
import { sellingBranchExpr } from '../org/org.service';

/** The dealer a mall request acts for: always the caller's own organisation. */
export interface MallDealer {
  id: string;
  code: string;
  name: string;
  path: string;
  level: number | null;
  /** the selling branch: the nearest branch above the dealer, else HQ */
  branchId: string;
  /** the warehouses that supply it: the nearest organisation above it with active warehouses (its branch, else HQ), by code */
  warehouseIds: string[];
  /** whether a branch above it has product-range rules (经营商品范围); without any, every product is in range */
  scoped: boolean;
}

/**
 * THE dealer check of the mall (one place): the caller must be a user of a DEALER organisation
 * (else 403 MALL_DEALER_ONLY) and hold mall:order (else 403 FORBIDDEN).
 */
export function assertMallDealer(user: AuthUser | undefined): AuthUser {
  if (!user || user.orgType !== OrgType.DEALER) throw new DomainError(ErrorCode.MALL_DEALER_ONLY, 'The mall is for dealer accounts');
  if (!user.permissions.has('mall:order')) throw new DomainError(ErrorCode.FORBIDDEN, 'Missing permission: mall:order', { missing: ['mall:order'] });
  return user;
}

/** Route guard form of `assertMallDealer` for the dealer controllers (runs after the global sign-in guard). */
@Injectable()
export class MallDealerGuard implements CanActivate {
  canActivate(exec: ExecutionContext): boolean {
    assertMallDealer(exec.switchToHttp().getRequest<Request & { user?: AuthUser }>().user);
    return true;
  }
}

/** Keys that would carry a price: the mall never takes a price from the client. */
const PRICE_KEYS = new Set(['price', 'unitprice', 'amount', 'listprice', 'total', 'discountrate']);

function findPriceKey(value: unknown, path: string, depth = 0): string | null {
  if (depth > 4 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k;
    if (PRICE_KEYS.has(k.toLowerCase())) return here;
    const inner = findPriceKey(v, here, depth + 1);
    if (inner) return inner;
  }
  return null;
}

/**
 * Refuses a body with a price field (400 PRICE_NOT_ACCEPTED) before validation would call it an
 * unknown field, so the code says exactly what is wrong. Interceptors run before pipes.
 */
@Injectable()
export class RejectPriceInterceptor implements NestInterceptor {
  intercept(exec: ExecutionContext, next: CallHandler): Observable<unknown> {
    const field = findPriceKey(exec.switchToHttp().getRequest<Request>().body, '');
    if (field) throw new DomainError(ErrorCode.PRICE_NOT_ACCEPTED, 'Prices are set by the server; send quantities only', { field });
    return next.handle();
  }
}

/** Loads the caller's dealer (requireDealer): the mall's services start every dealer call here. */
@Injectable()
export class MallDealerService {
  constructor(private readonly db: DbService) {}

  async requireDealer(ctx: RequestContext): Promise<MallDealer> {
    const user = assertMallDealer(ctx.user);
    // one query: the selling branch (org's rule), the supplying warehouses (the nearest branch or
    // HQ above the dealer with an active warehouse) and whether a branch product range applies
    const d = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('organization as d')
        .select([
          'd.id', 'd.code', 'd.name', 'd.path', 'd.price_level', 'd.status',
          sellingBranchExpr('d.path', 'id').as('branch_id'),
          sql<string[] | null>`(SELECT array_agg(w.id ORDER BY w.code) FROM warehouse w
                WHERE w.status = 'ACTIVE' AND w.org_id = (
                  SELECT a.id FROM organization a
                   WHERE d.path LIKE a.path || '%' AND a.type IN ('BRANCH','HQ')
                     AND EXISTS (SELECT 1 FROM warehouse x WHERE x.org_id = a.id AND x.status = 'ACTIVE')
                   ORDER BY a.depth DESC LIMIT 1))`.as('warehouse_ids'),
          sql<boolean>`EXISTS (SELECT 1 FROM branch_product_scope r JOIN organization a ON a.id = r.branch_id WHERE d.path LIKE a.path || '%')`.as('scoped'),
        ])
        .where('d.id', '=', user.orgId),
    );
    if (!d || d.status !== 'ACTIVE') throw new DomainError(ErrorCode.DEALER_DISABLED, 'This dealer is disabled', { dealerId: user.orgId });
    return { id: d.id, code: d.code, name: d.name, path: d.path, level: d.price_level, branchId: d.branch_id, warehouseIds: d.warehouse_ids ?? [], scoped: d.scoped };
  }

  /**
   * The context the order service runs under for a mall checkout: the dealer user itself (it is
   * the order's creator and the audit's actor), with its own scope plus the one organisation that
   * owns the supplying warehouse, so the order service can use that warehouse. Dealer, warehouse
   * and products are fixed by the server, never by the request.
   */
  orderContext(tx: RequestContext, warehouseOrgId: string): RequestContext {
    const actor = tx.actor;
    const scope = { ...actor.scope, orgIds: [...new Set([...actor.scope.orgIds, warehouseOrgId])] };
    return new RequestContext(tx.requestId, tx.ip, { ...actor, scope }, tx.manager);
  }
}
