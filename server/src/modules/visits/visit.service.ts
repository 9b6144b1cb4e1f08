import { Inject, Injectable } from '@nestjs/common';
import { DataScopeKind, ErrorCode, judgeCheckIn, OrderSource, OrgType, validCoordinates } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { SettingsService } from '../settings/settings.service';
import { StorageService } from '../storage/storage.service';
import { DealerReportService } from './dealer-report.service';
import { CheckInDto, CheckOutDto, SyncBatchDto, SyncItemDto, VisitCountsDto, VisitNotesDto, VisitOrderDto } from './visit.dto';

export interface VisitDto {
  id: string;
  clientId: string;
  repId: string;
  repName: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  dealerLat: number | null;
  dealerLng: number | null;
  planId: string | null;
  date: string;
  checkInAt: string;
  checkInDeviceAt: string | null;
  lat: number;
  lng: number;
  accuracyM: number | null;
  distanceM: number | null;
  radiusM: number;
  offSite: boolean;
  checkOutAt: string | null;
  checkOutDeviceAt: string | null;
  durationS: number | null;
  notes: string | null;
  competitorNotes: string | null;
  displayNotes: string | null;
  orderId: string | null;
  photoCount: number;
  countLines: number;
}

export interface SyncOutcome {
  clientId: string;
  kind: string;
  status: 'DONE' | 'DUPLICATE' | 'FAILED';
  visitId?: string | null;
  code?: string;
  message?: string;
}

const IMAGE_TYPES: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp' };
/** the largest photo accepted (the field app shrinks photos to well under it) */
export const MAX_VISIT_PHOTO_BYTES = 2 * 1024 * 1024;

function looksLikeImage(buf: Buffer, mime: string): boolean {
  if (!buf || buf.length < 12) return false;
  if (mime === 'image/png') return buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (mime === 'image/jpeg') return buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
  if (mime === 'image/webp') return buf.subarray(0, 4).toString('ascii') === 'RIFF' && buf.subarray(8, 12).toString('ascii') === 'WEBP';
  return false;
}

/** A device time as a Date, or null when absent or not a real time. */
function deviceTime(s: string | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Store visits (跑店): check-in (the distance to the dealer's stored position, off site beyond the
 * company's radius), what happens during the visit (counts that become the dealer's report for the
 * day, photos, notes, an order for the dealer) and check-out (the duration). A rep visits only the
 * dealers in its scope (others: 404); one open visit per rep (409); the phone's client id makes every
 * action idempotent, so the offline queue can resend a batch without duplicating anything.
 */
@Injectable()
export class VisitService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly storage: StorageService,
    private readonly reports: DealerReportService,
    private readonly orders: SalesOrderService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private me(ctx: RequestContext): string {
    if (!ctx.user) throw new DomainError(ErrorCode.FORBIDDEN, 'Visits are made by a signed-in rep');
    return ctx.user.id;
  }

  async checkIn(ctx: RequestContext, dto: CheckInDto): Promise<VisitDto> {
    const repId = this.me(ctx);
    if (!validCoordinates(dto)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The position is not a real latitude / longitude', { field: 'lat' });
    const id = await this.db.tx(ctx, async (tx) => {
      const again = await this.db.first(tx, this.db.k.selectFrom('visit').select('id').where('rep_id', '=', repId).where('client_id', '=', dto.clientId));
      if (again) return again.id;
      const dealer = await this.db.first(
        tx,
        this.db.k.selectFrom('organization as o').select(['o.id', 'o.code', 'o.latitude', 'o.longitude']).where('o.id', '=', dto.dealerId).where('o.type', '=', OrgType.DEALER).where(orgScope(tx, 'o.id')),
      );
      if (!dealer) throw notFound('dealer', dto.dealerId);
      if (dto.planId) {
        const plan = await this.db.first(tx, this.db.k.selectFrom('visit_plan').select('id').where('id', '=', dto.planId).where('rep_id', '=', repId).where('dealer_id', '=', dealer.id));
        if (!plan) throw notFound('visit plan', dto.planId);
      }
      // one open visit per rep: the rep's open visit is locked, and a unique index backs it under a race
      const open = await this.db.first(tx, this.db.k.selectFrom('visit').select(['id', 'dealer_id']).where('rep_id', '=', repId).where('check_out_at', 'is', null).forUpdate());
      if (open) throw new DomainError(ErrorCode.VISIT_ALREADY_OPEN, 'Check out of the open visit first', { visitId: open.id, dealerId: open.dealer_id });
      const { visitRadiusM } = await this.settings.get(tx);
      const judged = judgeCheckIn({ lat: dto.lat, lng: dto.lng }, { lat: dealer.latitude, lng: dealer.longitude }, visitRadiusM);
      const device = deviceTime(dto.deviceAt);
      const day = businessDate(device && device.getTime() <= Date.now() + 5 * 60_000 ? device : new Date(), this.config.companyTz);
      const row = await this.db.one(
        tx,
        this.db.k
          .insertInto('visit')
          .values({
            rep_id: repId,
            dealer_id: dealer.id,
            plan_id: dto.planId ?? null,
            client_id: dto.clientId,
            business_date: day,
            check_in_device_at: device,
            lat: String(dto.lat),
            lng: String(dto.lng),
            accuracy_m: dto.accuracy === undefined ? null : String(Math.round(dto.accuracy * 10) / 10),
            distance_m: judged.distanceM,
            radius_m: visitRadiusM,
            off_site: judged.offSite,
          })
          .returning('id'),
      );
      await this.audit.record(tx, {
        action: 'check_in',
        entity: 'visit',
        entityId: row.id,
        orgId: dealer.id,
        summary: `${dealer.code}: checked in ${judged.distanceM === null ? '(no stored position)' : `${judged.distanceM} m away`}${judged.offSite ? ' (off site)' : ''}`,
        after: { dealerId: dealer.id, distanceM: judged.distanceM, offSite: judged.offSite, planId: dto.planId ?? null },
      });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /** The caller's own visit, locked (404 when it is not theirs or not visible). */
  private async ownVisit(tx: RequestContext, id: string) {
    const v = await this.db.first(
      tx,
      this.db.k
        .selectFrom('visit')
        .select(['id', 'rep_id', 'dealer_id', 'business_date', 'check_in_at', 'check_in_device_at', 'check_out_at'])
        .select(sql<string>`to_char(business_date, 'YYYY-MM-DD')`.as('day'))
        .where('id', '=', id)
        .where('rep_id', '=', this.me(tx))
        .forUpdate(),
    );
    if (!v) throw notFound('visit', id);
    return v;
  }

  async checkOut(ctx: RequestContext, id: string, dto: CheckOutDto): Promise<VisitDto> {
    await this.db.tx(ctx, async (tx) => {
      const v = await this.ownVisit(tx, id);
      if (v.check_out_at) throw new DomainError(ErrorCode.VISIT_ALREADY_CHECKED_OUT, 'The visit is already checked out', { visitId: v.id, checkOutAt: new Date(v.check_out_at).toISOString() });
      const device = deviceTime(dto.deviceAt);
      const now = new Date();
      // the duration by the phone's clock when both ends have it (an offline visit synced later), else the server's
      const inDevice = v.check_in_device_at ? new Date(v.check_in_device_at) : null;
      const durationS = device && inDevice ? Math.max(0, Math.round((device.getTime() - inDevice.getTime()) / 1000)) : Math.max(0, Math.round((now.getTime() - new Date(v.check_in_at).getTime()) / 1000));
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('visit')
          .set((eb) => ({ check_out_at: now, check_out_device_at: device, duration_s: durationS, ...(dto.notes !== undefined ? { notes: dto.notes.trim() || null } : {}), version: eb('version', '+', 1) }))
          .where('id', '=', v.id),
      );
      await this.audit.record(tx, { action: 'check_out', entity: 'visit', entityId: v.id, orgId: v.dealer_id, summary: `checked out after ${Math.round(durationS / 60)} min`, after: { durationS } });
    });
    return this.get(ctx, id);
  }

  async setNotes(ctx: RequestContext, id: string, dto: VisitNotesDto): Promise<VisitDto> {
    await this.db.tx(ctx, async (tx) => {
      const v = await this.ownVisit(tx, id);
      const set: { notes?: string | null; competitor_notes?: string | null; display_notes?: string | null } = {};
      if (dto.notes !== undefined) set.notes = dto.notes.trim() || null;
      if (dto.competitorNotes !== undefined) set.competitor_notes = dto.competitorNotes.trim() || null;
      if (dto.displayNotes !== undefined) set.display_notes = dto.displayNotes.trim() || null;
      if (!Object.keys(set).length) return;
      await this.db.rows(tx, this.db.k.updateTable('visit').set((eb) => ({ ...set, version: eb('version', '+', 1) })).where('id', '=', v.id));
      await this.audit.record(tx, { action: 'notes', entity: 'visit', entityId: v.id, orgId: v.dealer_id, summary: 'visit notes', after: set });
    });
    return this.get(ctx, id);
  }

  /** The stock count and sales during the visit: the dealer's report for the visit's business date (source VISIT). */
  async counts(ctx: RequestContext, id: string, dto: VisitCountsDto) {
    return this.db.tx(ctx, async (tx) => {
      const v = await this.ownVisit(tx, id);
      return this.reports.submit(tx, { dealerId: v.dealer_id, date: v.day, lines: dto.lines }, 'VISIT', v.id);
    });
  }

  /** The dealer's products for the count, with the last reported figures to prefill. */
  async countSheet(ctx: RequestContext, id: string) {
    const v = await this.get(ctx, id);
    return this.reports.lastFigures(ctx, v.dealerId, v.id);
  }

  async addPhoto(ctx: RequestContext, id: string, file: { buffer: Buffer; originalname: string; mimetype: string; size: number } | undefined, caption?: string) {
    const ext = file ? IMAGE_TYPES[file.mimetype] : undefined;
    if (!file || !ext) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload a PNG, JPEG or WebP photo', { allowed: Object.keys(IMAGE_TYPES) });
    if (file.size > MAX_VISIT_PHOTO_BYTES) throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'The photo is too large', { maxBytes: MAX_VISIT_PHOTO_BYTES });
    if (!looksLikeImage(file.buffer, file.mimetype)) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file content is not the image type it claims to be');
    const key = await this.storage.put(file.buffer, ext);
    try {
      return await this.db.tx(ctx, async (tx) => {
        const v = await this.ownVisit(tx, id);
        const { n } = await this.db.one(tx, this.db.k.selectFrom('visit_photo').select(sql<number>`count(*)::int`.as('n')).where('visit_id', '=', v.id));
        if (n >= 20) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A visit has at most 20 photos', { field: 'file' });
        const row = await this.db.one(
          tx,
          this.db.k
            .insertInto('visit_photo')
            .values({ visit_id: v.id, storage_key: key, file_name: (file.originalname || `photo${ext}`).slice(0, 200), content_type: file.mimetype, size_bytes: file.size, caption: caption?.trim().slice(0, 200) || null, created_by: tx.user?.id ?? null })
            .returning(['id', 'file_name', 'created_at']),
        );
        await this.audit.record(tx, { action: 'add_photo', entity: 'visit', entityId: v.id, orgId: v.dealer_id, summary: `photo ${row.file_name}` });
        return { id: row.id, url: this.storage.url(key), fileName: row.file_name, at: new Date(row.created_at).toISOString() };
      });
    } catch (e) {
      await this.storage.remove(key);
      throw e;
    }
  }

  async photos(ctx: RequestContext, id: string) {
    await this.get(ctx, id);
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('visit_photo').select(['id', 'storage_key', 'file_name', 'caption', 'created_at']).where('visit_id', '=', id).orderBy('created_at'));
    return rows.map((r) => ({ id: r.id, url: this.storage.url(r.storage_key), fileName: r.file_name, caption: r.caption, at: new Date(r.created_at).toISOString() }));
  }

  /** 代客下单: a sales order for the visited dealer (source VISIT, the dealer's own prices, the normal order rules), linked to the visit. */
  async order(ctx: RequestContext, id: string, dto: VisitOrderDto) {
    return this.db.tx(ctx, async (tx) => {
      const v = await this.ownVisit(tx, id);
      const order = await this.orders.create(tx, { dealerId: v.dealer_id, warehouseId: dto.warehouseId, lines: dto.lines, remark: dto.remark, salesRepId: v.rep_id, source: OrderSource.VISIT });
      await this.db.rows(tx, this.db.k.updateTable('visit').set((eb) => ({ order_id: order.id, version: eb('version', '+', 1) })).where('id', '=', v.id));
      await this.audit.record(tx, { action: 'order', entity: 'visit', entityId: v.id, orgId: v.dealer_id, summary: `order ${order.number ?? order.id} for the dealer`, after: { orderId: order.id } });
      return order;
    });
  }

  /**
   * The offline queue: actions made on the phone, in the order they were made, each applied once
   * (by the rep and its client id: a resent item answers DUPLICATE with what it did the first time).
   * Items are independent: one failing (a 4xx) does not stop the others, and is not remembered, so
   * the phone may send it again after the cause is fixed.
   */
  async sync(ctx: RequestContext, dto: SyncBatchDto): Promise<{ items: SyncOutcome[] }> {
    const repId = this.me(ctx);
    const out: SyncOutcome[] = [];
    for (const item of dto.items) {
      try {
        out.push(
          await this.db.tx(ctx, async (tx) => {
            const done = await this.db.first(tx, this.db.k.selectFrom('visit_sync_item').select(['visit_id', 'result']).where('rep_id', '=', repId).where('client_id', '=', item.clientId));
            if (done) return { clientId: item.clientId, kind: item.kind, status: 'DUPLICATE' as const, visitId: done.visit_id };
            const visitId = await this.applyItem(tx, item);
            await this.db.rows(
              tx,
              this.db.k.insertInto('visit_sync_item').values({ rep_id: repId, client_id: item.clientId, kind: item.kind, visit_id: visitId, device_at: deviceTime(item.deviceAt), result: JSON.stringify({ status: 'DONE', visitId }) }),
            );
            return { clientId: item.clientId, kind: item.kind, status: 'DONE' as const, visitId };
          }),
        );
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        out.push({ clientId: item.clientId, kind: item.kind, status: 'FAILED', code: e.code, message: e.message });
      }
    }
    return { items: out };
  }

  private async applyItem(tx: RequestContext, item: SyncItemDto): Promise<string> {
    if (item.kind === 'CHECK_IN') {
      if (!item.dealerId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A check-in names its dealer', { field: 'dealerId' });
      if (!validCoordinates(item)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The position is not a real latitude / longitude', { field: 'lat' });
      const v = await this.checkIn(tx, { dealerId: item.dealerId, planId: item.planId, lat: item.lat!, lng: item.lng!, accuracy: item.accuracy, clientId: item.clientId, deviceAt: item.deviceAt });
      return v.id;
    }
    const visitId = await this.visitOf(tx, item);
    if (item.kind === 'CHECK_OUT') await this.checkOut(tx, visitId, { deviceAt: item.deviceAt, notes: item.notes });
    else if (item.kind === 'COUNTS') {
      if (!item.lines?.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A count has lines', { field: 'lines' });
      await this.counts(tx, visitId, { lines: item.lines });
    } else await this.setNotes(tx, visitId, { notes: item.notes, competitorNotes: item.competitorNotes, displayNotes: item.displayNotes });
    return visitId;
  }

  /** The visit an offline action belongs to: by id, or by the client id of its check-in (409 when the check-in never arrived). */
  private async visitOf(tx: RequestContext, item: SyncItemDto): Promise<string> {
    const repId = this.me(tx);
    if (item.visitId) {
      const v = await this.db.first(tx, this.db.k.selectFrom('visit').select('id').where('id', '=', item.visitId).where('rep_id', '=', repId));
      if (!v) throw notFound('visit', item.visitId);
      return v.id;
    }
    if (!item.visitClientId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The action names its visit', { field: 'visitClientId' });
    const v = await this.db.first(tx, this.db.k.selectFrom('visit').select('id').where('client_id', '=', item.visitClientId).where('rep_id', '=', repId));
    if (!v) throw new DomainError(ErrorCode.VISIT_NOT_CHECKED_IN, 'The visit was never checked in', { visitClientId: item.visitClientId });
    return v.id;
  }

  /** The caller's open visit, if any. */
  async current(ctx: RequestContext): Promise<VisitDto | null> {
    const repId = this.me(ctx);
    const row = await this.db.first(ctx, this.db.k.selectFrom('visit').select('id').where('rep_id', '=', repId).where('check_out_at', 'is', null));
    return row ? this.get(ctx, row.id) : null;
  }

  /** One visit as anyone whose scope holds the dealer sees it (a rep: only its own). */
  async get(ctx: RequestContext, id: string): Promise<VisitDto> {
    const [v] = await this.byIds(ctx, [id]);
    if (!v) throw notFound('visit', id);
    return v;
  }

  /** Visits by id, in scope (the dealer in the caller's scope; a rep only its own), in the order given. */
  async byIds(ctx: RequestContext, ids: string[]): Promise<VisitDto[]> {
    if (!ids.length) return [];
    let q = this.db.k
      .selectFrom('visit as v')
      .innerJoin('organization as d', 'd.id', 'v.dealer_id')
      .innerJoin('app_user as u', 'u.id', 'v.rep_id')
      .selectAll('v')
      .select(['d.code as dealer_code', 'd.name as dealer_name', 'd.latitude as dealer_lat', 'd.longitude as dealer_lng', 'u.display_name as rep_name'])
      .select(sql<string>`to_char(v.business_date, 'YYYY-MM-DD')`.as('day'))
      .select(sql<number>`(SELECT count(*)::int FROM visit_photo ph WHERE ph.visit_id = v.id)`.as('photo_count'))
      .select(sql<number>`(SELECT count(*)::int FROM dealer_report r WHERE r.visit_id = v.id)`.as('count_lines'))
      .where('v.id', 'in', ids)
      .where(orgScope(ctx, 'v.dealer_id'));
    if (isRepOnly(ctx)) q = q.where('v.rep_id', '=', ctx.user!.id);
    const rows = await this.db.rows(ctx, q);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({
        id: r.id,
        clientId: r.client_id,
        repId: r.rep_id,
        repName: r.rep_name,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        dealerLat: r.dealer_lat === null ? null : Number(r.dealer_lat),
        dealerLng: r.dealer_lng === null ? null : Number(r.dealer_lng),
        planId: r.plan_id,
        date: r.day,
        checkInAt: new Date(r.check_in_at).toISOString(),
        checkInDeviceAt: r.check_in_device_at ? new Date(r.check_in_device_at).toISOString() : null,
        lat: Number(r.lat),
        lng: Number(r.lng),
        accuracyM: r.accuracy_m === null ? null : Number(r.accuracy_m),
        distanceM: r.distance_m,
        radiusM: r.radius_m,
        offSite: r.off_site,
        checkOutAt: r.check_out_at ? new Date(r.check_out_at).toISOString() : null,
        checkOutDeviceAt: r.check_out_device_at ? new Date(r.check_out_device_at).toISOString() : null,
        durationS: r.duration_s,
        notes: r.notes,
        competitorNotes: r.competitor_notes,
        displayNotes: r.display_notes,
        orderId: r.order_id,
        photoCount: r.photo_count,
        countLines: r.count_lines,
      }));
  }
}

/** A user whose only data scope is its assigned dealers (a sales rep): sees its own visits and plans only. */
export function isRepOnly(ctx: RequestContext): boolean {
  if (ctx.isSystem || !ctx.user) return false;
  const kinds = ctx.actor.scopeKinds;
  return kinds.length > 0 && kinds.every((k) => k === DataScopeKind.ASSIGNED_DEALERS);
}
