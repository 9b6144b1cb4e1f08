import { Injectable } from '@nestjs/common';
import { ErrorCode, MallAddressDto } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { Selectable } from 'kysely';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { MallDealer, MallDealerService } from './mall-dealer';
import { AddressDto } from './mall.dto';

export const MAX_ADDRESSES = 20;

type AddressRow = Selectable<DB['mall_address']>;

const toDto = (r: AddressRow): MallAddressDto => ({ id: r.id, contact: r.contact, phone: r.phone, region: r.region, address: r.address, isDefault: r.is_default });

/** The dealer's delivery addresses: one default; the first read starts the book from the dealer's profile. */
@Injectable()
export class MallAddressService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly dealers: MallDealerService,
  ) {}

  async list(ctx: RequestContext): Promise<MallAddressDto[]> {
    const dealer = await this.dealers.requireDealer(ctx);
    let rows = await this.rows(ctx, dealer);
    if (!rows.length) {
      await this.db.tx(ctx, async (tx) => {
        // under the dealer's row lock, so two first reads do not both create it
        await this.lockDealer(tx, dealer);
        if ((await this.rows(tx, dealer)).length) return;
        const o = await this.db.one(tx, this.db.k.selectFrom('organization').select(['name', 'contact', 'phone', 'region', 'address']).where('id', '=', dealer.id));
        if (!o.address || !o.phone) return;
        const a = await this.db.one(
          tx,
          this.db.k
            .insertInto('mall_address')
            .values({ dealer_id: dealer.id, contact: (o.contact || o.name).slice(0, 50), phone: o.phone, region: o.region, address: o.address, is_default: true })
            .returningAll(),
        );
        await this.audit.record(tx, { action: 'create', entity: 'mall_address', entityId: a.id, orgId: dealer.id, summary: 'delivery address from the dealer profile', after: toDto(a) });
      });
      rows = await this.rows(ctx, dealer);
    }
    return rows.map(toDto);
  }

  async create(ctx: RequestContext, dto: AddressDto): Promise<MallAddressDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.db.tx(ctx, async (tx) => {
      await this.lockDealer(tx, dealer);
      const existing = await this.rows(tx, dealer);
      if (existing.length >= MAX_ADDRESSES) throw new DomainError(ErrorCode.VALIDATION_FAILED, `At most ${MAX_ADDRESSES} delivery addresses`, { field: 'address', max: MAX_ADDRESSES });
      const makeDefault = dto.isDefault === true || !existing.length;
      if (makeDefault) await this.clearDefault(tx, dealer);
      const a = await this.db.one(
        tx,
        this.db.k
          .insertInto('mall_address')
          .values({ dealer_id: dealer.id, contact: dto.contact.trim(), phone: dto.phone.trim(), region: dto.region?.trim() || null, address: dto.address.trim(), is_default: makeDefault })
          .returningAll(),
      );
      await this.audit.record(tx, { action: 'create', entity: 'mall_address', entityId: a.id, orgId: dealer.id, summary: `delivery address ${a.contact}`, after: toDto(a) });
      return toDto(a);
    });
  }

  async update(ctx: RequestContext, id: string, dto: AddressDto): Promise<MallAddressDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      if (dto.isDefault === true && !before.is_default) await this.clearDefault(tx, dealer);
      const a = await this.db.one(
        tx,
        this.db.k
          .updateTable('mall_address')
          .set((eb) => ({
            contact: dto.contact.trim(), phone: dto.phone.trim(), region: dto.region?.trim() || null, address: dto.address.trim(),
            is_default: before.is_default || dto.isDefault === true, version: eb('version', '+', 1),
          }))
          .where('id', '=', id)
          .returningAll(),
      );
      await this.audit.record(tx, { action: 'update', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `delivery address ${a.contact}`, before: toDto(before), after: toDto(a) });
      return toDto(a);
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      await this.db.rows(tx, this.db.k.deleteFrom('mall_address').where('id', '=', id));
      if (before.is_default) {
        // the default moves to the most recently added address left
        await this.db.rows(
          tx,
          this.db.k
            .updateTable('mall_address')
            .set({ is_default: true })
            .where('id', '=', (eb) => eb.selectFrom('mall_address').select('id').where('dealer_id', '=', dealer.id).orderBy('created_at', 'desc').orderBy('id').limit(1)),
        );
      }
      await this.audit.record(tx, { action: 'delete', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `removed delivery address ${before.contact}`, before: toDto(before) });
    });
  }

  async setDefault(ctx: RequestContext, id: string): Promise<MallAddressDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      if (!before.is_default) {
        await this.clearDefault(tx, dealer);
        await this.db.rows(tx, this.db.k.updateTable('mall_address').set((eb) => ({ is_default: true, version: eb('version', '+', 1) })).where('id', '=', id));
        await this.audit.record(tx, { action: 'set_default', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `default delivery address ${before.contact}` });
      }
      return { ...toDto(before), isDefault: true };
    });
  }

  /** An address of this dealer (else 404), for checkout. */
  async own(ctx: RequestContext, dealer: MallDealer, id: string): Promise<AddressRow> {
    const a = await this.db.first(ctx, this.db.k.selectFrom('mall_address').selectAll().where('id', '=', id).where('dealer_id', '=', dealer.id));
    if (!a) throw notFound('address', id);
    return a;
  }

  private rows(ctx: RequestContext, dealer: MallDealer): Promise<AddressRow[]> {
    return this.db.rows(ctx, this.db.k.selectFrom('mall_address').selectAll().where('dealer_id', '=', dealer.id).orderBy('is_default', 'desc').orderBy('created_at').orderBy('id'));
  }

  /** The dealer's organisation row, locked: every address-book change of a dealer runs one at a time. */
  private async lockDealer(tx: RequestContext, dealer: MallDealer): Promise<void> {
    await this.db.rows(tx, this.db.k.selectFrom('organization').select('id').where('id', '=', dealer.id).forNoKeyUpdate());
  }

  private async clearDefault(tx: RequestContext, dealer: MallDealer): Promise<void> {
    await this.db.rows(tx, this.db.k.updateTable('mall_address').set({ is_default: false }).where('dealer_id', '=', dealer.id).where('is_default', '=', true));
  }

  private async lock(tx: RequestContext, dealer: MallDealer, id: string): Promise<AddressRow> {
    // the dealer row first: every address-book change of a dealer runs one at a time
    await this.lockDealer(tx, dealer);
    const a = await this.db.first(tx, this.db.k.selectFrom('mall_address').selectAll().where('id', '=', id).where('dealer_id', '=', dealer.id));
    if (!a) throw notFound('address', id);
    return a;
  }
}
