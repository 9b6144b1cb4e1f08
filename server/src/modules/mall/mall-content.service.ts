import { Injectable } from '@nestjs/common';
import { ErrorCode, MallContentDto, MallImageUploadDto, MallSettingsDto, OrgType, Paged } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { Selectable, sql } from 'kysely';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { orgTargetsScope } from '../../common/scope/data-scope';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { StorageService } from '../storage/storage.service';
import { MallDealer } from './mall-dealer';
import { ContentDto, ContentQueryDto, PublishDto, SettingsDto } from './mall.dto';

type ContentRow = Selectable<DB['mall_content']>;

const IMAGE_TYPES: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp', 'image/gif': '.gif' };

function looksLikeImage(buf: Buffer, mime: string): boolean {
  if (!buf || buf.length < 12) return false;
  if (mime === 'image/png') return buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (mime === 'image/jpeg') return buf[0] === 0xff && buf[1] === 0xd8;
  if (mime === 'image/gif') return buf.subarray(0, 3).toString('ascii') === 'GIF';
  if (mime === 'image/webp') return buf.subarray(0, 4).toString('ascii') === 'RIFF' && buf.subarray(8, 12).toString('ascii') === 'WEBP';
  return false;
}

/**
 * What HQ runs in the mall: banners and announcements (valid from/to, targeted at branches and
 * price levels; dealers see those valid now and aimed at them), which products are published,
 * and the mall settings. Writes are HQ-only (products:manage and an HQ scope).
 */
@Injectable()
export class MallContentService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    private readonly products: ProductService,
  ) {}

  // ---- dealer side ----

  /** Contents of a kind valid now and targeted at the dealer (its branches, its price level). */
  async live(ctx: RequestContext, dealer: MallDealer, kind: 'BANNER' | 'ANNOUNCEMENT'): Promise<MallContentDto[]> {
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('mall_content')
        .selectAll()
        .where('kind', '=', kind)
        .where('status', '=', 'ACTIVE')
        .where('starts_at', '<=', sql<Date>`now()`)
        .where('ends_at', '>', sql<Date>`now()`)
        .where(sql<boolean>`(cardinality(branch_ids) = 0 OR branch_ids && string_to_array(trim(both '/' from ${dealer.path}::text), '/')::uuid[])`)
        .where(sql<boolean>`(cardinality(levels) = 0 OR ${dealer.level}::smallint = ANY(levels))`)
        .orderBy('sort')
        .orderBy('starts_at', 'desc')
        .orderBy('id')
        .limit(20),
    );
    return rows.map((r) => this.toDto(r));
  }

  // ---- console ----
  // Staff read the contents aimed at everyone or at an organisation inside or above their scope
  // (what the dealers they run see); a content aimed at another branch is not found (§5).

  async list(ctx: RequestContext, q: ContentQueryDto): Promise<Paged<MallContentDto>> {
    this.assertStaff(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, { updatedAt: 'updated_at', startsAt: 'starts_at', endsAt: 'ends_at', sort: 'sort', title: 'title' }, '-updatedAt');
    let query = this.db.k.selectFrom('mall_content').where(orgTargetsScope(ctx, 'mall_content.branch_ids'));
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.q?.trim()) {
      const like = `%${escapeLike(q.q.trim())}%`;
      query = query.where((eb) => eb.or([eb('title', 'ilike', like), eb('body', 'ilike', like)]));
    }
    if (q.status === 'ACTIVE' || q.status === 'DISABLED') query = query.where('status', '=', q.status);
    if (q.status === 'LIVE') query = query.where('status', '=', 'ACTIVE').where('starts_at', '<=', sql<Date>`now()`).where('ends_at', '>', sql<Date>`now()`);
    if (q.status === 'EXPIRED') query = query.where('ends_at', '<=', sql<Date>`now()`);
    if (q.status === 'SCHEDULED') query = query.where('starts_at', '>', sql<Date>`now()`);
    const [{ n }, rows] = await Promise.all([
      this.db.one(ctx, query.select(sql<number>`count(*)::int`.as('n'))),
      // column and direction come from resolvePage's allow-list
      this.db.rows(ctx, query.selectAll().orderBy(sql`${sql.ref(column)} ${sql.raw(direction)}`).orderBy('id').limit(pageSize).offset(offset)),
    ]);
    return { items: rows.map((r) => this.toDto(r)), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<MallContentDto> {
    this.assertStaff(ctx);
    const r = await this.db.first(ctx, this.db.k.selectFrom('mall_content').selectAll().where('id', '=', id).where(orgTargetsScope(ctx, 'mall_content.branch_ids')));
    if (!r) throw notFound('mall content', id);
    return this.toDto(r);
  }

  async create(ctx: RequestContext, dto: ContentDto): Promise<MallContentDto> {
    this.assertHq(ctx);
    await this.check(ctx, dto);
    return this.db.tx(ctx, async (tx) => {
      const r = await this.db.one(
        tx,
        this.db.k
          .insertInto('mall_content')
          .values({
            kind: dto.kind, title: dto.title.trim(), body: dto.body?.trim() || null, tag: dto.tag ?? null, image_key: dto.imageFileId ?? null, link: dto.link ?? null,
            starts_at: dto.startsAt, ends_at: dto.endsAt, branch_ids: dto.branchIds ?? [], levels: dto.levels ?? [], sort: dto.sort ?? 0, status: dto.status ?? 'ACTIVE',
            created_by: tx.user?.id ?? null,
          })
          .returningAll(),
      );
      const out = this.toDto(r);
      await this.audit.record(tx, { action: 'create', entity: 'mall_content', entityId: r.id, summary: `${r.kind} ${r.title}`, after: out });
      return out;
    });
  }

  async update(ctx: RequestContext, id: string, dto: ContentDto): Promise<MallContentDto> {
    this.assertHq(ctx);
    await this.check(ctx, dto);
    return this.db.tx(ctx, async (tx) => {
      const before = await this.db.first(tx, this.db.k.selectFrom('mall_content').selectAll().where('id', '=', id).forUpdate());
      if (!before) throw notFound('mall content', id);
      const r = await this.db.one(
        tx,
        this.db.k
          .updateTable('mall_content')
          .set((eb) => ({
            kind: dto.kind, title: dto.title.trim(), body: dto.body?.trim() || null, tag: dto.tag ?? null, image_key: dto.imageFileId === undefined ? before.image_key : dto.imageFileId,
            link: dto.link ?? null, starts_at: dto.startsAt, ends_at: dto.endsAt, branch_ids: dto.branchIds ?? [], levels: dto.levels ?? [], sort: dto.sort ?? before.sort,
            status: dto.status ?? before.status, version: eb('version', '+', 1),
          }))
          .where('id', '=', id)
          .returningAll(),
      );
      const out = this.toDto(r);
      await this.audit.record(tx, { action: 'update', entity: 'mall_content', entityId: id, summary: `${r.kind} ${r.title}`, before: this.toDto(before), after: out });
      return out;
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    this.assertHq(ctx);
    await this.db.tx(ctx, async (tx) => {
      const before = await this.db.first(tx, this.db.k.deleteFrom('mall_content').where('id', '=', id).returningAll());
      if (!before) throw notFound('mall content', id);
      await this.audit.record(tx, { action: 'delete', entity: 'mall_content', entityId: id, summary: `${before.kind} ${before.title}`, before: this.toDto(before) });
    });
  }

  async uploadImage(ctx: RequestContext, file: { buffer: Buffer; originalname: string; mimetype: string; size: number } | undefined): Promise<MallImageUploadDto> {
    this.assertHq(ctx);
    const ext = file ? IMAGE_TYPES[file.mimetype] : undefined;
    if (!file || !ext) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload a PNG, JPEG, WebP or GIF image', { allowed: Object.keys(IMAGE_TYPES) });
    if (!looksLikeImage(file.buffer, file.mimetype)) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file content is not the image type it claims to be');
    const key = await this.storage.put(file.buffer, ext);
    await this.db.tx(ctx, (tx) => this.audit.record(tx, { action: 'upload_image', entity: 'mall_content', summary: `banner image ${file.originalname.slice(0, 100)}`, after: { fileId: key } }));
    return { fileId: key, url: this.storage.url(key) };
  }

  async settings(ctx: RequestContext): Promise<MallSettingsDto> {
    const s = await this.db.one(ctx, this.db.k.selectFrom('mall_settings').select(['show_exact_stock', 'version']).where('id', '=', 1));
    return { showExactStock: s.show_exact_stock, version: s.version };
  }

  async setSettings(ctx: RequestContext, dto: SettingsDto): Promise<MallSettingsDto> {
    this.assertHq(ctx);
    return this.db.tx(ctx, async (tx) => {
      const s = await this.db.one(tx, this.db.k.selectFrom('mall_settings').select(['show_exact_stock', 'version']).where('id', '=', 1).forUpdate());
      if (dto.version !== undefined && dto.version !== s.version) throw staleVersion('mall settings', dto.version, s.version);
      if (s.show_exact_stock === dto.showExactStock) return { showExactStock: s.show_exact_stock, version: s.version };
      const r = await this.db.one(
        tx,
        this.db.k.updateTable('mall_settings').set((eb) => ({ show_exact_stock: dto.showExactStock, version: eb('version', '+', 1) })).where('id', '=', 1).returning(['show_exact_stock', 'version']),
      );
      await this.audit.record(tx, { action: 'update', entity: 'mall_settings', summary: `show exact stock: ${dto.showExactStock}`, before: { showExactStock: s.show_exact_stock }, after: { showExactStock: r.show_exact_stock } });
      return { showExactStock: r.show_exact_stock, version: r.version };
    });
  }

  /** Publishes or withdraws products (上架/下架). Unknown ids: 404, nothing changed. */
  async publish(ctx: RequestContext, dto: PublishDto): Promise<{ updated: number }> {
    this.assertHq(ctx);
    const ids = [...new Set(dto.productIds)];
    return this.db.tx(ctx, async (tx) => {
      const found = ids.length ? await this.db.rows(tx, this.db.k.selectFrom('product').select('id').where('id', 'in', ids)) : [];
      const missing = ids.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'product not found', { entity: 'product', ids: missing });
      // product is catalog's: the flag is set through ProductService
      const changed = await this.products.setMallPublished(tx, ids, dto.published);
      if (changed.length) {
        await this.audit.record(tx, {
          action: dto.published ? 'mall_publish' : 'mall_unpublish', entity: 'product',
          summary: `${dto.published ? 'published' : 'withdrew'} ${changed.length} product(s): ${changed.slice(0, 10).map((c) => c.code).join(', ')}${changed.length > 10 ? ' ...' : ''}`,
          after: { productIds: changed.map((c) => c.id), published: dto.published },
        });
      }
      return { updated: changed.length };
    });
  }

  /** The console list shows every content with its targeting: staff only (dealers see theirs on the mall home). */
  private assertStaff(ctx: RequestContext): void {
    if (!ctx.isSystem && ctx.actor.orgType === OrgType.DEALER) throw new DomainError(ErrorCode.FORBIDDEN, 'Dealers see contents on the mall home');
  }

  private assertHq(ctx: RequestContext): void {
    if (!ctx.isSystem && !ctx.actor.scope.all) throw new DomainError(ErrorCode.FORBIDDEN, 'Only headquarters runs the mall contents, publishing and settings');
  }

  private async check(ctx: RequestContext, dto: ContentDto): Promise<void> {
    if (!(Date.parse(dto.endsAt) > Date.parse(dto.startsAt))) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'endsAt must be after startsAt', { field: 'endsAt' });
    if (dto.branchIds?.length) {
      const found = await this.db.rows(ctx, this.db.k.selectFrom('organization').select('id').where('id', 'in', dto.branchIds).where('type', 'in', ['HQ', 'BRANCH']));
      const missing = dto.branchIds.filter((b) => !found.some((f) => f.id === b));
      if (missing.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'branchIds must be branches', { field: 'branchIds', ids: missing });
    }
    if (dto.imageFileId) {
      try {
        this.storage.locate(dto.imageFileId);
      } catch {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'imageFileId is not an uploaded image', { field: 'imageFileId' });
      }
    }
  }

  private toDto(r: ContentRow): MallContentDto {
    return {
      id: r.id,
      kind: r.kind as MallContentDto['kind'],
      title: r.title,
      body: r.body,
      tag: r.tag as MallContentDto['tag'],
      imageUrl: r.image_key ? this.storage.url(r.image_key) : null,
      link: r.link,
      startsAt: new Date(r.starts_at).toISOString(),
      endsAt: new Date(r.ends_at).toISOString(),
      branchIds: r.branch_ids ?? [],
      levels: (r.levels ?? []).map(Number),
      sort: r.sort,
      status: r.status as MallContentDto['status'],
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
