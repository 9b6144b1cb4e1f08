import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives working defaults for a developer machine', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demoData).toBe(true);
    expect(c.dataDir.endsWith('.data')).toBe(true);
  });
  it('lists every bad key at once', () => {
    expect(() => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });
  it('refuses production without a JWT secret and turns demo data off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u:p@db:5432/drp' });
    expect(c.demoData).toBe(false);
  });
  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });
  it('without JWT_SECRET makes a random secret once and keeps it in the data folder (never a published value)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-config-'));
    try {
      const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
      expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'y'.repeat(20) }).jwtSecret).toBe('y'.repeat(20));
      // tests: a fresh one per app, nothing written
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-config-'));
      expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: other }).jwtSecret).not.toBe(first);
      expect(fs.existsSync(path.join(other, 'jwt-secret'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24' }).trustProxy).toBe('10.0.0.5, 10.0.1.0/24');
  });
});
