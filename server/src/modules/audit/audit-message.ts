/**
 * What an audit entry says, as facts a client words in its reader's language (a message key and
 * its values: codes, numbers, statuses, counts), as notifications do. The stored `summary` stays
 * the fallback text. Keys (worded in web/src/views/audit/lib/wording.ts):
 * - `auth.login` / `auth.logout` / `auth.login_failed` / `auth.throttle_lock` / `auth.refresh_reuse` { name }
 * - `transition` { action, entity, from, to, note }: a document's status moved (the kernel's moves)
 * - `import` { what, created, updated }
 * - `mall_publish` / `mall_unpublish` { count }
 * - `settings` { stockControl, priceScale }
 * - `generic` { action, entity, label }: anything else ("新增 商品 SP0001")
 */
export type AuditMessageValue = string | number | boolean | null;
export interface AuditMessage {
  key: string;
  values: Record<string, AuditMessageValue>;
}

/** The parts of an audit entry a message is derived from. */
export interface AuditFacts {
  action: string;
  entity: string;
  before?: object | null;
  after?: object | null;
  actor?: { id: string | null; name: string };
}

const AUTH_ACTIONS = new Set(['login', 'logout', 'login_failed', 'throttle_lock', 'refresh_reuse']);
const LABEL_FIELDS = ['number', 'code', 'username', 'name', 'title', 'contact'] as const;

function field(o: object | null | undefined, key: string): unknown {
  return o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}
function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null;
}
function count(v: unknown): number {
  return typeof v === 'number' ? v : Array.isArray(v) ? v.length : 0;
}

/** A status move as a message (the document kernel's transitions use it). */
export function transitionMessage(entity: string, action: string | null, from: string | null, to: string, note: string | null): AuditMessage {
  return { key: 'transition', values: { action: action ?? null, entity, from, to, note: note ?? null } };
}

/** The message of an entry that names none: what its action, entity and before/after tell. */
export function deriveAuditMessage(e: AuditFacts, actorName: string | null): AuditMessage {
  if (e.entity === 'auth' && AUTH_ACTIONS.has(e.action)) return { key: `auth.${e.action}`, values: { name: e.actor?.name ?? actorName } };
  const from = text(field(e.before, 'status'));
  const to = text(field(e.after, 'status'));
  if (from && to && from !== to) {
    return transitionMessage(e.entity, e.action, from, to, text(field(e.after, 'note')) ?? text(field(e.after, 'reason')));
  }
  if (e.action.startsWith('import_')) {
    return { key: 'import', values: { what: e.action.slice('import_'.length), created: count(field(e.after, 'created')), updated: count(field(e.after, 'updated')) } };
  }
  if (e.action === 'mall_publish' || e.action === 'mall_unpublish') return { key: e.action, values: { count: count(field(e.after, 'productIds')) } };
  if (e.entity === 'company_settings') {
    return { key: 'settings', values: { stockControl: text(field(e.after, 'stockControl')), priceScale: text(field(e.after, 'priceScale')) } };
  }
  let label: string | null = null;
  for (const k of LABEL_FIELDS) label ??= text(field(e.after, k)) ?? text(field(e.before, k));
  return { key: 'generic', values: { action: e.action, entity: e.entity, label } };
}
