import { RequestContext } from '../../server/src/common/context/request-context';
import { DbService } from '../../server/src/database/db.service';
import { DocNumberService } from '../../server/src/database/doc-number.service';
import { businessDate } from '../../server/src/database/business-date';
import { JobsService } from '../../server/src/modules/jobs/jobs.service';
import { MAINTENANCE_JOB } from '../../server/src/modules/jobs/maintenance.job';
import { ESCALATION_JOB } from '../../server/src/modules/approval/approval.service';
import { MONTH_END_JOB } from '../../server/src/modules/finance/statement.service';
import { OUTBOX_JOB } from '../../server/src/kernel/outbox.service';
import { BACKUP_JOB } from '../../server/src/modules/backup/backup.service';
import { REMINDER_JOB as INVOICE_REMINDER_JOB } from '../../server/src/modules/invoicing/reconciliation.service';
import { NIGHTLY_JOB as REPLENISHMENT_NIGHTLY_JOB } from '../../server/src/modules/replenishment/replenishment.service';
import { REPORT_REMINDER_JOB } from '../../server/src/modules/visits/dealer-report-overdue.service';
import { bootTestApp, TestApp } from '../support/test-app';

describe('document numbers and transactions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('20 concurrent documents get 20 distinct consecutive numbers of the business day', async () => {
    const db = t.app.get(DbService);
    const numbers = t.app.get(DocNumberService);
    // prefixes no real document uses: the demo data has numbered today's orders already
    const today = businessDate(new Date(), 'Asia/Shanghai');
    const got = await Promise.all(Array.from({ length: 20 }, () => db.tx(RequestContext.system(), (tx) => numbers.next(tx, 'ZZ', today))));
    const day = today.replace(/-/g, '');
    expect(new Set(got).size).toBe(20);
    expect([...got].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ZZ${day}-${String(i + 1).padStart(4, '0')}`));
    // other document types count separately
    expect(await db.tx(RequestContext.system(), (tx) => numbers.next(tx, 'ZY', today))).toBe(`ZY${day}-0001`);
  });

  it('a rolled-back transaction leaves nothing behind, its audit entry included', async () => {
    const db = t.app.get(DbService);
    await expect(
      db.tx(RequestContext.system(), async (tx) => {
        await db.query(tx, `INSERT INTO audit_log (action, entity) VALUES ('probe', 'probe')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'probe'`))[0].n).toBe(0);
  });

  it('re-runs the whole unit after a serialization failure', async () => {
    const db = t.app.get(DbService);
    let attempts = 0;
    const result = await db.tx(RequestContext.system(), async (tx) => {
      attempts++;
      if (attempts === 1) await db.query(tx, `DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'simulated'; END $$`);
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
  });
});

describe('background jobs on pg-boss', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ JOBS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it('runs the maintenance job from its queue: old idempotency keys and spent sessions go', async () => {
    expect((await t.http.get('/api/health').expect(200)).body.jobs).toBe('up');
    const userId = await t.userId('admin');
    await t.sql(`INSERT INTO idempotency_key (user_id, key, method, path, request_hash, created_at) VALUES ($1, 'old-key-0001', 'POST', '/api/x', repeat('a', 64), now() - interval '2 days')`, [userId]);
    await t.sql(`INSERT INTO idempotency_key (user_id, key, method, path, request_hash) VALUES ($1, 'new-key-0001', 'POST', '/api/x', repeat('a', 64))`, [userId]);
    await t.sql(`INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() - interval '30 days')`, [userId]);
    await t.app.get(JobsService).send(MAINTENANCE_JOB, {});
    const deadline = Date.now() + 30000;
    let keys: { key: string }[] = [];
    while (Date.now() < deadline) {
      keys = await t.sql<{ key: string }>('SELECT key FROM idempotency_key ORDER BY key');
      if (keys.length === 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(keys.map((k) => k.key)).toEqual(['new-key-0001']);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM auth_session WHERE expires_at < now() - interval '7 days'`))[0].n).toBe(0);
  });

  it('keeps the schedules in pg-boss, in the company time zone: month-end statements, approval escalation, maintenance, backup, invoice reminder, nightly replenishment, missing dealer reports', async () => {
    const rows = await t.sql<{ name: string; cron: string; timezone: string }>('SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name');
    expect(rows).toEqual([
      { name: ESCALATION_JOB, cron: '*/10 * * * *', timezone: 'Asia/Shanghai' },
      { name: MONTH_END_JOB, cron: '0 2 1 * *', timezone: 'Asia/Shanghai' },
      { name: MAINTENANCE_JOB, cron: '17 * * * *', timezone: 'Asia/Shanghai' },
      // the outbox (SMS / e-mail deliveries, ...) is drained every minute
      { name: OUTBOX_JOB, cron: '* * * * *', timezone: 'Asia/Shanghai' },
      // the daily backup (BACKUP_CRON)
      { name: BACKUP_JOB, cron: '30 2 * * *', timezone: 'Asia/Shanghai' },
      // invoices: finance is reminded to reconcile at month end
      { name: INVOICE_REMINDER_JOB, cron: '0 9 28-31 * *', timezone: 'Asia/Shanghai' },
      // replenishment for every dealer, nightly
      { name: REPLENISHMENT_NIGHTLY_JOB, cron: '30 2 * * *', timezone: 'Asia/Shanghai' },
      // dealers who have not reported within the company's N days are reminded every morning
      { name: REPORT_REMINDER_JOB, cron: '0 9 * * *', timezone: 'Asia/Shanghai' },
    ].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('the scheduled jobs complete when their queue delivers them', async () => {
    const jobs = t.app.get(JobsService);
    // a month of demo activity (a receipt 60 days ago) that has no statements yet
    const [{ month }] = await t.sql<{ month: string }>(`SELECT to_char(current_date - 60, 'YYYY-MM') AS month`);
    const statements = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM statement WHERE to_char(period_from, 'YYYY-MM') = $1`, [month]))[0].n;
    expect(await statements()).toBe(0);
    const ids = [await jobs.send(ESCALATION_JOB, {}), await jobs.send(MONTH_END_JOB, { month }), await jobs.send(OUTBOX_JOB, {}), await jobs.send(REPLENISHMENT_NIGHTLY_JOB, {})];
    const deadline = Date.now() + 30000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = (await t.sql<{ state: string }>('SELECT state FROM pgboss.job WHERE id = ANY($1::uuid[])', [ids])).map((r) => r.state);
      if (states.length === 4 && states.every((s) => s === 'completed' || s === 'failed')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(states).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(await statements()).toBeGreaterThan(0);
    // the nightly replenishment ran for every dealer and is kept like a manual run
    expect(await t.sql(`SELECT trigger FROM replenishment_run`)).toEqual([{ trigger: 'NIGHTLY' }]);
  });
});
