import { Injectable } from '@nestjs/common';
import { Expression, sql, SqlBool } from 'kysely';
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
    const categories = await this.db.rows(ctx, this.db.k.selectFrom('branch_product_scope as s').innerJoin('category as c', 'c.id', 's.category_id').select(['c.id', 'c.code', 'c.name']).where('s.branch_id', '=', branchId).orderBy('c.code'));
    const products = await this.db.rows(ctx, this.db.k.selectFrom('branch_product_scope as s').innerJoin('product as p', 'p.id', 's.product_id').select(['p.id', 'p.code', 'p.name']).where('s.branch_id', '=', branchId).orderBy('p.code'));
    return { branchId, restricted: categories.length + products.length > 0, categories, products };
  }

  async set(ctx: RequestContext, branchId: string, categoryIds: string[], productIds: string[]): Promise<BranchProductScope> {
    if (!ctx.isSystem && !ctx.actor.scope.all) throw new DomainError(ErrorCode.FORBIDDEN, 'Only headquarters sets product ranges');
    const before = await this.get(ctx, branchId);
    await this.db.tx(ctx, async (tx) => {
      const cats = new Set(categoryIds);
      const prods = new Set(productIds);
      const foundCats = cats.size ? await this.db.rows(tx, this.db.k.selectFrom('category').select('id').where('id', 'in', [...cats])) : [];
      const foundProds = prods.size ? await this.db.rows(tx, this.db.k.selectFrom('product').select('id').where('id', 'in', [...prods])) : [];
      const missing = [...[...cats].filter((c) => !foundCats.some((f) => f.id === c)), ...[...prods].filter((p) => !foundProds.some((f) => f.id === p))];
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Unknown categories or products', { ids: missing });
      await this.db.rows(tx, this.db.k.deleteFrom('branch_product_scope').where('branch_id', '=', branchId));
      const rules = [...[...cats].map((c) => ({ branch_id: branchId, category_id: c })), ...[...prods].map((p) => ({ branch_id: branchId, product_id: p }))];
      if (rules.length) await this.db.rows(tx, this.db.k.insertInto('branch_product_scope').values(rules));
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

/** The branch product range is part of the data scope: one rule, in common/scope (re-exported for catalog's readers). */
export { productInRangeOf, productInScope } from '../../common/scope/data-scope';

/** Products of a category and its sub-categories, as a condition on a product row's `category_id`. */
export function inCategoryTree(categoryId: string, categoryColumn: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(categoryColumn)} IN (SELECT c.id FROM category c WHERE c.path LIKE (SELECT path FROM category WHERE id = ${categoryId}) || '%')`;
}
