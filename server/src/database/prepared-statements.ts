import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Server-side prepared statements for the pool's connections (issue #17). A parameterised
 * statement the process has sent before is sent as a named statement: PostgreSQL parses and
 * analyses it once per connection and, after a few runs, reuses one generic plan where that is
 * as good as a fresh one (`plan_cache_mode = auto`). On the order path this took more of the
 * database's CPU than the orders' own work: 30 statements parsed and planned for every order.
 *
 * Bounded on both sides:
 * - a text is named only from its second sighting in the process, so one-off statements
 *   (migrations, the seed, a multi-row insert of an unusual size) are never prepared;
 * - each connection keeps at most `PREPARED_PER_CONNECTION` statements, least recently used
 *   first out (`DEALLOCATE`, queued behind whatever the connection is running).
 *
 * An evicted text comes back under a new name, never its old one, so a statement queued before
 * the eviction and one queued after it cannot meet a name PostgreSQL has or has not yet dropped.
 * Statements without parameters (transaction control, DDL) keep the simple protocol; searches
 * (a pattern that is a parameter) stay unnamed (PATTERN_PARAMETER).
 *
 * Off with DB_PREPARED_STATEMENTS=false, for a connection pooler in transaction mode that does not
 * keep named statements across transactions (PgBouncer before 1.21).
 */
export const PREPARED_PER_CONNECTION = 200;
/** texts remembered for the "seen before" test; forgotten all at once when full */
const SEEN_LIMIT = 5000;
/** longer texts are bulk statements of one shape per size: not worth a slot */
const MAX_TEXT = 20_000;
/**
 * A search's plan depends on its pattern, which a generic plan cannot see: it guesses a few rows
 * for any `ILIKE $1` and picks a plan that fits that guess (the dealer search over 10,000
 * dealers: 6 ms planned for its pattern, 25 ms with the generic plan PostgreSQL chose by itself
 * after five runs). So a statement whose pattern is a parameter (`ILIKE $3`, `LIKE ANY($2::text[])`,
 * `LIKE '%' || $1`) stays unnamed, planned for its pattern every time. A pattern built from a
 * column (`c.path LIKE rc.path || '%'`, the organisation and category trees) is no reason: a fresh
 * plan cannot see it either, and such statements are on every order (the product range, the price
 * resolver: parsed and planned per order, ~1.2 ms of the database's time, before this was narrowed).
 */
const PATTERN_PARAMETER = /\b(?:i?like|similar\s+to)\s+(?:any\s*)?[(\s]*(?:'(?:[^']|'')*'\s*\|\|\s*)?\$\d/i;

const seen = new Set<string>();

/** pg's record of the names this connection has parsed (pg 8, `Connection.parsedStatements`) */
type ParsedStatements = Record<string, string>;

export class PreparingClient extends Client {
  /** statements kept per connection (lowered by the test of eviction) */
  static limit = PREPARED_PER_CONNECTION;
  /** text → name on this connection, in least-recently-used order (oldest first) */
  private readonly prepared = new Map<string, string>();
  private generation = 0;

  // the overloads of pg's query() stay as they are: only (text, values) is rewritten
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0 && text.length <= MAX_TEXT && !PATTERN_PARAMETER.test(text)) {
      const name = this.nameFor(text);
      if (name) return (super.query as (...a: unknown[]) => never)({ name, text, values });
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  /** the statement's name on this connection, or undefined to send it unnamed */
  private nameFor(text: string): string | undefined {
    const known = this.prepared.get(text);
    if (known) {
      // most recently used last
      this.prepared.delete(text);
      this.prepared.set(text, known);
      return known;
    }
    if (!seen.has(text)) {
      if (seen.size >= SEEN_LIMIT) seen.clear();
      seen.add(text);
      return undefined;
    }
    const parsed = (this as unknown as { connection?: { parsedStatements?: ParsedStatements } }).connection?.parsedStatements;
    // pg's internals are not what this was written for: stay unnamed rather than guess
    if (!parsed || typeof parsed !== 'object') return undefined;
    while (this.prepared.size >= PreparingClient.limit) this.evictOldest(parsed);
    const name = `drp_${createHash('sha1').update(text).digest('hex').slice(0, 16)}_${(this.generation++).toString(36)}`;
    this.prepared.set(text, name);
    return name;
  }

  private evictOldest(parsed: ParsedStatements): void {
    const [text, name] = this.prepared.entries().next().value as [string, string];
    this.prepared.delete(text);
    // Only a name PostgreSQL holds: DEALLOCATE of an unknown one is an error, and inside the
    // transaction the connection may be running, an error would abort that transaction. It is
    // queued like any statement; pg forgets the name once PostgreSQL has dropped it (a failure
    // leaves both as they were, under a name never used again).
    if (parsed[name] === undefined) return;
    (super.query as (q: string, cb: (err: Error | null) => void) => void)(`DEALLOCATE "${name}"`, (err) => {
      if (!err) delete parsed[name];
    });
  }
}

/** The pool's `Client` option: the preparing client, or pg's own when turned off. */
export function poolClient(prepare: boolean): typeof Client {
  return prepare ? PreparingClient : Client;
}
