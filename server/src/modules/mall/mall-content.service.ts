import { Injectable } from '@nestjs/common';
import { ErrorCode, MallContentDto, MallImageUploadDto, MallSettingsDto, OrgType, Paged } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { MallDealer } from './mall-dealer';
import { ContentDto, ContentQueryDto, PublishDto, SettingsDto } from './mall.dto';

interface ContentRow {
  id: string;
  kind: 'BANNER' | 'ANNOUNCEMENT';
  title: string;
  body: string | null;
  tag: 'PROMOTION' | 'NEW_PRODUCT' | 'NOTICE' | null;
  image_key: string | null;
  link: string | null;
  starts_at: Date;
  ends_at: Date;
  branch_ids: string[];
  levels: number[];
  sort: number;
  status: 'ACTIVE' | 'DISABLED';
  updated_at: Date;
}

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
  ) {}

  // ---- dealer side ----

  /** Contents of a kind valid now and targeted at the dealer (its branches, its price level). */
  async live(ctx: RequestContext, dealer: MallDealer, kind: 'BANNER' | 'ANNOUNCEMENT'): Promise<MallContentDto[]> {
    const rows = await this.db.query<ContentRow>(
      ctx,
      `SELECT * FROM mall_content
        WHERE kind = $1 AND status = 'ACTIVE' AND starts_at <= now() AND ends_at > now()
          AND (cardinality(branch_ids) = 0 OR branch_ids && string_to_array(trim(both '/' from $2::text), '/')::uuid[])
          AND (cardinality(levels) = 0 OR $3::smallint = ANY(levels))
        ORDER BY sort, starts_at DESC, id LIMIT 20`,
      [kind, dealer.path, dealer.level],
    );
    return rows.map((r) => this.toDto(r));
  }

  // ---- console ----

  async list(ctx: RequestContext, q: ContentQueryDto): Promise<Paged<MallContentDto>> {
    this.assertStaff(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, { updatedAt: 'updated_at', startsAt: 'starts_at', endsAt: 'ends_at', sort: 'sort', title: 'title' }, '-updatedAt');
    const params: unknown[] = [];
    const where: string[] = ['true'];
    const arg = (v: unknown) => `$${params.push(v)}`;
    if (q.kind) where.push(`kind = ${arg(q.kind)}`);
    if (q.q?.trim()) where.push(`(title ILIKE ${arg(`%${escapeLike(q.q.trim())}%`)} OR body ILIKE $${params.length})`);
    if (q.status === 'ACTIVE' || q.status === 'DISABLED') where.push(`status = ${arg(q.status)}`);
    if (q.status === 'LIVE') where.push(`status = 'ACTIVE' AND starts_at <= now() AND ends_at > now()`);
    if (q.status === 'EXPIRED') where.push(`ends_at <= now()`);
    if (q.status === 'SCHEDULED') where.push(`starts_at > now()`);
    const sql = `FROM mall_content WHERE ${where.join(' AND ')}`;
    const [{ n }] = await this.db.query<{ n: number }>(ctx, `SELECT count(*)::int AS n ${sql}`, params);
    const rows = await this.db.query<ContentRow>(ctx, `SELECT * ${sql} ORDER BY ${column} ${direction}, id LIMIT ${pageSize} OFFSET ${offset}`, params);
    return { items: rows.map((r) => this.toDto(r)), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<MallContentDto> {
    this.assertStaff(ctx);
    const [r] = await this.db.query<ContentRow>(ctx, 'SELECT * FROM mall_content WHERE id = $1', [id]);
    if (!r) throw notFound('mall content', id);
    return this.toDto(r);
  }

  async create(ctx: RequestContext, dto: ContentDto): Promise<MallContentDto> {
    this.assertHq(ctx);
    await this.check(ctx, dto);
    return this.db.tx(ctx, async (tx) => {
      const [r] = await this.db.query<ContentRow>(
        tx,
        `INSERT INTO mall_content (kind, title, body, tag, image_key, link, starts_at, ends_at, branch_ids, levels, sort, status, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
        [dto.kind, dto.title.trim(), dto.body?.trim() || null, dto.tag ?? null, dto.imageFileId ?? null, dto.link ?? null, dto.startsAt, dto.endsAt,
          dto.branchIds ?? [], dto.levels ?? [], dto.sort ?? 0, dto.status ?? 'ACTIVE', tx.user?.id ?? null],
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
      const [before] = await this.db.query<ContentRow>(tx, 'SELECT * FROM mall_content WHERE id = $1 FOR UPDATE', [id]);
      if (!before) throw notFound('mall content', id);
      const [r] = await this.db.query<ContentRow>(
        tx,
        `UPDATE mall_content SET kind = $2, title = $3, body = $4, tag = $5, image_key = $6, link = $7, starts_at = $8, ends_at = $9, branch_ids = $10, levels = $11,
                sort = $12, status = $13, version = version + 1 WHERE id = $1 RETURNING *`,
        [id, dto.kind, dto.title.trim(), dto.body?.trim() || null, dto.tag ?? null, dto.imageFileId === undefined ? before.image_key : dto.imageFileId, dto.link ?? null,
          dto.startsAt, dto.endsAt, dto.branchIds ?? [], dto.levels ?? [], dto.sort ?? before.sort, dto.status ?? before.status],
      );
      const out = this.toDto(r);
      await this.audit.record(tx, { action: 'update', entity: 'mall_content', entityId: id, summary: `${r.kind} ${r.title}`, before: this.toDto(before), after: out });
      return out;
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    this.assertHq(ctx);
    await this.db.tx(ctx, async (tx) => {
      const [before] = await this.db.query<ContentRow>(tx, 'DELETE FROM mall_content WHERE id = $1 RETURNING *', [id]);
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
    const [s] = await this.db.query<{ show_exact_stock: boolean; version: number }>(ctx, 'SELECT show_exact_stock, version FROM mall_settings WHERE id = 1');
    return { showExactStock: s.show_exact_stock, version: s.version };
  }

  async setSettings(ctx: RequestContext, dto: SettingsDto): Promise<MallSettingsDto> {
    this.assertHq(ctx);
    return this.db.tx(ctx, async (tx) => {
      const [s] = await this.db.query<{ show_exact_stock: boolean; version: number }>(tx, 'SELECT show_exact_stock, version FROM mall_settings WHERE id = 1 FOR UPDATE');
      if (dto.version !== undefined && dto.version !== s.version) throw staleVersion('mall settings', dto.version, s.version);
      if (s.show_exact_stock === dto.showExactStock) return { showExactStock: s.show_exact_stock, version: s.version };
      const [r] = await this.db.query<{ show_exact_stock: boolean; version: number }>(tx, 'UPDATE mall_settings SET show_exact_stock = $1, version = version + 1 WHERE id = 1 RETURNING show_exact_stock, version', [dto.showExactStock]);
      await this.audit.record(tx, { action: 'update', entity: 'mall_settings', summary: `show exact stock: ${dto.showExactStock}`, before: { showExactStock: s.show_exact_stock }, after: { showExactStock: r.show_exact_stock } });
      return { showExactStock: r.show_exact_stock, version: r.version };
    });
  }

  /** Publishes or withdraws products (上架/下架). Unknown ids: 404, nothing changed. */
  async publish(ctx: RequestContext, dto: PublishDto): Promise<{ updated: number }> {
    this.assertHq(ctx);
    const ids = [...new Set(dto.productIds)];
    return this.db.tx(ctx, async (tx) => {
      const found = await this.db.query<{ id: string }>(tx, 'SELECT id FROM product WHERE id = ANY($1::uuid[])', [ids]);
      const missing = ids.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'product not found', { entity: 'product', ids: missing });
      const changed = await this.db.query<{ id: string; code: string }>(
        tx,
        'UPDATE product SET mall_published = $2, version = version + 1 WHERE id = ANY($1::uuid[]) AND mall_published <> $2 RETURNING id, code',
        [ids, dto.published],
      );
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
      const found = await this.db.query<{ id: string }>(ctx, `SELECT id FROM organization WHERE id = ANY($1::uuid[]) AND type IN ('HQ','BRANCH')`, [dto.branchIds]);
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
      kind: r.kind,
      title: r.title,
      body: r.body,
      tag: r.tag,
      imageUrl: r.image_key ? this.storage.url(r.image_key) : null,
      link: r.link,
      startsAt: new Date(r.starts_at).toISOString(),
      endsAt: new Date(r.ends_at).toISOString(),
      branchIds: r.branch_ids ?? [],
      levels: (r.levels ?? []).map(Number),
      sort: r.sort,
      status: r.status,
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
