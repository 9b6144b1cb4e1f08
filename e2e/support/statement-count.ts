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
