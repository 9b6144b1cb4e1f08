/**
 * The dealer list (GET /api/orgs?type=DEALER) as an HQ admin sees it, at N extra dealers: first
 * page, a searched page, and a deep page; each against the raw SQL the server runs for it (replayed),
 * and the first page also against the plain exact-count baseline (`list-plain`).
 */
import type { Pool } from 'pg';
import { EXACT_TOTAL_LIMIT } from '@drp/shared';
import { BenchSuite, CapturedQuery, capturePrincipalQueries, getJson, login, openServerQueryCapture, Scenario, SuiteContext } from './harness';

const PAGE_SIZE = 20;
/** a common substring: the Beijing branch's dealers carry it in name, address or region */
export const SEARCH_TERM = '北京';

// ---------------------------------------------------------------------------------------------
// test data: dealers under the demo branches, with Chinese names, contacts, addresses, regions

interface BranchProfile {
  /** the demo branch's code */
  parent: string;
  /** share of the generated dealers */
  weight: number;
  codePrefix: string;
  /** city name as used in names ("北京") and the region/address prefix ("北京市", "广东省广州市") */
  cityShort: string;
  regionPrefix: string;
  districts: string[];
  centre: [number, number];
}

const BRANCHES: BranchProfile[] = [
  {
    parent: 'BJ',
    weight: 0.3,
    codePrefix: 'BJ',
    cityShort: '北京',
    regionPrefix: '北京市',
    districts: ['东城区', '西城区', '朝阳区', '海淀区', '丰台区', '石景山区', '通州区', '昌平区', '大兴区', '顺义区', '房山区', '门头沟区'],
    centre: [116.4074, 39.9042],
  },
  { parent: 'BJ-CY', weight: 0.1, codePrefix: 'BJCY', cityShort: '北京', regionPrefix: '北京市', districts: ['朝阳区'], centre: [116.4864, 39.9215] },
  {
    parent: 'SH',
    weight: 0.35,
    codePrefix: 'SH',
    cityShort: '上海',
    regionPrefix: '上海市',
    districts: ['黄浦区', '徐汇区', '长宁区', '静安区', '普陀区', '虹口区', '杨浦区', '浦东新区', '闵行区', '宝山区', '嘉定区', '松江区', '青浦区'],
    centre: [121.4737, 31.2304],
  },
  {
    parent: 'GZ',
    weight: 0.25,
    codePrefix: 'GZ',
    cityShort: '广州',
    regionPrefix: '广东省广州市',
    districts: ['天河区', '越秀区', '海珠区', '荔湾区', '白云区', '番禺区', '黄埔区', '花都区', '南沙区', '增城区'],
    centre: [113.2644, 23.1291],
  },
];

const BRANDS = '华联 金盛 永辉 恒信 鑫源 聚丰 万家 百佳 福满 润泽 兴隆 宏达 嘉禾 天成 旺佳 瑞丰 东方 新世纪 百盛 好邻居 惠民 佳美 鸿运 和顺 广源 益民 金桥 顺发 合众 荣昌 盛世 泰和 安达 富源 隆昌 永和 凯旋 红星 同福 长青'.split(' ');
const KINDS = '商贸有限公司 批发部 便利店 超市 日用品商行 食品经营部 贸易行 百货商店 连锁超市 副食品批发 分销中心 商行 烟酒店 粮油店'.split(' ');
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢'.split('');
const GIVEN = '伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 志强 晓东 海燕 文博 子豪 雨桐 欣怡 国庆 红梅 立新 春生'.split(' ');
const STREETS = '中山路 人民路 解放路 建设路 和平路 新华路 胜利路 学院路 光明路 工业路 幸福路 文化路 商业街 东风路 青年路 花园路 滨江路 体育路 健康路 民主路'.split(' ');
const REMARKS = ['重点客户', '季节性客户', '新开客户，首单需预付', '节假日备货量大', '仅限工作日送货'];
const SETTLEMENTS = ['CASH', 'MONTHLY', 'CREDIT_DAYS'];

/** mulberry32: a small seeded generator, so every run builds the same data */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DealerBatch {
  code: string[];
  name: string[];
  parent: string[];
  status: string[];
  contact: string[];
  phone: string[];
  address: string[];
  region: string[];
  lng: number[];
  lat: number[];
  level: number[];
  settlement: string[];
  remark: (string | null)[];
  ageSeconds: number[];
}

function emptyBatch(): DealerBatch {
  return { code: [], name: [], parent: [], status: [], contact: [], phone: [], address: [], region: [], lng: [], lat: [], level: [], settlement: [], remark: [], ageSeconds: [] };
}

const INSERT_BATCH = `
  INSERT INTO organization (id, code, name, type, parent_id, path, depth, status, contact, phone, address, region,
                            longitude, latitude, price_level, settlement_method, remark, created_at, updated_at)
  SELECT d.id, d.code, d.name, 'DEALER', p.id, p.path || d.id::text || '/', p.depth + 1, d.status, d.contact, d.phone, d.address, d.region,
         d.lng, d.lat, d.level, d.settlement, d.remark, now() - make_interval(secs => d.age), now() - make_interval(secs => d.age / 2)
    FROM (SELECT gen_random_uuid() AS id, u.*
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::float8[], $10::float8[], $11::int2[], $12::text[], $13::text[], $14::int[])
                 AS u(code, name, parent_code, status, contact, phone, address, region, lng, lat, level, settlement, remark, age)) d
    JOIN organization p ON p.code = d.parent_code`;

/** Inserts `count` dealers spread over the demo branches (paths and depths from their parents). */
export async function insertDealers(pool: Pool, count: number, seed = 20261122): Promise<void> {
  const rnd = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  const perPrefix = new Map<string, number>();
  const missing = await pool.query<{ code: string }>('SELECT code FROM unnest($1::text[]) code WHERE code NOT IN (SELECT code FROM organization)', [BRANCHES.map((b) => b.parent)]);
  if (missing.rows.length) throw new Error(`the demo branches ${missing.rows.map((r) => r.code).join(', ')} are missing: is DEMO_DATA on?`);
  let batch = emptyBatch();
  const flush = async () => {
    if (!batch.code.length) return;
    const b = batch;
    await pool.query(INSERT_BATCH, [b.code, b.name, b.parent, b.status, b.contact, b.phone, b.address, b.region, b.lng, b.lat, b.level, b.settlement, b.remark, b.ageSeconds]);
    batch = emptyBatch();
  };
  for (let i = 0; i < count; i++) {
    let r = rnd();
    const branch = BRANCHES.find((b) => (r -= b.weight) < 0) ?? BRANCHES[BRANCHES.length - 1];
    const n = (perPrefix.get(branch.codePrefix) ?? 0) + 1;
    perPrefix.set(branch.codePrefix, n);
    const district = pick(branch.districts);
    const districtShort = district.replace(/(新区|区)$/, '');
    const withCity = rnd() < 0.35;
    batch.code.push(`D-${branch.codePrefix}${String(n).padStart(6, '0')}`);
    batch.name.push(`${withCity ? branch.cityShort : districtShort}${pick(BRANDS)}${pick(KINDS)}`);
    batch.parent.push(branch.parent);
    batch.status.push(rnd() < 0.03 ? 'DISABLED' : 'ACTIVE');
    batch.contact.push(`${pick(SURNAMES)}${pick(GIVEN)}`);
    batch.phone.push(`1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`);
    batch.address.push(`${branch.regionPrefix}${district}${pick(STREETS)}${1 + Math.floor(rnd() * 999)}号`);
    batch.region.push(`${branch.regionPrefix}${district}`);
    batch.lng.push(Math.round((branch.centre[0] + (rnd() - 0.5) * 0.5) * 1e6) / 1e6);
    batch.lat.push(Math.round((branch.centre[1] + (rnd() - 0.5) * 0.4) * 1e6) / 1e6);
    batch.level.push(1 + Math.floor(rnd() * 10));
    batch.settlement.push(pick(SETTLEMENTS));
    batch.remark.push(rnd() < 0.15 ? pick(REMARKS) : null);
    batch.ageSeconds.push(Math.floor(rnd() * 730 * 86400));
    if (batch.code.length >= 2000) await flush();
  }
  await flush();
  // VACUUM sets hint bits and the visibility map now, so neither autovacuum nor the first readers do it during a measurement
  await pool.query('VACUUM (ANALYZE) organization');
}

// ---------------------------------------------------------------------------------------------
// The SQL side replays the statements the built server's OrgService.list sends for the same request
// (captured on a connection of this process): the same columns, scope filter, count and page, by
// construction. Since 2026-12-07 that is one statement (the filter counted up to EXACT_TOTAL_LIMIT + 1
// rows beside the page and its child counts), plus an EXPLAIN for the estimate when the filter matches
// more rows. `list-plain` keeps the baseline the issue's first figures were measured against: the
// exact count, the page and the page's child counts as three plain statements.

const SEARCH_COLUMNS = ['o.code', 'o.name', 'o.contact', 'o.phone', 'o.region'];

/** The plain way (and the server's way before 2026-12-07): exact count(*), page, child counts of the page. */
function plainQueries(q: string | undefined, page: number) {
  const params: unknown[] = ['DEALER'];
  let where = 'o.type = $1';
  if (q) {
    params.push(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where += ` AND (${SEARCH_COLUMNS.map((c) => `${c} ILIKE $2`).join(' OR ')})`;
  }
  const count = { sql: `SELECT count(*)::int AS total FROM organization o WHERE ${where}`, params };
  const list = {
    sql: `SELECT o.* FROM organization o WHERE ${where}
           ORDER BY o.code ASC NULLS LAST, o.id ASC
           LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`,
    params,
  };
  const children = { sql: 'SELECT parent_id, count(*)::int AS n FROM organization WHERE parent_id = ANY($1) GROUP BY parent_id' };
  return { count, list, children };
}

interface OrgPage {
  items: { code: string }[];
  total: number;
  page: number;
  pageSize: number;
  totalIsEstimate?: boolean;
}

type Ctor<T> = new (...args: unknown[]) => T;
type ListQuery = { type: string; q?: string; page: number; pageSize: number };

/** The statements the built server sends for each list request (besides the principal check). */
async function captureListQueries(databaseUrl: string, userId: string, sessionId: string, requests: ListQuery[]): Promise<CapturedQuery[][]> {
  const cap = await openServerQueryCapture(databaseUrl);
  try {
    const { loadPrincipal } = cap.serverModule<{ loadPrincipal(db: unknown, ctx: unknown, userId: string, sessionId: string): Promise<unknown> }>('modules/auth/jwt.strategy');
    const { RequestContext } = cap.serverModule<{ RequestContext: Ctor<unknown> & { system(): unknown } }>('common/context/request-context');
    const { OrgService } = cap.serverModule<{ OrgService: Ctor<{ list(ctx: unknown, q: ListQuery): Promise<unknown> }> }>('modules/org/org.service');
    const user = await loadPrincipal(cap.db, RequestContext.system(), userId, sessionId);
    if (!user) throw new Error('the admin principal did not load');
    const rc = new RequestContext('bench', '127.0.0.1', user);
    const out: CapturedQuery[][] = [];
    for (const r of requests) {
      const { queries } = await cap.record(() => new OrgService(cap.db, undefined).list(rc, r));
      if (!queries.length) throw new Error('OrgService.list ran no query: update captureListQueries in e2e/bench/org-list.bench.ts');
      out.push(queries);
    }
    return out;
  } finally {
    await cap.close();
  }
}

export const orgListSuite: BenchSuite = {
  name: 'org-list',

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    await insertDealers(ctx.pool, ctx.size);
    const { rows } = await ctx.pool.query<{ dealers: number }>("SELECT count(*)::int AS dealers FROM organization WHERE type = 'DEALER'");
    ctx.log(`inserted ${ctx.size} dealers in ${((Date.now() - t0) / 1000).toFixed(1)}s (${rows[0].dealers} dealers in all)`);
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);
    const { rows } = await ctx.pool.query<{ total: number }>("SELECT count(*)::int AS total FROM organization WHERE type = 'DEALER'");
    const pages = Math.max(1, Math.ceil(rows[0].total / PAGE_SIZE));
    const deepPage = Math.max(1, Math.ceil(pages / 2));
    const specs = [
      { name: 'list', description: `dealers, page 1 of ${pages}`, q: undefined, page: 1, withPrincipalPlan: true },
      { name: 'search', description: `dealers matching q=${SEARCH_TERM}, page 1`, q: SEARCH_TERM, page: 1 },
      { name: 'deep-page', description: `dealers, page ${deepPage} of ${pages} (OFFSET ${(deepPage - 1) * PAGE_SIZE})`, q: undefined, page: deepPage },
    ];
    const captured = await captureListQueries(
      ctx.databaseUrl,
      auth.userId,
      auth.sessionId,
      specs.map((s) => ({ type: 'DEALER', ...(s.q ? { q: s.q } : {}), page: s.page, pageSize: PAGE_SIZE })),
    );

    const make = (spec: (typeof specs)[number], server: CapturedQuery[], plain = false): Scenario => {
      const { name, description, q, page } = spec;
      const query = new URLSearchParams({ type: 'DEALER', ...(q ? { q } : {}), page: String(page), pageSize: String(PAGE_SIZE) });
      const path = `/api/orgs?${query.toString()}`;
      const { count, list, children } = plainQueries(q, page);
      const sql = plain
        ? async (pool: Pool) => {
            for (const p of principal) await pool.query(p.sql, p.params);
            await pool.query(count.sql, count.params);
            const pageRows = await pool.query<{ id: string }>(list.sql, list.params);
            await pool.query(children.sql, [pageRows.rows.map((r) => r.id)]);
          }
        : async (pool: Pool) => {
            for (const p of principal) await pool.query(p.sql, p.params);
            for (const s of server) await pool.query(s.sql, s.params);
          };
      // the server's list statement (an EXPLAIN for the estimate, when sent, reads no rows: not analysed)
      const explain: Scenario['explain'] = plain ? { count, list } : { list: server[0] };
      if (spec.withPrincipalPlan && !plain) explain.principal = principal[0];
      return {
        name: plain ? `${name}-plain` : name,
        description: plain ? `${description}; SQL side: exact count + page + child counts (the baseline before 2026-12-07)` : description,
        path,
        headers,
        sqlUnit: plain
          ? "principal check (the server's own SQL) + count(*) + page query + child counts of the page, one after the other"
          : "principal check + the statements the server's OrgService.list sends for this request (captured from the built server), one after the other",
        sql,
        check: async () => {
          const api = await getJson<OrgPage>(ctx.baseUrl, path, auth.accessToken);
          const exact = (await ctx.pool.query<{ total: number }>(count.sql, count.params)).rows[0].total;
          const sqlCodes = (await ctx.pool.query<{ code: string }>(list.sql, list.params)).rows.map((r) => r.code);
          const apiCodes = api.items.map((i) => i.code);
          const warnings: string[] = [];
          if (!api.totalIsEstimate && api.total !== exact) warnings.push(`API total ${api.total} != exact count ${exact}`);
          if (api.totalIsEstimate && (api.total <= EXACT_TOTAL_LIMIT || Math.abs(api.total - exact) / exact > 0.5)) warnings.push(`API estimate ${api.total} is far from the exact count ${exact}`);
          const same = apiCodes.length === sqlCodes.length && apiCodes.every((c, i) => c === sqlCodes[i]);
          if (!same) warnings.push(`API page differs from the SQL page (API ${apiCodes.slice(0, 3).join(',')}..., SQL ${sqlCodes.slice(0, 3).join(',')}...)`);
          if (!apiCodes.length) warnings.push('the page is empty');
          return { apiTotal: api.total, sqlTotal: exact, sameFirstPage: same, warnings, notes: { totalIsEstimate: !!api.totalIsEstimate, serverStatements: server.length } };
        },
        explain,
      };
    };

    return [...specs.map((s, i) => make(s, captured[i])), make(specs[0], captured[0], true)];
  },
};
