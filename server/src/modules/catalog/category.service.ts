import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CategoryDto, CategoryTreeNode, ErrorCode } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { Category } from './catalog.entities';
import { CreateCategoryDto, UpdateCategoryDto } from './catalog.dto';

/** The product category tree (materialised path, like organisations). */
@Injectable()
export class CategoryService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  async tree(ctx: RequestContext): Promise<CategoryTreeNode[]> {
    const rows = await this.db.query<{ id: string; code: string; name: string; parent_id: string | null; depth: number; sort_order: number; version: number; product_count: number }>(
      ctx,
      `SELECT c.id, c.code, c.name, c.parent_id, c.depth, c.sort_order, c.version,
              (SELECT count(*) FROM product p WHERE p.category_id = c.id)::int AS product_count
         FROM category c ORDER BY c.depth, c.sort_order, c.code`,
    );
    const nodes = new Map<string, CategoryTreeNode>();
    for (const r of rows) {
      nodes.set(r.id, { id: r.id, code: r.code, name: r.name, parentId: r.parent_id, depth: r.depth, sortOrder: r.sort_order, productCount: r.product_count, version: r.version, children: [] });
    }
    const roots: CategoryTreeNode[] = [];
    for (const n of nodes.values()) (n.parentId ? nodes.get(n.parentId)!.children : roots).push(n);
    return roots;
  }

  async get(ctx: RequestContext, id: string): Promise<CategoryDto> {
    const c = await this.db.repo(ctx, Category).findOneBy({ id });
    if (!c) throw notFound('category', id);
    const [{ n }] = await this.db.query<{ n: number }>(ctx, 'SELECT count(*)::int AS n FROM product WHERE category_id = $1', [id]);
    return { id: c.id, code: c.code, name: c.name, parentId: c.parentId, depth: c.depth, sortOrder: c.sortOrder, productCount: n, version: c.version };
  }

  async create(ctx: RequestContext, dto: CreateCategoryDto): Promise<CategoryDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext('category-tree'))`);
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM category WHERE lower(code) = lower($1)', [dto.code]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The category code ${dto.code} is taken`, { field: 'code' });
      const parent = dto.parentId ? await this.db.repo(tx, Category).findOneBy({ id: dto.parentId }) : null;
      if (dto.parentId && !parent) throw notFound('category', dto.parentId);
      const newId = randomUUID();
      const row = { id: newId, code: dto.code, name: dto.name.trim(), parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${newId}/`, depth: parent ? parent.depth + 1 : 0, sortOrder: dto.sortOrder ?? 0 };
      await this.db.repo(tx, Category).insert(row);
      await this.audit.record(tx, { action: 'create', entity: 'category', entityId: newId, summary: `created category ${dto.code} ${dto.name}`, after: row });
      return newId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateCategoryDto): Promise<CategoryDto> {
    await this.db.tx(ctx, async (tx) => {
      const c = await this.db.repo(tx, Category).createQueryBuilder('c').where('c.id = :id', { id }).setLock('pessimistic_write').getOne();
      if (!c) throw notFound('category', id);
      if (c.version !== dto.version) throw staleVersion('category', dto.version, c.version);
      const before = { ...c };
      if (dto.name !== undefined) c.name = dto.name.trim();
      if (dto.sortOrder !== undefined) c.sortOrder = dto.sortOrder;
      await this.db.repo(tx, Category).save(c);
      await this.audit.record(tx, { action: 'update', entity: 'category', entityId: id, summary: `edited category ${c.code}`, before, after: c });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext('category-tree'))`);
      const c = await this.db.repo(tx, Category).findOneBy({ id });
      if (!c) throw notFound('category', id);
      const [{ children, products }] = await this.db.query<{ children: number; products: number }>(
        tx,
        'SELECT (SELECT count(*) FROM category WHERE parent_id = $1)::int AS children, (SELECT count(*) FROM product WHERE category_id = $1)::int AS products',
        [id],
      );
      if (children) throw new DomainError(ErrorCode.CATEGORY_HAS_CHILDREN, `${c.name} has ${children} sub-categories; delete or move them first`, { children });
      if (products) throw new DomainError(ErrorCode.CATEGORY_IN_USE, `${c.name} still holds ${products} products; move them to another category first`, { products });
      await this.db.query(tx, 'DELETE FROM category WHERE id = $1', [id]);
      await this.audit.record(tx, { action: 'delete', entity: 'category', entityId: id, summary: `deleted category ${c.code}`, before: c });
    });
  }
}
