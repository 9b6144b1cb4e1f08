import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALLOWED_READS, SHARED_READS, TABLE_OWNERS, WRITES_EXEMPT } from './table-owners';

/**
 * Table ownership (ARCHITECTURE §2): no module writes a table it does not own, and reads another
 * module's table in SQL only where table-owners.ts allows it. Scans the server's sources: raw SQL
 * (upper-case keywords, as the project writes them), kysely (`selectFrom('t')`, `updateTable('t')`…)
 * and TypeORM's query builder (`.from('t', …)`, `.innerJoin('t', …)`).
 */
const SRC = path.join(__dirname, '..');
const TABLES = new Set(Object.keys(TABLE_OWNERS));

export interface TableUse {
  table: string;
  write: boolean;
}

/** The tables a source text names in SQL, and whether it writes them. */
export function tablesUsed(source: string): TableUse[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const uses: TableUse[] = [];
  const scan = (re: RegExp, write: boolean) => {
    for (const m of text.matchAll(re)) if (TABLES.has(m[1])) uses.push({ table: m[1], write });
  };
  scan(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)/g, true);
  scan(/\b(?:FROM|JOIN)\s+"?(\w+)/g, false);
  scan(/\b(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*'(\w+)/g, true);
  scan(/\b(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin|from)\(\s*'(\w+)/g, false);
  scan(/\.(?:update|into)\(\s*'(\w+)'/g, true);
  return uses;
}

/** The code area of a source file: its module folder, or its platform folder (common, database, kernel). */
function areaOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel[0] === 'modules' ? rel[1] : rel[0];
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'schema.ts' ? [p] : [];
  });
}

describe('table ownership', () => {
  it('finds writes and reads in raw SQL, kysely and the query builder', () => {
    const found = tablesUsed(`
      // UPDATE receipt in a comment is not code
      db.query(tx, 'UPDATE sales_order SET x = 1 FROM unnest($1) t WHERE ...');
      db.query(tx, \`SELECT * FROM shipment s JOIN organization d ON d.id = s.dealer_id\`);
      this.db.k.insertInto('outbox').values({});
      this.db.k.selectFrom('receivable as r').innerJoin('allocation as a', 'a.x', 'r.y');
      qb.from('stock', 's').leftJoin('product', 'p', '...');
      INSERT INTO not_a_table VALUES (1);
    `);
    expect(found).toEqual([
      { table: 'sales_order', write: true },
      { table: 'shipment', write: false },
      { table: 'organization', write: false },
      { table: 'outbox', write: true },
      { table: 'receivable', write: false },
      { table: 'allocation', write: false },
      { table: 'stock', write: false },
      { table: 'product', write: false },
    ]);
  });

  it('every module writes only its own tables and reads others only where allowed', () => {
    const problems = new Set<string>();
    for (const file of sources(SRC)) {
      const area = areaOf(file);
      for (const use of tablesUsed(fs.readFileSync(file, 'utf8'))) {
        const owner = TABLE_OWNERS[use.table as keyof typeof TABLE_OWNERS];
        if (owner === area) continue;
        const where = `${path.relative(SRC, file)}: ${use.write ? 'writes' : 'reads'} ${use.table} (owner: ${owner})`;
        if (use.write) {
          if (!WRITES_EXEMPT.includes(area)) problems.add(where);
        } else if (!WRITES_EXEMPT.includes(area) && !SHARED_READS.includes(use.table as never) && !ALLOWED_READS.some((a) => a.module === area && a.table === use.table)) {
          problems.add(where);
        }
      }
    }
    expect([...problems].sort()).toEqual([]);
  });

  it('the allow-list names real modules and tables, and no shared table twice', () => {
    for (const a of ALLOWED_READS) {
      expect(TABLES.has(a.table)).toBe(true);
      expect(a.why.length).toBeGreaterThan(10);
      expect(SHARED_READS).not.toContain(a.table);
    }
  });
});
