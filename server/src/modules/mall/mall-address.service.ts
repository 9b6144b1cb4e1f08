import { Injectable } from '@nestjs/common';
import { ErrorCode, MallAddressDto } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { MallDealer, MallDealerService } from './mall-dealer';
import { AddressDto } from './mall.dto';

export const MAX_ADDRESSES = 20;

interface AddressRow {
  id: string;
  contact: string;
  phone: string;
  region: string | null;
  address: string;
  is_default: boolean;
}

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
        await this.db.query(tx, 'SELECT id FROM organization WHERE id = $1 FOR NO KEY UPDATE', [dealer.id]);
        if ((await this.rows(tx, dealer)).length) return;
        const [o] = await this.db.query<{ contact: string | null; phone: string | null; region: string | null; address: string | null; name: string }>(
          tx,
          'SELECT name, contact, phone, region, address FROM organization WHERE id = $1',
          [dealer.id],
        );
        if (!o.address || !o.phone) return;
        const [a] = await this.db.query<AddressRow>(
          tx,
          'INSERT INTO mall_address (dealer_id, contact, phone, region, address, is_default) VALUES ($1, $2, $3, $4, $5, true) RETURNING *',
          [dealer.id, (o.contact || o.name).slice(0, 50), o.phone, o.region, o.address],
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
      await this.db.query(tx, 'SELECT id FROM organization WHERE id = $1 FOR NO KEY UPDATE', [dealer.id]);
      const existing = await this.rows(tx, dealer);
      if (existing.length >= MAX_ADDRESSES) throw new DomainError(ErrorCode.VALIDATION_FAILED, `At most ${MAX_ADDRESSES} delivery addresses`, { field: 'address', max: MAX_ADDRESSES });
      const makeDefault = dto.isDefault === true || !existing.length;
      if (makeDefault) await this.db.query(tx, 'UPDATE mall_address SET is_default = false WHERE dealer_id = $1 AND is_default', [dealer.id]);
      const [a] = await this.db.query<AddressRow>(
        tx,
        'INSERT INTO mall_address (dealer_id, contact, phone, region, address, is_default) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [dealer.id, dto.contact.trim(), dto.phone.trim(), dto.region?.trim() || null, dto.address.trim(), makeDefault],
      );
      await this.audit.record(tx, { action: 'create', entity: 'mall_address', entityId: a.id, orgId: dealer.id, summary: `delivery address ${a.contact}`, after: toDto(a) });
      return toDto(a);
    });
  }

  async update(ctx: RequestContext, id: string, dto: AddressDto): Promise<MallAddressDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      if (dto.isDefault === true && !before.is_default) await this.db.query(tx, 'UPDATE mall_address SET is_default = false WHERE dealer_id = $1 AND is_default', [dealer.id]);
      const [a] = await this.db.query<AddressRow>(
        tx,
        'UPDATE mall_address SET contact = $2, phone = $3, region = $4, address = $5, is_default = $6, version = version + 1 WHERE id = $1 RETURNING *',
        [id, dto.contact.trim(), dto.phone.trim(), dto.region?.trim() || null, dto.address.trim(), before.is_default || dto.isDefault === true],
      );
      await this.audit.record(tx, { action: 'update', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `delivery address ${a.contact}`, before: toDto(before), after: toDto(a) });
      return toDto(a);
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      await this.db.query(tx, 'DELETE FROM mall_address WHERE id = $1', [id]);
      if (before.is_default) {
        // the default moves to the most recently added address left
        await this.db.query(tx, 'UPDATE mall_address SET is_default = true WHERE id = (SELECT id FROM mall_address WHERE dealer_id = $1 ORDER BY created_at DESC, id LIMIT 1)', [dealer.id]);
      }
      await this.audit.record(tx, { action: 'delete', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `removed delivery address ${before.contact}`, before: toDto(before) });
    });
  }

  async setDefault(ctx: RequestContext, id: string): Promise<MallAddressDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.db.tx(ctx, async (tx) => {
      const before = await this.lock(tx, dealer, id);
      if (!before.is_default) {
        await this.db.query(tx, 'UPDATE mall_address SET is_default = false WHERE dealer_id = $1 AND is_default', [dealer.id]);
        await this.db.query(tx, 'UPDATE mall_address SET is_default = true, version = version + 1 WHERE id = $1', [id]);
        await this.audit.record(tx, { action: 'set_default', entity: 'mall_address', entityId: id, orgId: dealer.id, summary: `default delivery address ${before.contact}` });
      }
      return { ...toDto(before), isDefault: true };
    });
  }

  /** An address of this dealer (else 404), for checkout. */
  async own(ctx: RequestContext, dealer: MallDealer, id: string): Promise<AddressRow> {
    const [a] = await this.db.query<AddressRow>(ctx, 'SELECT * FROM mall_address WHERE id = $1 AND dealer_id = $2', [id, dealer.id]);
    if (!a) throw notFound('address', id);
    return a;
  }

  private rows(ctx: RequestContext, dealer: MallDealer): Promise<AddressRow[]> {
    return this.db.query<AddressRow>(ctx, 'SELECT * FROM mall_address WHERE dealer_id = $1 ORDER BY is_default DESC, created_at, id', [dealer.id]);
  }

  private async lock(tx: RequestContext, dealer: MallDealer, id: string): Promise<AddressRow> {
    // the dealer row first: every address-book change of a dealer runs one at a time
    await this.db.query(tx, 'SELECT id FROM organization WHERE id = $1 FOR NO KEY UPDATE', [dealer.id]);
    const [a] = await this.db.query<AddressRow>(tx, 'SELECT * FROM mall_address WHERE id = $1 AND dealer_id = $2', [id, dealer.id]);
    if (!a) throw notFound('address', id);
    return a;
  }
}
