import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Typed configuration, parsed once at boot from the environment (STYLE: "config validated once").
 * No other server file reads process.env. Defaults suit a developer's machine; production must
 * set JWT_SECRET and DATABASE_URL explicitly.
 */

/** The monorepo root: the folder holding turbo.json above this file (src or dist). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'turbo.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** named (server-side prepared) statements on the pool's connections; false behind PgBouncer < 1.21 in transaction mode */
  DB_PREPARED_STATEMENTS: bool.default(true),
  /** server worker processes on one port (cluster mode); unset: one per CPU core */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  DATA_DIR: z.string().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  JWT_SECRET: z.string().min(16).optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(10).default(900),
  REFRESH_TTL_DAYS: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(300),
  /** failed attempts (any account) from one address within the window that lock the address */
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).default(30),
  DEMO_DATA: bool.optional(),
  JOBS_ENABLED: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COMPANY_TZ: z.string().default('Asia/Shanghai'),
  WEB_DIST: z.string().optional(),
  /** the proxies whose X-Forwarded-For is believed (Express "trust proxy": addresses, subnets, or a hop count); unset: none */
  TRUST_PROXY: z.string().optional(),
  /** where the daily backups go (default DATA_DIR/backups) */
  BACKUP_DIR: z.string().optional(),
  /** how many of the newest daily backup files are kept */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  /** when the backup job runs (cron, in COMPANY_TZ): daily at 02:30 by default */
  BACKUP_CRON: z.string().regex(/^\S+( \S+){4}$/, 'five cron fields, e.g. "30 2 * * *"').default('30 2 * * *'),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** undefined: start the embedded PostgreSQL */
  databaseUrl?: string;
  dbPoolSize: number;
  dbPreparedStatements: boolean;
  /** worker processes serving the port (1: no cluster, the process serves by itself) */
  webConcurrency: number;
  dataDir: string;
  embeddedPgPort: number;
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlDays: number;
  /**
   * Failed sign-in / change-password / activation throttles: `maxFailures` per (account, address)
   * lock that pair, `addressMaxFailures` per address (any account) lock the address, both for
   * `lockSeconds`; an account failing from many addresses slows each address exponentially.
   */
  login: { maxFailures: number; addressMaxFailures: number; windowSeconds: number; lockSeconds: number };
  demoData: boolean;
  jobsEnabled: boolean;
  logLevel: string;
  companyTz: string;
  webDist: string;
  version: string;
  /** Express "trust proxy" value: false (believe no X-Forwarded-For), a hop count, or addresses / subnets */
  trustProxy: boolean | number | string;
  /** the scheduled backup: folder, how many files to keep, when (cron in companyTz) */
  backup: { dir: string; keep: number; cron: string };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "not set" (docker-compose passes VAR= through).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const root = repoRoot();
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in production (16+ characters)');
  }
  let version = '0.0.0';
  try {
    version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  } catch {
    /* running outside the repo: keep the placeholder */
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.DB_POOL_SIZE,
    dbPreparedStatements: e.DB_PREPARED_STATEMENTS,
    webConcurrency: e.WEB_CONCURRENCY ?? os.availableParallelism(),
    dataDir: path.resolve(e.DATA_DIR ?? path.join(root, '.data')),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    jwtSecret: e.JWT_SECRET ?? localJwtSecret(e.NODE_ENV, path.resolve(e.DATA_DIR ?? path.join(root, '.data'))),
    accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
    refreshTtlDays: e.REFRESH_TTL_DAYS,
    login: { maxFailures: e.LOGIN_MAX_FAILURES, addressMaxFailures: e.LOGIN_ADDRESS_MAX_FAILURES, windowSeconds: e.LOGIN_WINDOW_SECONDS, lockSeconds: e.LOGIN_LOCK_SECONDS },
    demoData: e.DEMO_DATA ?? e.NODE_ENV !== 'production',
    jobsEnabled: e.JOBS_ENABLED,
    logLevel: e.LOG_LEVEL,
    companyTz: e.COMPANY_TZ,
    webDist: path.resolve(e.WEB_DIST ?? path.join(root, 'web', 'dist')),
    version,
    backup: { dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR ?? path.join(root, '.data'), 'backups')), keep: e.BACKUP_KEEP, cron: e.BACKUP_CRON },
    trustProxy: e.TRUST_PROXY === undefined ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
  };
}

/**
 * Without JWT_SECRET (never in production, refused above): a random secret made on the first start
 * and kept in the data folder, so tokens survive restarts on a laptop and no published value ever
 * signs them; tests get a fresh one per app.
 */
function localJwtSecret(env: string, dataDir: string): string {
  if (env === 'test') return randomBytes(32).toString('hex');
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    // wx: two processes starting at once keep the first one's secret
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
    return secret;
  }
}

/** Injection token for the parsed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
