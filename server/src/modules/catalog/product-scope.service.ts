import { Injectable } from '@nestjs/common';
import { ErrorCode, OrgType } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';

export interface BranchProductScope {
  branchId: string;
  /** false: no rules of its own (inherits from the branch above, or everything) */
  restricted: boolean;
  categories: { id: string; code: string; name: string }[];
  products: { id: string; code: string; name: string }[];
}

/** 经营商品范围: HQ decides which categories and products each branch may sell. */
@Injectable()
export class ProductScopeService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
  ) {}

  async get(ctx: RequestContext, branchId: string): Promise<BranchProductScope> {
    const org = await this.orgs.assertVisible(ctx, branchId);
    if (org.type !== OrgType.BRANCH) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Product ranges are set per branch', { field: 'branchId' });
    const categories = await this.db.query<{ id: string; code: string; name: string }>(ctx, 'SELECT c.id, c.code, c.name FROM branch_product_scope s JOIN category c ON c.id = s.category_id WHERE s.branch_id = $1 ORDER BY c.code', [branchId]);
    const products = await this.db.query<{ id: string; code: string; name: string }>(ctx, 'SELECT p.id, p.code, p.name FROM branch_product_scope s JOIN product p ON p.id = s.product_id WHERE s.branch_id = $1 ORDER BY p.code', [branchId]);
    return { branchId, restricted: categories.length + products.length > 0, categories, products };
  }

  async set(ctx: RequestContext, branchId: string, categoryIds: string[], productIds: string[]): Promise<BranchProductScope> {
    if (!ctx.isSystem && !ctx.actor.scope.all) throw new DomainError(ErrorCode.FORBIDDEN, 'Only headquarters sets product ranges');
    const before = await this.get(ctx, branchId);
    await this.db.tx(ctx, async (tx) => {
      const cats = new Set(categoryIds);
      const prods = new Set(productIds);
      const foundCats = await this.db.query<{ id: string }>(tx, 'SELECT id FROM category WHERE id = ANY($1)', [[...cats]]);
      const foundProds = await this.db.query<{ id: string }>(tx, 'SELECT id FROM product WHERE id = ANY($1)', [[...prods]]);
      const missing = [...[...cats].filter((c) => !foundCats.some((f) => f.id === c)), ...[...prods].filter((p) => !foundProds.some((f) => f.id === p))];
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Unknown categories or products', { ids: missing });
      await this.db.query(tx, 'DELETE FROM branch_product_scope WHERE branch_id = $1', [branchId]);
      await this.db.query(tx, 'INSERT INTO branch_product_scope (branch_id, category_id) SELECT $1, unnest($2::uuid[])', [branchId, [...cats]]);
      await this.db.query(tx, 'INSERT INTO branch_product_scope (branch_id, product_id) SELECT $1, unnest($2::uuid[])', [branchId, [...prods]]);
      await this.audit.record(tx, {
        action: 'set_product_scope',
        entity: 'org',
        entityId: branchId,
        orgId: branchId,
        summary: `product range: ${cats.size} categories, ${prods.size} products`,
        before: { categoryIds: before.categories.map((c) => c.id), productIds: before.products.map((p) => p.id) },
        after: { categoryIds: [...cats], productIds: [...prods] },
      });
    });
    return this.get(ctx, branchId);
  }
}
