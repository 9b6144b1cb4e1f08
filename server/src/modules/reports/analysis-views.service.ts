import { Injectable } from '@nestjs/common';
import { AnalysisView } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { notFound } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { SaveAnalysisViewDto } from './analysis.dto';
import { AnalysisService } from './analysis.service';

/**
 * Saved views of the analysis page, per user (issue #16): a name and the page's query. A view is
 * checked like a request (unknown measures or dimensions, a period over the limit answer the same
 * codes), so a saved view always opens. Saving under an existing name replaces that view.
 */
@Injectable()
export class AnalysisViewsService {
  constructor(
    private readonly db: DbService,
    private readonly analysis: AnalysisService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<AnalysisView[]> {
    const rows = await this.db.rows(
      ctx,
      this.db.k.selectFrom('analysis_view').select(['id', 'name', 'query', 'created_at']).where('user_id', '=', ctx.actor.id).orderBy('updated_at', 'desc').orderBy('name'),
    );
    return rows.map(toView);
  }

  async save(ctx: RequestContext, dto: SaveAnalysisViewDto): Promise<AnalysisView> {
    const q = dto.query;
    this.analysis.parse({ ...q, measures: q.measures.join(','), dimensions: q.dimensions.join(',') });
    const name = dto.name.trim();
    return this.db.tx(ctx, async (tx) => {
      const row = await this.db.one(
        tx,
        this.db.k
          .insertInto('analysis_view')
          .values({ user_id: ctx.actor.id, name, query: JSON.stringify(q) })
          .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ query: JSON.stringify(q), updated_at: sql`now()` }))
          .returning(['id', 'name', 'query', 'created_at']),
      );
      await this.audit.record(tx, { action: 'save', entity: 'analysis_view', entityId: row.id, summary: `saved analysis view ${name}`, after: { name, query: q } });
      return toView(row);
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      const gone = await this.db.first(tx, this.db.k.deleteFrom('analysis_view').where('id', '=', id).where('user_id', '=', ctx.actor.id).returning(['id', 'name']));
      // another user's view is not found, as if it did not exist
      if (!gone) throw notFound('analysis_view', id);
      await this.audit.record(tx, { action: 'delete', entity: 'analysis_view', entityId: id, summary: `deleted analysis view ${gone.name}`, before: { name: gone.name } });
    });
  }
}

function toView(r: { id: string; name: string; query: unknown; created_at: Date | string }): AnalysisView {
  return { id: r.id, name: r.name, query: (typeof r.query === 'string' ? JSON.parse(r.query) : r.query) as AnalysisView['query'], createdAt: new Date(r.created_at).toISOString() };
}
