import { Injectable } from '@nestjs/common';
import { AuditLogDto, Paged } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { orgScope } from '../../common/scope/data-scope';
import { escapeLike, pageRowsOf } from '../../common/http/pagination';
import { AFTER_NUMBER_STAGE, DbService } from '../../database/db.service';
import { AuditQueryDto } from './audit.dto';
import { AuditMessage, deriveAuditMessage } from './audit-message';

export type { AuditMessage } from './audit-message';
export { transitionMessage } from './audit-message';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  /** the organisation the change belongs to: decides who may read the entry */
  orgId?: string | null;
  /** the stored fallback text (Chinese or English); readers see `message` worded in their language */
  summary?: string;
  /** what happened as a key and values the client words; derived from action/entity/before/after when not given */
  message?: AuditMessage;
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
    const actorName = entry.actor ? entry.actor.name : (ctx.user?.displayName ?? (ctx.isSystem ? 'system' : null));
    const message = entry.message ?? deriveAuditMessage(entry, actorName);
    // in a transaction the entries go in one INSERT after its numbering (AFTER_NUMBER_STAGE): summaries name the final numbers,
    // and no entry is a statement of its own while the transaction holds hot rows
    await this.db.insertAtEnd(
      ctx,
      'audit_log',
      {
        actor_id: entry.actor ? entry.actor.id : (ctx.user?.id ?? null),
        actor_name: actorName,
        org_id: entry.orgId ?? ctx.user?.orgId ?? null,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId ?? null,
        summary: entry.summary?.slice(0, 300) ?? null,
        message_key: message.key,
        message_values: JSON.stringify(message.values),
        before: before && JSON.stringify(before),
        after: after && JSON.stringify(after),
        request_id: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      },
      { stage: AFTER_NUMBER_STAGE },
    );
  }

  async list(ctx: RequestContext, q: AuditQueryDto): Promise<Paged<AuditLogDto>> {
    let query = this.db.k.selectFrom('audit_log as a').where(orgScope(ctx, 'a.org_id'));
    if (q.entity) query = query.where('a.entity', '=', q.entity);
    if (q.entityId) query = query.where('a.entity_id', '=', q.entityId);
    if (q.actorId) query = query.where('a.actor_id', '=', q.actorId);
    if (q.action) query = query.where('a.action', '=', q.action);
    if (q.from) query = query.where('a.created_at', '>=', sql<Date>`${q.from}::date`);
    if (q.to) query = query.where('a.created_at', '<', sql<Date>`(${q.to}::date + interval '1 day')`);
    if (q.q) {
      // the term matched literally: its % and _ are no wildcards
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('a.actor_name', 'ilike', like), eb('a.summary', 'ilike', like)]));
    }
    // one statement: the filter counted up to EXACT_TOTAL_LIMIT (estimated beyond, flagged) and the page's rows with their organisation
    const { rows, ...page } = await pageRowsOf(
      this.db,
      ctx,
      query,
      query.leftJoin('organization as o', 'o.id', 'a.org_id').selectAll('a').select('o.name as org_name'),
      q,
      { createdAt: 'a.created_at', action: 'a.action', entity: 'a.entity' },
      '-createdAt',
      ['a.id'],
    );
    return {
      ...page,
      items: rows.map((row) => ({
        id: row.id,
        createdAt: new Date(row.created_at).toISOString(),
        actorId: row.actor_id,
        actorName: row.actor_name,
        orgId: row.org_id,
        orgName: row.org_name ?? null,
        action: row.action,
        entity: row.entity,
        entityId: row.entity_id,
        summary: row.summary,
        messageKey: row.message_key,
        messageValues: (row.message_values as AuditLogDto['messageValues']) ?? null,
        before: row.before,
        after: row.after,
        requestId: row.request_id,
        ip: row.ip,
      })),
    };
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
