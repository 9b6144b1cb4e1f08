import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { CategoryDto, CategoryTreeNode, ErrorCode } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CreateCategoryDto, UpdateCategoryDto } from './catalog.dto';

/** The product category tree (materialised path, like organisations). */
@Injectable()
export class CategoryService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  async tree(ctx: RequestContext): Promise<CategoryTreeNode[]> {
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('category as c')
        .select(['c.id', 'c.code', 'c.name', 'c.parent_id', 'c.depth', 'c.sort_order', 'c.version', (eb) => eb.selectFrom('product as p').select(sql<number>`count(*)::int`.as('n')).whereRef('p.category_id', '=', 'c.id').as('product_count')])
        .orderBy('c.depth')
        .orderBy('c.sort_order')
        .orderBy('c.code'),
    );
    const nodes = new Map<string, CategoryTreeNode>();
    for (const r of rows) {
      nodes.set(r.id, { id: r.id, code: r.code, name: r.name, parentId: r.parent_id, depth: r.depth, sortOrder: r.sort_order, productCount: r.product_count ?? 0, version: r.version, children: [] });
    }
    const roots: CategoryTreeNode[] = [];
    for (const n of nodes.values()) (n.parentId ? nodes.get(n.parentId)!.children : roots).push(n);
    return roots;
  }

  async get(ctx: RequestContext, id: string): Promise<CategoryDto> {
    const c = await this.find(ctx, id);
    if (!c) throw notFound('category', id);
    const { n } = await this.db.one(ctx, this.db.k.selectFrom('product').select(sql<number>`count(*)::int`.as('n')).where('category_id', '=', id));
    return { id: c.id, code: c.code, name: c.name, parentId: c.parent_id, depth: c.depth, sortOrder: c.sort_order, productCount: n, version: c.version };
  }

  async create(ctx: RequestContext, dto: CreateCategoryDto): Promise<CategoryDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      await this.lockTree(tx);
      const taken = await this.db.first(tx, this.db.k.selectFrom('category').select('id').where(sql<string>`lower(code)`, '=', dto.code.toLowerCase()));
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The category code ${dto.code} is taken`, { field: 'code' });
      const parent = dto.parentId ? await this.find(tx, dto.parentId) : null;
      if (dto.parentId && !parent) throw notFound('category', dto.parentId);
      const newId = randomUUID();
      const row = { id: newId, code: dto.code, name: dto.name.trim(), parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${newId}/`, depth: parent ? parent.depth + 1 : 0, sortOrder: dto.sortOrder ?? 0 };
      await this.db.rows(tx, this.db.k.insertInto('category').values({ id: row.id, code: row.code, name: row.name, parent_id: row.parentId, path: row.path, depth: row.depth, sort_order: row.sortOrder }));
      await this.audit.record(tx, { action: 'create', entity: 'category', entityId: newId, summary: `created category ${dto.code} ${dto.name}`, after: row });
      return newId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateCategoryDto): Promise<CategoryDto> {
    await this.db.tx(ctx, async (tx) => {
      const c = await this.find(tx, id, true);
      if (!c) throw notFound('category', id);
      if (c.version !== dto.version) throw staleVersion('category', dto.version, c.version);
      const before = auditView(c);
      const name = dto.name !== undefined ? dto.name.trim() : c.name;
      const sortOrder = dto.sortOrder !== undefined ? dto.sortOrder : c.sort_order;
      // as the entity's save did: the row (and its version) changes only when a field does
      const after = name !== c.name || sortOrder !== c.sort_order
        ? await this.db.one(tx, this.db.k.updateTable('category').set({ name, sort_order: sortOrder, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).returningAll())
        : c;
      await this.audit.record(tx, { action: 'update', entity: 'category', entityId: id, summary: `edited category ${c.code}`, before, after: auditView(after) });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      await this.lockTree(tx);
      const c = await this.find(tx, id);
      if (!c) throw notFound('category', id);
      const { children, products } = await this.db.one(
        tx,
        this.db.k.selectNoFrom((eb) => [
          eb.selectFrom('category').select(sql<number>`count(*)::int`.as('n')).where('parent_id', '=', id).as('children'),
          eb.selectFrom('product').select(sql<number>`count(*)::int`.as('n')).where('category_id', '=', id).as('products'),
        ]),
      );
      if (children) throw new DomainError(ErrorCode.CATEGORY_HAS_CHILDREN, `${c.name} has ${children} sub-categories; delete or move them first`, { children });
      if (products) throw new DomainError(ErrorCode.CATEGORY_IN_USE, `${c.name} still holds ${products} products; move them to another category first`, { products });
      await this.db.rows(tx, this.db.k.deleteFrom('category').where('id', '=', id));
      await this.audit.record(tx, { action: 'delete', entity: 'category', entityId: id, summary: `deleted category ${c.code}`, before: auditView(c) });
    });
  }

  /** For other modules: which of these category ids exist. */
  async existing(ctx: RequestContext, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await this.db.rows(ctx, this.db.k.selectFrom('category').select('id').where('id', 'in', ids))).map((c) => c.id));
  }

  /** Category edits that change the tree (create, delete) queue on one advisory lock. */
  private async lockTree(tx: RequestContext): Promise<void> {
    await this.db.rows(tx, this.db.k.selectNoFrom(sql<null>`pg_advisory_xact_lock(hashtext('category-tree'))`.as('locked')));
  }

  private find(ctx: RequestContext, id: string, forUpdate = false) {
    const q = this.db.k.selectFrom('category').selectAll().where('id', '=', id);
    return this.db.first(ctx, forUpdate ? q.forUpdate() : q);
  }
}

/** A category as audited (the entity's field names). */
function auditView(c: { id: string; code: string; name: string; parent_id: string | null; path: string; depth: number; sort_order: number; version: number }) {
  return { id: c.id, code: c.code, name: c.name, parentId: c.parent_id, path: c.path, depth: c.depth, sortOrder: c.sort_order, version: c.version };
}
