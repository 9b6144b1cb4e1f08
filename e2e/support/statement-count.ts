import { Client } from 'pg';

/**
 * Counts the SQL statements every pg client sends while `counted` runs (transaction control
 * included): the app's pool and any other client of this process, so the test's own queries
 * (t.sql) must not run inside. A count is deterministic, unlike a time: bounds on it catch an N+1
 * or a doubled read. `install` in beforeAll, `uninstall` in afterAll.
 */
export function statementCounter() {
  const original = Client.prototype.query;
  let counting = false;
  let count = 0;
  return {
    install(): void {
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        if (counting) count++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof Client.prototype.query;
    },
    uninstall(): void {
      Client.prototype.query = original;
    },
    /** `fn`'s answer and how many statements were sent while it ran */
    async counted<T>(fn: () => Promise<T>): Promise<[T, number]> {
      count = 0;
      counting = true;
      try {
        return [await fn(), count];
      } finally {
        counting = false;
      }
    },
  };
}

/**
 * The statement (text and parameters) the server sends while `fn` runs that selects the page's ids
 * of `alias` (pageIdsOf's `ARRAY((select "<alias>"."id"::text ...))`): exactly one is expected.
 * For EXPLAIN ANALYZE of what the server really sends.
 */
export async function pageIdsStatement(fn: () => Promise<unknown>, alias: string): Promise<{ text: string; values: unknown[] }> {
  const original = Client.prototype.query;
  const seen: { text: string; values: unknown[] }[] = [];
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof first === 'string' ? first : first?.text;
    const values = (typeof first === 'string' ? args[1] : first?.values) as unknown[] | undefined;
    if (typeof text === 'string' && text.includes(`ARRAY((select "${alias}"."id"::text`)) seen.push({ text, values: Array.isArray(values) ? values : [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  try {
    await fn();
  } finally {
    Client.prototype.query = original;
  }
  if (seen.length !== 1) throw new Error(`expected one page statement of "${alias}", the server sent ${seen.length}`);
  return seen[0];
}
