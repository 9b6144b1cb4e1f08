/**
 * Invoices (issue #13): lookup over N invoices (BENCH_INVOICES, default 1,000,000; 100,000 when only the
 * reconciliation runs, BENCH_INVOICES_PARTS=reconcile: the issue's case) and the import + reconciliation of an
 * R-row platform export (BENCH_RECON_ROWS, default 100,000) against the R system invoices of its date range.
 *
 * Test data, set-based (INSERT .. SELECT generate_series): N invoices, 90% 数电 (20-digit numbers),
 * 10% old electronic 普票 (12-digit code 011002400311 + 8-digit number), buyers spread over 5,000
 * names and tax ids; the first R dated in January 2024 (the reconciled month), the rest in 2022-2023.
 *
 * Lookup (throughput, autocannon vs pg.Pool): GET /api/invoices?q= with a 数电 number, an 8-digit
 * number, a code + number typed with spaces, a tax id, a name, and the unfiltered first page, as
 * an HQ admin; the SQL side runs the principal lookup and the same count, page and load queries.
 *
 * Reconciliation (one shot): the platform workbook (written with exceljs' streaming writer as the
 * platform does: numeric codes and amounts, dates as dates, a merged title, a totals row), R rows:
 * 1% amounts changed, 1% statuses changed, 0.5% unknown numbers, 0.5% duplicated rows, 0.5% bad
 * buyer tax ids; POST /api/invoice-reconciliations, wall time and the server's peak RSS (the file is
 * streamed, never loaded whole). The SQL side stages the same rows (unnest arrays into a temporary
 * table) and computes the same categories in one transaction, without the workbook.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import {
  ActivityProfile, BenchSuite, capturePrincipalQueries, getJson, intEnv, login, LoginResult, Notes, OneShotScenario, readPeakRssKb, readRssKb, resetPeakRss, round, sampleActivity, Scenario,
  SuiteContext,
} from './harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SELLER = '91110108MA01DRP0HD';
const GOOD_BUYER = '91350213678251743X';
const BAD_BUYER = '91350100M000100Y44';
const PAGE_SIZE = 20;

/** BENCH_INVOICES_PARTS: which parts run (default both): `lookup` (the throughput scenarios), `reconcile` (the one-shot import) */
const parts = () => new Set((process.env.BENCH_INVOICES_PARTS || 'lookup,reconcile').split(',').map((x) => x.trim()));

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined where unreadable. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // after "pid (comm) ": state is field 0, utime field 11, stime field 12 (clock ticks, 100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Where the server's time went: database statements (sampled from pg_stat_activity), the rest outside the database. */
function profileNotes(p: ActivityProfile | undefined, seconds: number): Notes {
  if (!p) return {};
  const notes: Notes = { dbBusySeconds: p.busySeconds, outsideDbSeconds: round(Math.max(0, seconds - p.busySeconds), 2) };
  p.statements.slice(0, 8).forEach((st, i) => (notes[`db${i + 1}`] = `${st.seconds}s ${st.sql.slice(0, 90)}`));
  return notes;
}

const elecOf = (i: number) => `24${String(i).padStart(18, '0')}`;
const numberOf = (i: number) => String(i).padStart(8, '0');

/** $1 invoices, $2 recon rows (dated 2024-01), $3 scope org (HQ). */
const INSERT_INVOICES = `
  INSERT INTO invoice (type, kind, elec_number, code, number, issue_date, seller_name, seller_tax_id, buyer_name, buyer_tax_id, scope_org_id, amount, tax, total, status, source, issuer)
  SELECT CASE WHEN i % 10 = 0 THEN '10' ELSE '82' END, 'BLUE',
         CASE WHEN i % 10 = 0 THEN NULL ELSE '24' || lpad(i::text, 18, '0') END,
         CASE WHEN i % 10 = 0 THEN '011002400311' END,
         CASE WHEN i % 10 = 0 THEN lpad(i::text, 8, '0') END,
         CASE WHEN i <= $2 THEN date '2024-01-01' + (i % 31) ELSE date '2022-01-01' + (i % 700) END,
         '总部', '${SELLER}', '压测客户' || (i % 5000) || '商贸有限公司', '9135' || lpad((i % 5000)::text, 13, '0') || 'X', $3::uuid,
         (100 + i % 900)::numeric(18,2), round((100 + i % 900) * 0.13, 2), (100 + i % 900) + round((100 + i % 900) * 0.13, 2), 'NORMAL', 'IMPORTED', '压测'
    FROM generate_series(1, $1::int) i`;

interface PlatformRow {
  i: number;
  elec: string | null;
  code: number | null;
  number: number | null;
  date: Date;
  amount: number;
  tax: number;
  total: number;
  status: string;
  buyer: string;
}

/** The platform's rows for system invoices 1..R, with the planted differences. */
function platformRows(r: number): PlatformRow[] {
  const out: PlatformRow[] = [];
  for (let i = 1; i <= r; i++) {
    const a = 100 + (i % 900);
    const tax = Math.round(a * 13) / 100;
    const paper = i % 10 === 0;
    const row: PlatformRow = {
      i, elec: paper ? null : elecOf(i), code: paper ? 11002400311 : null, number: paper ? i : null, date: new Date(Date.UTC(2024, 0, 1 + (i % 31))),
      amount: a, tax, total: Math.round((a + tax) * 100) / 100, status: '正常', buyer: GOOD_BUYER,
    };
    if (i % 100 === 7) { row.amount += 1; row.total = Math.round((row.amount + row.tax) * 100) / 100; } // AMOUNT_MISMATCH
    if (i % 100 === 13) row.status = '已红冲-全额'; // STATUS_MISMATCH
    if (i % 200 === 21) row.elec = paper ? null : `25${String(i).padStart(18, '0')}`; // MISSING_IN_SYSTEM (+ MISSING_ON_PLATFORM for i)
    if (i % 200 === 33) row.buyer = BAD_BUYER; // INVALID_TAX_ID
    out.push(row);
    if (i % 200 === 47) out.push({ ...row }); // DUPLICATE
  }
  return out;
}

const HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '发票风险等级', '开票人', '备注'];

async function writeWorkbook(file: string, rows: PlatformRow[]): Promise<void> {
  // shared strings, as Excel and the platform write them (with inline strings, exceljs' streaming reader misread one
  // status cell in a few thousand rows: a multi-byte character split at a chunk boundary, to be looked into)
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('发票基础信息');
  const title = ws.addRow(['全量发票查询（开具） 2024-01-01 至 2024-01-31']);
  ws.mergeCells(1, 1, 1, HEAD.length);
  title.commit();
  ws.addRow(HEAD).commit();
  let n = 0;
  for (const r of rows) {
    const row = ws.addRow([++n, r.code, r.number, r.elec, SELLER, '总部', r.buyer, `压测客户${r.i % 5000}商贸有限公司`, r.date, r.amount, r.tax, r.total, '电子发票服务平台',
      r.elec ? '数电发票（普通发票）' : '增值税电子普通发票', r.status, '是', '正常', '压测', null]);
    row.getCell(9).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.commit();
  }
  ws.addRow([]).commit();
  ws.addRow(['合计', null, null, null, null, null, null, null, null, rows.reduce((a, r) => a + r.amount, 0)]).commit();
  ws.commit();
  const lines = wb.addWorksheet('信息汇总表');
  lines.addRow(['明细']).commit();
  lines.commit();
  await wb.commit();
}

// ---------------------------------------------------------------------------------------------
// the raw-SQL baseline of the reconciliation: stage, match, categorise (no workbook)

const STAGE = `CREATE TEMP TABLE b_stage (row_no int, match_key text, elec text, code text, num text, issue_date date, buyer_tax_id text, amount numeric(18,2), tax numeric(18,2),
  total numeric(18,2), status text, positive boolean, blue_elec text, tax_ok boolean) ON COMMIT DROP`;
const CATEGORISE = `
  CREATE TEMP TABLE b_match ON COMMIT DROP AS
    SELECT f.*, i.id invoice_id, i.amount s_amount, i.tax s_tax, i.total s_total, i.status s_status, i.blue_id s_blue
      FROM (SELECT DISTINCT ON (match_key) * FROM b_stage ORDER BY match_key, row_no) f
      LEFT JOIN invoice ie ON f.elec IS NOT NULL AND ie.elec_number = f.elec
      LEFT JOIN invoice ic ON ie.id IS NULL AND f.code IS NOT NULL AND ic.code = f.code AND ic.number = f.num
      LEFT JOIN invoice i ON i.id = coalesce(ie.id, ic.id);
  CREATE TEMP TABLE b_finding ON COMMIT DROP AS
    SELECT c.category, s.row_no, s.invoice_id FROM b_match s
     CROSS JOIN LATERAL (VALUES
       (CASE WHEN s.invoice_id IS NULL THEN 'MISSING_IN_SYSTEM' END),
       (CASE WHEN s.invoice_id IS NOT NULL AND (s.amount <> s.s_amount OR s.tax <> s.s_tax OR s.total <> s.s_total) THEN 'AMOUNT_MISMATCH' END),
       (CASE WHEN s.invoice_id IS NOT NULL AND s.status <> s.s_status THEN 'STATUS_MISMATCH' END),
       (CASE WHEN s.invoice_id IS NOT NULL AND s.amount = s.s_amount AND s.tax = s.s_tax AND s.total = s.s_total AND s.status = s.s_status THEN 'MATCHED' END),
       (CASE WHEN NOT s.tax_ok THEN 'INVALID_TAX_ID' END)) c(category)
     WHERE c.category IS NOT NULL
    UNION ALL SELECT 'DUPLICATE', s.row_no, NULL FROM b_stage s JOIN b_match m ON m.match_key = s.match_key WHERE s.row_no <> m.row_no
    UNION ALL SELECT 'MISSING_ON_PLATFORM', NULL, i.id FROM invoice i
     WHERE i.issue_date BETWEEN (SELECT min(issue_date) FROM b_stage) AND (SELECT max(issue_date) FROM b_stage)
       AND NOT EXISTS (SELECT 1 FROM b_stage s WHERE i.elec_number IS NOT NULL AND s.elec = i.elec_number)
       AND NOT EXISTS (SELECT 1 FROM b_stage s WHERE i.code IS NOT NULL AND s.code = i.code AND s.num = i.number)`;

async function sqlReconcile(pool: Pool, rows: PlatformRow[]): Promise<Record<string, number>> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(STAGE);
    for (let k = 0; k < rows.length; k += 5000) {
      const part = rows.slice(k, k + 5000);
      const code = (r: PlatformRow) => (r.code === null ? null : String(r.code).padStart(12, '0'));
      await client.query(
        `INSERT INTO b_stage SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::numeric[], $9::numeric[], $10::numeric[], $11::text[], $12::boolean[], $13::text[], $14::boolean[])`,
        [
          part.map((_, j) => k + j + 3), part.map((r) => (r.elec ? `E:${r.elec}` : `C:${code(r)}:${numberOf(r.number!)}`)), part.map((r) => r.elec), part.map(code), part.map((r) => (r.number === null ? null : numberOf(r.number))),
          part.map((r) => r.date.toISOString().slice(0, 10)), part.map((r) => r.buyer), part.map((r) => r.amount.toFixed(2)), part.map((r) => r.tax.toFixed(2)), part.map((r) => r.total.toFixed(2)),
          part.map((r) => (r.status === '正常' ? 'NORMAL' : 'RED_FULL')), part.map(() => true), part.map(() => null), part.map((r) => r.buyer !== BAD_BUYER),
        ],
      );
    }
    await client.query('CREATE INDEX ON b_stage (match_key, row_no); CREATE INDEX ON b_stage (elec); CREATE INDEX ON b_stage (code, num); ANALYZE b_stage');
    await client.query(CATEGORISE);
    const { rows: counts } = await client.query<{ category: string; n: number }>('SELECT category, count(*)::int n FROM b_finding GROUP BY category');
    await client.query('ROLLBACK');
    return Object.fromEntries(counts.map((c) => [c.category, c.n]));
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------

interface Prepared {
  auth: LoginResult;
  rows: PlatformRow[];
  file: string;
  dir: string;
  fileBytes: number;
  buildSeconds: number;
}
const prepared = new Map<number, Prepared>();

export const invoicesSuite: BenchSuite = {
  name: 'invoices',
  // the reconciliation case is a 100,000-row export against 100,000 system invoices: the default size when only
  // the reconciliation runs; the lookup's is a register of 1,000,000 (BENCH_INVOICES sets either, e.g. 1000000 to reconcile
  // against a large register)
  sizesFromEnv: () => [intEnv('BENCH_INVOICES', parts().has('lookup') ? 1000000 : 100000, 1000)],

  async prepare(ctx: SuiteContext) {
    const recon = Math.min(intEnv('BENCH_RECON_ROWS', 100000, 100), ctx.size);
    const hq = (await ctx.pool.query<{ id: string }>("SELECT id FROM organization WHERE type = 'HQ' ORDER BY depth LIMIT 1")).rows[0].id;
    const t0 = Date.now();
    await ctx.pool.query(INSERT_INVOICES, [ctx.size, recon, hq]);
    await ctx.pool.query('ANALYZE invoice');
    ctx.log(`${ctx.size} invoices inserted in ${((Date.now() - t0) / 1000).toFixed(1)}s (${recon} of them in January 2024)`);
    const t1 = Date.now();
    const rows = platformRows(recon);
    const dir = mkdtempSync(path.join(tmpdir(), 'drp-bench-invoices-'));
    const file = path.join(dir, '全量发票查询.xlsx');
    await writeWorkbook(file, rows);
    const fileBytes = readFileSync(file).length;
    const buildSeconds = (Date.now() - t1) / 1000;
    ctx.onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
    ctx.log(`platform workbook: ${rows.length} rows, ${(fileBytes / 1024 / 1024).toFixed(1)} MB, written in ${buildSeconds.toFixed(1)}s`);
    prepared.set(ctx.size, { auth: await login(ctx.baseUrl, 'admin', 'Demo#2026'), rows, file, dir, fileBytes, buildSeconds });
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    if (!parts().has('lookup')) return [];
    const p = prepared.get(ctx.size)!;
    const headers = { authorization: `Bearer ${p.auth.accessToken}` };
    const principal = await capturePrincipalQueries(p.auth.userId, p.auth.sessionId);
    const probe = Math.floor(ctx.size * 0.77) || 1;
    const paperProbe = Math.max(10, Math.floor(probe / 10) * 10);
    const LOAD = `SELECT i.*, d.name AS dealer_name, (SELECT sb.name FROM organization sb WHERE so.path LIKE sb.path || '%' AND sb.type IN ('BRANCH','HQ') ORDER BY (sb.type = 'BRANCH') DESC, sb.depth DESC LIMIT 1) AS branch_name,
                         to_char(i.issue_date, 'YYYY-MM-DD') AS day
                    FROM invoice i JOIN organization so ON so.id = i.scope_org_id LEFT JOIN organization d ON d.id = i.dealer_id WHERE i.id = ANY($1::uuid[])`;
    const make = (name: string, description: string, q: string | null, where: string, params: unknown[]): Scenario => {
      const query = new URLSearchParams({ ...(q ? { q } : {}), pageSize: String(PAGE_SIZE) });
      const urlPath = `/api/invoices?${query.toString()}`;
      const count = { sql: `SELECT count(*)::int AS n FROM invoice i WHERE ${where}`, params };
      const list = { sql: `SELECT i.id FROM invoice i WHERE ${where} ORDER BY i.issue_date DESC NULLS LAST, i.id LIMIT ${PAGE_SIZE}`, params };
      return {
        name,
        description,
        path: urlPath,
        headers,
        sqlUnit: "principal lookup + count(*) + the page's ids + one load query for the page, as the server does per request",
        sql: async (pool: Pool) => {
          for (const pq of principal) await pool.query(pq.sql, pq.params);
          await pool.query(count.sql, count.params);
          const ids = (await pool.query<{ id: string }>(list.sql, list.params)).rows.map((r) => r.id);
          await pool.query(LOAD, [ids]);
        },
        check: async () => {
          const api = await getJson<{ total: number; items: { id: string }[] }>(ctx.baseUrl, urlPath, p.auth.accessToken);
          const sqlTotal = (await ctx.pool.query<{ n: number }>(count.sql, count.params)).rows[0].n;
          const warnings: string[] = [];
          if (api.total !== sqlTotal) warnings.push(`API total ${api.total} != SQL total ${sqlTotal}`);
          if (!api.items.length) warnings.push('the page is empty');
          return { apiTotal: api.total, sqlTotal, warnings };
        },
        explain: { count, list },
      };
    };
    return [
      make('by-elec-number', 'a pasted 20-digit 数电 number', elecOf(probe % 10 === 0 ? probe + 1 : probe), 'i.elec_number = $1', [elecOf(probe % 10 === 0 ? probe + 1 : probe)]),
      make('by-8-digit-number', 'an 8-digit 发票号码', numberOf(paperProbe), 'i.number = $1', [numberOf(paperProbe)]),
      make('by-code-number', 'a code + number typed with spaces', `011002400311  ${numberOf(paperProbe)}`, 'i.code = $1 AND i.number = $2', ['011002400311', numberOf(paperProbe)]),
      make('by-tax-id', "a buyer's tax id (about N/5000 invoices)", '91350000000000123X', '(i.buyer_tax_id = $1 OR i.seller_tax_id = $1)', ['91350000000000123X']),
      make('by-name', 'part of a buyer name (pg_trgm)', '压测客户4321商贸', "i.buyer_name ILIKE $1", ['%压测客户4321商贸%']),
      make('first-page', 'the register, newest first, no filter', null, 'true', []),
    ];
  },

  async oneShots(ctx: SuiteContext): Promise<OneShotScenario[]> {
    if (!parts().has('reconcile')) return [];
    const p = prepared.get(ctx.size)!;
    let apiCounts: Record<string, number> | undefined;
    let sqlCounts: Record<string, number> | undefined;
    const api = async (): Promise<Notes> => {
      const rssBefore = readRssKb(ctx.serverPid);
      const peakFromHere = resetPeakRss(ctx.serverPid);
      const blob = new Blob([new Uint8Array(readFileSync(p.file))], { type: XLSX });
      const cpu0 = cpuSeconds(ctx.serverPid);
      const sampler = sampleActivity(ctx.databaseUrl, 'drp-server');
      const t0 = process.hrtime.bigint();
      let text: string;
      let profile: ActivityProfile | undefined;
      try {
        const form = new FormData();
        form.append('file', blob, '全量发票查询.xlsx');
        const res = await fetch(`${ctx.baseUrl}/api/invoice-reconciliations`, { method: 'POST', headers: { authorization: `Bearer ${p.auth.accessToken}` }, body: form });
        text = await res.text();
        if (res.status !== 201) throw new Error(`POST /api/invoice-reconciliations answered ${res.status}: ${text.slice(0, 1000)}`);
      } finally {
        profile = await sampler.stop().catch(() => undefined);
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu1 = cpuSeconds(ctx.serverPid);
      apiCounts = (JSON.parse(text) as { counts: Record<string, number> }).counts;
      const peak = readPeakRssKb(ctx.serverPid);
      return {
        seconds: round(seconds, 2),
        serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1),
        serverRssBeforeMb: rssBefore === undefined ? undefined : round(rssBefore / 1024, 1),
        peakCountsFromStart: !peakFromHere || undefined,
        serverCpuSeconds: cpu0 === undefined || cpu1 === undefined ? undefined : round(cpu1 - cpu0, 2),
        ...profileNotes(profile, seconds),
        ...Object.fromEntries(Object.entries(apiCounts).map(([k, v]) => [`api${k}`, v])),
      };
    };
    const sql = async (): Promise<Notes> => {
      sqlCounts = await sqlReconcile(ctx.pool, p.rows);
      return Object.fromEntries(Object.entries(sqlCounts).map(([k, v]) => [`sql${k}`, v]));
    };
    const check = async () => {
      const warnings: string[] = [];
      for (const k of ['MATCHED', 'MISSING_IN_SYSTEM', 'MISSING_ON_PLATFORM', 'AMOUNT_MISMATCH', 'STATUS_MISMATCH', 'DUPLICATE', 'INVALID_TAX_ID']) {
        if ((apiCounts?.[k] ?? 0) !== (sqlCounts?.[k] ?? 0)) warnings.push(`${k}: API ${apiCounts?.[k]} vs SQL ${sqlCounts?.[k]}`);
      }
      return { warnings, notes: { fileMb: round(p.fileBytes / 1024 / 1024, 2), workbookBuildSeconds: round(p.buildSeconds, 2) } };
    };
    return [
      {
        name: 'reconcile',
        description: `import and reconcile a ${p.rows.length}-row platform export against ${ctx.size} invoices (${Math.min(intEnv('BENCH_RECON_ROWS', 100000, 100), ctx.size)} in its date range)`,
        rows: p.rows.length,
        apiUnit: `POST /api/invoice-reconciliations with the ${(p.fileBytes / 1024 / 1024).toFixed(1)} MB workbook (upload, stream, stage, categorise, store the findings), wall time`,
        sqlUnit: 'one transaction: unnest arrays into a temporary table, the same matching and categories into a temporary table, counts (no workbook, no findings kept)',
        settle: async () => void (await ctx.pool.query('CHECKPOINT').catch(() => undefined)),
        api,
        sql,
        check,
      },
    ];
  },
};

/** for a one-off measurement outside the harness */
export const __test = { platformRows, writeWorkbook };
