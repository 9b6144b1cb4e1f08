import { Injectable } from '@nestjs/common';
import { PriceLevelDto } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';

/** The ten wholesale levels are fixed; their names (一级批发价 ...) are HQ's to choose. */
@Injectable()
export class PriceLevelService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<PriceLevelDto[]> {
    return this.db.query<PriceLevelDto>(ctx, 'SELECT level, name, name_en AS "nameEn" FROM price_level ORDER BY level');
  }

  async rename(ctx: RequestContext, levels: PriceLevelDto[]): Promise<PriceLevelDto[]> {
    await this.db.tx(ctx, async (tx) => {
      const before = await this.list(tx);
      for (const l of levels) await this.db.query(tx, 'UPDATE price_level SET name = $2, name_en = $3 WHERE level = $1', [l.level, l.name.trim(), l.nameEn.trim()]);
      await this.audit.record(tx, { action: 'rename_levels', entity: 'price_level', summary: `renamed ${levels.length} price level(s)`, before: { levels: before }, after: { levels: await this.list(tx) } });
    });
    return this.list(ctx);
  }
}
