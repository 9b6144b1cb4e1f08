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
    return this.db.rows(ctx, this.db.k.selectFrom('price_level').select(['level', 'name', 'name_en as nameEn']).orderBy('level'));
  }

  async rename(ctx: RequestContext, levels: PriceLevelDto[]): Promise<PriceLevelDto[]> {
    await this.db.tx(ctx, async (tx) => {
      const before = await this.list(tx);
      for (const l of levels) await this.db.rows(tx, this.db.k.updateTable('price_level').set({ name: l.name.trim(), name_en: l.nameEn.trim() }).where('level', '=', l.level));
      await this.audit.record(tx, { action: 'rename_levels', entity: 'price_level', summary: `renamed ${levels.length} price level(s)`, before: { levels: before }, after: { levels: await this.list(tx) } });
    });
    return this.list(ctx);
  }
}
