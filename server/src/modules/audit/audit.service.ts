import { Injectable } from '@nestjs/common';
import { AuditLogDto, Paged } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { applyOrgScope } from '../../common/scope/data-scope';
import { paginate } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditLog } from './audit-log.entity';
import { AuditQueryDto } from './audit.dto';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  /** the organisation the change belongs to: decides who may read the entry */
  orgId?: string | null;
  summary?: string;
  before?: object | null;
  after?: object | null;
  /** who acted, when not the signed-in user (sign-in events) */
  actor?: { id: string | null; name: string };
}

const HIDDEN = new Set(['passwordHash', 'password', 'tokenHash']);

/**
 * Every state change writes an entry here, in the same transaction as the change, so the trail
 * and the data cannot disagree. For updates only the fields that changed are kept.
 */
@Injectable()
export class AuditService {
  constructor(private readonly db: DbService) {}

  async record(ctx: RequestContext, entry: AuditEntry): Promise<void> {
    const [before, after] = diff(entry.before ?? null, entry.after ?? null);
    await this.db.query(
      ctx,
      `INSERT INTO audit_log (actor_id, actor_name, org_id, action, entity, entity_id, summary, before, after, request_id, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        entry.actor ? entry.actor.id : (ctx.user?.id ?? null),
        entry.actor ? entry.actor.name : (ctx.user?.displayName ?? (ctx.isSystem ? 'system' : null)),
        entry.orgId ?? ctx.user?.orgId ?? null,
        entry.action,
        entry.entity,
        entry.entityId ?? null,
        entry.summary?.slice(0, 300) ?? null,
        before && JSON.stringify(before),
        after && JSON.stringify(after),
        ctx.requestId ?? null,
        ctx.ip ?? null,
      ],
    );
  }

  async list(ctx: RequestContext, q: AuditQueryDto): Promise<Paged<AuditLogDto>> {
    const qb = this.db
      .repo(ctx, AuditLog)
      .createQueryBuilder('a')
      .leftJoin('organization', 'o', 'o.id = a.org_id')
      .select('a')
      .addSelect('o.name', 'org_name');
    applyOrgScope(qb, ctx, 'a.org_id');
    if (q.entity) qb.andWhere('a.entity = :entity', { entity: q.entity });
    if (q.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: q.entityId });
    if (q.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: q.actorId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.from) qb.andWhere('a.created_at >= :from::date', { from: q.from });
    if (q.to) qb.andWhere(`a.created_at < (:to::date + interval '1 day')`, { to: q.to });
    if (q.q) qb.andWhere('(a.actor_name ILIKE :q OR a.summary ILIKE :q)', { q: `%${q.q}%` });
    return paginate(qb, q, { createdAt: 'a.created_at', action: 'a.action', entity: 'a.entity' }, '-createdAt', (row, raw) => ({
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      orgId: row.orgId,
      orgName: (raw.org_name as string) ?? null,
      action: row.action,
      entity: row.entity,
      entityId: row.entityId,
      summary: row.summary,
      before: row.before,
      after: row.after,
      requestId: row.requestId,
      ip: row.ip,
    }));
  }
}

function plain(o: object | null): Record<string, unknown> | null {
  if (!o) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN.has(k) || typeof v === 'function') continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** Keep only the fields that differ (ignoring bookkeeping columns) when both sides exist. */
export function diff(before: object | null, after: object | null): [Record<string, unknown> | null, Record<string, unknown> | null] {
  const b = plain(before);
  const a = plain(after);
  if (!b || !a) return [b, a];
  const skip = new Set(['updatedAt', 'version']);
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  const db: Record<string, unknown> = {};
  const da: Record<string, unknown> = {};
  for (const k of keys) {
    if (skip.has(k)) continue;
    if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) {
      db[k] = b[k] ?? null;
      da[k] = a[k] ?? null;
    }
  }
  return [db, da];
}
