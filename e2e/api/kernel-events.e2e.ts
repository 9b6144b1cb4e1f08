import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ApprovalDocType, ApprovalStatus, ErrorCode } from '@drp/shared';
import { RequestContext } from '../../server/src/common/context/request-context';
import { DomainError } from '../../server/src/common/errors/domain-error';
import { DbService } from '../../server/src/database/db.service';
import { DocNumberService } from '../../server/src/database/doc-number.service';
import { DocumentKernel } from '../../server/src/kernel/document-kernel.service';
import { EventBus } from '../../server/src/kernel/events';
import { OutboxService } from '../../server/src/kernel/outbox.service';
import { AuditService } from '../../server/src/modules/audit/audit.service';
import { APPROVAL } from '../../server/src/modules/approval/approval.events';
import { ApprovalService } from '../../server/src/modules/approval/approval.service';
import { NotificationChannel, NotificationInput, NotificationService } from '../../server/src/modules/notifications/notification.service';
import { wireRecorder } from '../support/round-trips';
import { statementCounter } from '../support/statement-count';
import { bootTestApp, TestApp } from '../support/test-app';

// an event and an outbox topic of this test only
declare module '../../server/src/kernel/events' {
  interface DomainEvents {
    KernelProbe: { n: number };
  }
}
declare module '../../server/src/kernel/outbox.service' {
  interface OutboxTopics {
    'test.probe': { n: number };
    'test.crowd': { n: number };
  }
}

/**
 * The document kernel's plumbing (issue #10): events reach their subscribers only for a committed
 * command; the outbox retries failed work with back-off and runs each item at least once, its
 * handlers staying idempotent; the start-up check refuses a broken state machine; the approval
 * machine writes statuses through the kernel and its notices name the document's final number.
 */
describe('kernel: events, outbox, state machines', () => {
  let t: TestApp;
  let db: DbService;
  const sys = () => RequestContext.system();
  const count = async (sql: string, params: unknown[] = []) => (await t.sql<{ n: number }>(sql, params))[0].n;

  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DbService);
  });
  afterAll(() => t.close());

  describe('events and the outbox', () => {
    const finals: number[] = [];
    const committed: number[] = [];
    const ran: { n: number; id: string }[] = [];
    beforeAll(() => {
      const events = t.app.get(EventBus);
      events.onFinal('KernelProbe', async (_tx, p) => void finals.push(p.n));
      events.onCommitted('KernelProbe', async (_ctx, p) => void committed.push(p.n));
      t.app.get(OutboxService).handle('test.probe', async (p, id) => void ran.push({ n: p.n, id }));
    });

    it('a rolled-back command publishes nothing and enqueues nothing; a committed one does both, once', async () => {
      const events = t.app.get(EventBus);
      const outbox = t.app.get(OutboxService);
      await expect(
        db.tx(sys(), async (tx) => {
          events.publish(tx, 'KernelProbe', { n: 1 });
          await outbox.enqueue(tx, 'test.probe', { n: 1 });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(finals).toEqual([]);
      expect(committed).toEqual([]);
      expect(ran).toEqual([]);
      expect(await count(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'test.probe'`)).toBe(0);

      await db.tx(sys(), async (tx) => {
        events.publish(tx, 'KernelProbe', { n: 2 });
        await outbox.enqueue(tx, 'test.probe', { n: 2 });
        // final handlers run at the end of the transaction, not when published
        expect(finals).toEqual([]);
      });
      // DbService.tx awaits the after-commit work: the outbox item has been tried already
      expect(finals).toEqual([2]);
      expect(committed).toEqual([2]);
      expect(ran.map((r) => r.n)).toEqual([2]);
      const [item] = await t.sql<{ id: string; done: boolean; attempts: number }>(`SELECT id, done_at IS NOT NULL AS done, attempts FROM outbox WHERE topic = 'test.probe'`);
      expect(item).toEqual({ id: ran[0].id, done: true, attempts: 1 });
      // done work is not run again
      await outbox.drain();
      expect(ran).toHaveLength(1);
    });

    it('rows written at the end (timelines, audit): one INSERT per table, in the order given, none on rollback, at once outside a transaction', async () => {
      const audit = t.app.get(AuditService);
      const entity = `probe-${randomUUID().slice(0, 8)}`;
      const rows = () => t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = $1 ORDER BY created_at, action`, [entity]);
      await expect(
        db.tx(sys(), async (tx) => {
          await audit.record(tx, { action: 'a1', entity });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await rows()).toEqual([]);
      await db.tx(sys(), async (tx) => {
        await audit.record(tx, { action: 'a1', entity });
        await audit.record(tx, { action: 'a2', entity });
        // not yet written: the entries wait for the end of the transaction
        expect((await db.query<{ n: number }>(tx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = $1`, [entity]))[0].n).toBe(0);
      });
      // three entries: BEGIN, one INSERT, COMMIT
      const counter = statementCounter();
      counter.install();
      try {
        const [, sent] = await counter.counted(() =>
          db.tx(sys(), async (tx) => {
            for (const action of ['b1', 'b2', 'b3']) await audit.record(tx, { action, entity });
          }),
        );
        expect(sent).toBe(3);
      } finally {
        counter.uninstall();
      }
      await t.sql(`DELETE FROM audit_log WHERE entity = $1 AND action LIKE 'b%'`, [entity]);
      expect((await rows()).map((r) => r.action)).toEqual(['a1', 'a2']);
      await audit.record(sys(), { action: 'a3', entity });
      expect((await rows()).map((r) => r.action)).toEqual(['a1', 'a2', 'a3']);

      // a timeline keeps the order of its rows (each a microsecond after the previous one)
      const [order] = await t.sql<{ id: string }>(`SELECT id FROM sales_order ORDER BY created_at LIMIT 1`);
      const before = await count(`SELECT count(*)::int AS n FROM sales_order_event WHERE order_id = $1`, [order.id]);
      await db.tx(sys(), async (tx) => {
        for (const note of ['n1', 'n2', 'n3']) await db.insertAtEnd(tx, 'sales_order_event', { order_id: order.id, action: 'NOTE', from_status: null, to_status: 'DRAFT', note: `${entity}-${note}` }, { stage: -2, ordered: true });
      });
      const written = await t.sql<{ note: string }>(`SELECT note FROM sales_order_event WHERE order_id = $1 AND note LIKE $2 ORDER BY created_at, id`, [order.id, `${entity}-%`]);
      expect(written.map((r) => r.note)).toEqual(['n1', 'n2', 'n3'].map((n) => `${entity}-${n}`));
      expect(await count(`SELECT count(*)::int AS n FROM sales_order_event WHERE order_id = $1`, [order.id])).toBe(before + 3);
      await t.sql(`DELETE FROM sales_order_event WHERE note LIKE $1`, [`${entity}-%`]);
    });

    it('rows of several tables deferred to one stage go in one statement, each table in its order; a refused chain of moves writes nothing', async () => {
      const [order] = await t.sql<{ id: string; status: string; version: number }>(`SELECT id, status, version FROM sales_order WHERE status = 'DRAFT' ORDER BY created_at LIMIT 1`);
      const [inst] = await t.sql<{ id: string }>(`SELECT id FROM approval_instance ORDER BY created_at LIMIT 1`);
      const tag = randomUUID().slice(0, 8);
      const counter = statementCounter();
      counter.install();
      try {
        const [, sent] = await counter.counted(() =>
          db.tx(sys(), async (tx) => {
            for (const n of ['n1', 'n2']) await db.insertAtEnd(tx, 'sales_order_event', { order_id: order.id, action: 'NOTE', from_status: null, to_status: 'DRAFT', note: `${tag}-${n}` }, { stage: -2, ordered: true });
            await db.insertAtEnd(tx, 'approval_event', { instance_id: inst.id, action: 'ESCALATE', step_index: null, step_name: null, actor_id: null, note: `${tag}-a1` }, { stage: -2, ordered: true });
            await db.insertAtEnd(tx, 'sales_order_event', { order_id: order.id, action: 'NOTE', from_status: null, to_status: 'DRAFT', note: `${tag}-n3` }, { stage: -2, ordered: true });
          }),
        );
        // BEGIN, one INSERT .. WITH for both tables, COMMIT
        expect(sent).toBe(3);
      } finally {
        counter.uninstall();
      }
      const timeline = await t.sql<{ note: string }>(`SELECT note FROM sales_order_event WHERE note LIKE $1 ORDER BY created_at, id`, [`${tag}-%`]);
      expect(timeline.map((r) => r.note)).toEqual(['n1', 'n2', 'n3'].map((n) => `${tag}-${n}`));
      expect(await count(`SELECT count(*)::int AS n FROM approval_event WHERE note = $1`, [`${tag}-a1`])).toBe(1);
      await t.sql(`DELETE FROM sales_order_event WHERE note LIKE $1`, [`${tag}-%`]);
      await t.sql(`DELETE FROM approval_event WHERE note LIKE $1`, [`${tag}-%`]);

      // DRAFT -> PENDING_APPROVAL -> SHIPPED is no path of the machine: refused before anything is written
      const kernel = t.app.get(DocumentKernel);
      await expect(
        db.tx(sys(), (tx) =>
          kernel.transitions(tx, 'SALES_ORDER', order.id, 'DRAFT', [
            { to: 'PENDING_APPROVAL', action: 'SUBMIT' },
            { to: 'SHIPPED', action: 'SHIP' },
          ]),
        ),
      ).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
      // a chain from a status the row is not in is refused by the guarded UPDATE
      await expect(
        db.tx(sys(), (tx) =>
          kernel.transitions(tx, 'SALES_ORDER', order.id, 'PENDING_APPROVAL', [
            { to: 'APPROVED', action: 'APPROVE' },
            { to: 'CANCELLED', action: 'CANCEL' },
          ]),
        ),
      ).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
      const [after] = await t.sql<{ status: string; version: number }>(`SELECT status, version FROM sales_order WHERE id = $1`, [order.id]);
      expect(after).toEqual({ status: order.status, version: order.version });
    });

    it('a write deferred to a stage (writeAtEnd) goes in that stage\'s one statement with its rows, after the earlier stages; outside a transaction at once; a failure rolls back everything', async () => {
      const [line] = await t.sql<{ id: string; order_id: string; remark: string | null }>(`SELECT id, order_id, remark FROM sales_order_line ORDER BY created_at LIMIT 1`);
      const tag = randomUUID().slice(0, 8);
      const setRemark = (remark: string) => db.k.updateTable('sales_order_line').set({ remark }).where('id', '=', line.id);
      const remarkNow = async () => (await t.sql<{ remark: string | null }>(`SELECT remark FROM sales_order_line WHERE id = $1`, [line.id]))[0].remark;
      const counter = statementCounter();
      counter.install();
      try {
        const seen: (string | null)[] = [];
        const [, sent] = await counter.counted(() =>
          db.tx(sys(), async (tx) => {
            await db.writeAtEnd(tx, setRemark(`${tag}-late`), { stage: 10 });
            await db.insertAtEnd(tx, 'sales_order_event', { order_id: line.order_id, action: 'NOTE', from_status: null, to_status: 'DRAFT', note: `${tag}-e1` }, { stage: 10, ordered: true });
            // an earlier stage runs first: it still sees the line as it was
            db.beforeCommit(tx, async () => {
              seen.push(((await db.query<{ remark: string | null }>(tx, 'SELECT remark FROM sales_order_line WHERE id = $1', [line.id]))[0]).remark);
            }, 0);
          }),
        );
        // BEGIN, the stage-0 read, one statement for the update and the row, COMMIT
        expect(sent).toBe(4);
        expect(seen).toEqual([line.remark]);
        expect(await remarkNow()).toBe(`${tag}-late`);
        expect(await count(`SELECT count(*)::int AS n FROM sales_order_event WHERE note = $1`, [`${tag}-e1`])).toBe(1);
        // only writes at a stage: one statement all the same
        const [, writesOnly] = await counter.counted(() =>
          db.tx(sys(), async (tx) => {
            await db.writeAtEnd(tx, setRemark(`${tag}-w1`), { stage: 10 });
            await db.writeAtEnd(tx, db.k.updateTable('sales_order').set({ remark: sql`remark` }).where('id', '=', line.order_id), { stage: 10 });
          }),
        );
        expect(writesOnly).toBe(3);
        expect(await remarkNow()).toBe(`${tag}-w1`);
        // outside a transaction: at once
        await db.writeAtEnd(sys(), setRemark(`${tag}-now`), { stage: 10 });
        expect(await remarkNow()).toBe(`${tag}-now`);
      } finally {
        counter.uninstall();
      }
      // a failing final step after the deferred write was queued: nothing of the transaction stays
      await expect(
        db.tx(sys(), async (tx) => {
          await db.writeAtEnd(tx, setRemark(`${tag}-lost`), { stage: 10 });
          db.beforeCommit(tx, async () => {
            await db.query(tx, 'SELECT 1/0');
          }, 20);
        }),
      ).rejects.toThrow();
      expect(await remarkNow()).toBe(`${tag}-now`);
      await t.sql(`UPDATE sales_order_line SET remark = $2 WHERE id = $1`, [line.id, line.remark]);
      await t.sql(`DELETE FROM sales_order_event WHERE note LIKE $1`, [`${tag}-%`]);
    });

    it('a transaction\'s ends cost no round trip of their own: BEGIN goes with its first statement, COMMIT with its last step\'s deferred writes; a failure in either leaves nothing and the connection serves on', async () => {
      const audit = t.app.get(AuditService);
      const entity = `probe-${randomUUID().slice(0, 8)}`;
      const entries = async () => (await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = $1 ORDER BY action`, [entity])).map((r) => r.action);
      const wire = wireRecorder();
      wire.install();
      try {
        // a read, then entries deferred to the end: [BEGIN + the read], [the entries + COMMIT]
        const [, [trips]] = await wire.recorded(() =>
          db.tx(sys(), async (tx) => {
            await db.query(tx, 'SELECT 1 AS one');
            await audit.record(tx, { action: 'r1', entity });
            await audit.record(tx, { action: 'r2', entity });
          }),
        );
        expect(trips).toEqual([['BEGIN', 'SELECT 1 AS one'], [expect.stringMatching(/^insert into "audit_log"/), 'COMMIT']]);
        expect(await entries()).toEqual(['r1', 'r2']);
        // only deferred writes: the whole transaction in one round trip
        const [, [only]] = await wire.recorded(() => db.tx(sys(), async (tx) => audit.record(tx, { action: 'r3', entity })));
        expect(only).toEqual([['BEGIN', expect.stringMatching(/^insert into "audit_log"/), 'COMMIT']]);
        // nothing to write: nothing sent
        const [, none] = await wire.recorded(() => db.tx(sys(), async () => undefined));
        expect(none).toEqual([]);
      } finally {
        wire.uninstall();
      }
      expect(await entries()).toEqual(['r1', 'r2', 'r3']);

      // the writes sent with the COMMIT fail (a NOT NULL column): the error is PostgreSQL's, the COMMIT rolls everything back
      const [order] = await t.sql<{ id: string; remark: string | null }>(`SELECT id, remark FROM sales_order ORDER BY created_at LIMIT 1`);
      const failed = db.tx(sys(), async (tx) => {
        await db.query(tx, `UPDATE sales_order SET remark = $2 WHERE id = $1`, [order.id, `${entity}-lost`]);
        await audit.record(tx, { action: 'lost', entity });
        await db.insertAtEnd(tx, 'sales_order_event', { order_id: order.id, action: 'NOTE', from_status: null, to_status: null as unknown as string, note: entity }, { stage: 10 });
      });
      await expect(failed).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23502' }) });
      expect((await t.sql<{ remark: string | null }>(`SELECT remark FROM sales_order WHERE id = $1`, [order.id]))[0].remark).toBe(order.remark);
      expect(await entries()).toEqual(['r1', 'r2', 'r3']);

      // the COMMIT itself fails (an order left without its number: the deferred trigger refuses it): nothing stays
      const [ref] = await t.sql<{ dealer_id: string; branch_id: string; warehouse_id: string }>(`SELECT dealer_id, branch_id, warehouse_id FROM sales_order LIMIT 1`);
      const unnumbered = db.tx(sys(), async (tx) => {
        await db.query(
          tx,
          `INSERT INTO sales_order (status, source, dealer_id, branch_id, warehouse_id, business_date, remark, total, tax_total, discount_total)
           VALUES ('DRAFT', 'CONSOLE', $1, $2, $3, current_date, $4, 0, 0, 0)`,
          [ref.dealer_id, ref.branch_id, ref.warehouse_id, entity],
        );
        await audit.record(tx, { action: 'unnumbered', entity });
      });
      await expect(unnumbered).rejects.toMatchObject({ query: 'COMMIT' });
      expect(await count(`SELECT count(*)::int AS n FROM sales_order WHERE remark = $1`, [entity])).toBe(0);
      expect(await entries()).toEqual(['r1', 'r2', 'r3']);

      // every connection of the pool still serves: as many transactions at once as it has connections
      const poolSize = (db.dataSource.driver as unknown as { master: { options: { max: number } } }).master.options.max;
      const ids = await Promise.all(Array.from({ length: poolSize }, (_, i) => db.tx(sys(), async (tx) => (await db.query<{ n: number }>(tx, 'SELECT $1::int AS n', [i]))[0].n)));
      expect(ids).toEqual(Array.from({ length: poolSize }, (_, i) => i));
      await t.sql(`DELETE FROM audit_log WHERE entity = $1`, [entity]);
    });

    it('statements a transaction starts together go in one batch, answered each in turn; a failure among them is the error reported, a step that overlaps goes with the next, and nothing of a failed transaction runs after it', async () => {
      const entity = `probe-${randomUUID().slice(0, 8)}`;
      const audit = t.app.get(AuditService);
      const wire = wireRecorder();
      wire.install();
      try {
        // three reads started together: one round trip after BEGIN's, each its own answer
        const [answers, [trips]] = await wire.recorded(() =>
          db.tx(sys(), async (tx) => {
            await db.query(tx, 'SELECT 0 AS n');
            return Promise.all([1, 2, 3].map(async (n) => (await db.query<{ n: number }>(tx, 'SELECT $1::int AS n', [n]))[0].n));
          }),
        );
        expect(answers).toEqual([1, 2, 3]);
        expect(trips).toEqual([['BEGIN', 'SELECT 0 AS n'], ['SELECT $1::int AS n', 'SELECT $1::int AS n', 'SELECT $1::int AS n'], ['COMMIT']]);

        // a final step that overlaps: its statement goes with the next step's, and the deferred writes wait for both
        const order: string[] = [];
        const [, [overlapped]] = await wire.recorded(() =>
          db.tx(sys(), async (tx) => {
            await db.query(tx, 'SELECT 0 AS n');
            await audit.record(tx, { action: 'after', entity });
            db.beforeCommit(tx, async () => void order.push(`overlapping ${(await db.query<{ n: number }>(tx, 'SELECT 1 AS n'))[0].n}`), -1, { overlap: true });
            db.beforeCommit(tx, async () => void order.push(`next ${(await db.query<{ n: number }>(tx, 'SELECT 2 AS n'))[0].n}`), 0);
          }),
        );
        expect(overlapped).toEqual([['BEGIN', 'SELECT 0 AS n'], ['SELECT 1 AS n', 'SELECT 2 AS n'], [expect.stringMatching(/^insert into "audit_log"/), 'COMMIT']]);
        expect(order.sort()).toEqual(['next 2', 'overlapping 1']);
      } finally {
        wire.uninstall();
      }
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE entity = $1`, [entity])).toBe(1);

      // the first of a batch fails: the others are refused by PostgreSQL (25P02), the transaction reports the cause
      const [order] = await t.sql<{ id: string; remark: string | null }>(`SELECT id, remark FROM sales_order ORDER BY created_at LIMIT 1`);
      let straggler: Promise<unknown> | undefined;
      await expect(
        db.tx(sys(), async (tx) => {
          await db.query(tx, `UPDATE sales_order SET remark = $2 WHERE id = $1`, [order.id, `${entity}-lost`]);
          await Promise.all([
            db.query(tx, 'SELECT 1/0'),
            (async () => {
              await db.query(tx, 'SELECT 1').catch(() => undefined);
              // still going when the transaction has failed: refused, never run outside it
              straggler = new Promise((r) => setTimeout(r, 50)).then(() => db.query(tx, `UPDATE sales_order SET remark = $2 WHERE id = $1`, [order.id, `${entity}-straggler`]));
              straggler.catch(() => undefined);
            })(),
          ]);
        }),
      ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '22012' }) });
      await expect(straggler).rejects.toThrow('query on a failed transaction');
      // an overlapping step that fails: its error is reported, though the next step's statement was refused after it
      await expect(
        db.tx(sys(), async (tx) => {
          await db.query(tx, `UPDATE sales_order SET remark = $2 WHERE id = $1`, [order.id, `${entity}-lost`]);
          db.beforeCommit(tx, async () => void (await db.query(tx, 'SELECT 1/0')), -1, { overlap: true });
          db.beforeCommit(tx, async () => void (await db.query(tx, 'SELECT 2')), 0);
        }),
      ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '22012' }) });
      expect((await t.sql<{ remark: string | null }>(`SELECT remark FROM sales_order WHERE id = $1`, [order.id]))[0].remark).toBe(order.remark);
      await t.sql(`DELETE FROM audit_log WHERE entity = $1`, [entity]);
    });

    it('more drains at once than the pool has connections: every handler runs (none holds a connection while its handler waits for one)', async () => {
      const outbox = t.app.get(OutboxService);
      const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);
      const crowd = poolSize + 5;
      let started = 0;
      let release!: () => void;
      const all = new Promise<void>((r) => (release = r));
      // each handler uses a connection, then waits until every one of them has started
      outbox.handle('test.crowd', async () => {
        await db.query(sys(), 'SELECT 1');
        if (++started === crowd) release();
        await all;
      });
      const ids: string[] = [];
      for (let n = 0; n < crowd; n++) {
        const [row] = await t.sql<{ id: string }>(`INSERT INTO outbox (topic, payload) VALUES ('test.crowd', $1) RETURNING id`, [JSON.stringify({ n })]);
        ids.push(row.id);
      }
      // one drain per item, all at once (as after-commit work does under load); holding their connections they would wait for ever
      const drains = Promise.all(ids.map((id) => outbox.drain([id])));
      const stuck = new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 20_000).unref());
      expect(await Promise.race([drains.then((n) => n.reduce((a, b) => a + b, 0)), stuck])).toBe(crowd);
      expect(await count(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'test.crowd' AND done_at IS NOT NULL AND attempts = 1`)).toBe(crowd);
    });

    it('a notice whose channel fails is retried with back-off, succeeds later, and is delivered once more at most (idempotent per notice)', async () => {
      const notifications = t.app.get(NotificationService);
      const outbox = t.app.get(OutboxService);
      const seen: string[] = [];
      let failures = 1;
      const recorder: NotificationChannel = { name: 'recorder', deliver: async (_u, n: NotificationInput) => void seen.push(`ok:${n.title}`) };
      const flaky: NotificationChannel = {
        name: 'flaky',
        deliver: async (_u, n: NotificationInput) => {
          if (failures-- > 0) throw new Error('provider down');
          seen.push(`flaky:${n.title}`);
        },
      };
      notifications.addChannel(recorder);
      notifications.addChannel(flaky);
      try {
        const user = await t.userId('bj.manager');
        const title = `探针通知 ${randomUUID().slice(0, 8)}`;
        await db.tx(sys(), (tx) => notifications.notify(tx, [user], { kind: 'TASK', title, link: '/approvals/inbox' }));
        // tried right after the commit: the flaky provider failed, the item waits with back-off
        expect(seen).toEqual([`ok:${title}`]);
        const [note] = await t.sql<{ id: string; delivered: boolean }>('SELECT id, delivered_at IS NOT NULL AS delivered FROM notification WHERE title = $1', [title]);
        expect(note.delivered).toBe(false);
        const itemOf = async () =>
          (
            await t.sql<{ id: string; attempts: number; done: boolean; last_error: string | null; wait_s: number }>(
              `SELECT id, attempts, done_at IS NOT NULL AS done, last_error, extract(epoch FROM available_at - now())::float AS wait_s FROM outbox WHERE payload->>'notificationId' = $1`,
              [note.id],
            )
          )[0];
        const first = await itemOf();
        expect(first).toMatchObject({ attempts: 1, done: false, last_error: 'provider down' });
        expect(first.wait_s).toBeGreaterThan(20);
        // not due yet: the drain leaves it alone
        await outbox.drain();
        expect(seen).toHaveLength(1);
        // the back-off has passed
        await t.sql('UPDATE outbox SET available_at = now() WHERE id = $1', [first.id]);
        expect(await outbox.drain()).toBeGreaterThanOrEqual(1);
        expect(seen).toEqual([`ok:${title}`, `ok:${title}`, `flaky:${title}`]);
        expect(await itemOf()).toMatchObject({ attempts: 2, done: true, last_error: null });
        expect((await t.sql<{ d: boolean }>('SELECT delivered_at IS NOT NULL AS d FROM notification WHERE id = $1', [note.id]))[0].d).toBe(true);
        // at least once: the same item run again (a crash before it was marked done) sends nothing twice
        await t.sql('UPDATE outbox SET done_at = NULL, available_at = now() WHERE id = $1', [first.id]);
        await outbox.drain([first.id]);
        expect(seen).toHaveLength(3);
        expect((await itemOf()).done).toBe(true);
      } finally {
        notifications.removeChannel(recorder);
        notifications.removeChannel(flaky);
      }
    });
  });

  describe('state machines', () => {
    it('the start-up check refuses a broken machine, naming the problem; the app\'s own machines pass it', () => {
      const kernel = t.app.get(DocumentKernel);
      expect(kernel.registered().map((m) => m.type)).toContain(APPROVAL);
      expect(() => kernel.onApplicationBootstrap()).not.toThrow();
      const fresh = new DocumentKernel(db, t.app.get(AuditService), t.app.get(DocNumberService), t.app.get(EventBus));
      fresh.register({ type: 'BROKEN_DOC', table: 'receipt', states: ['DRAFT', 'POSTED'], initial: ['DRAFT'], transitions: { DRAFT: ['POSTED', 'LOST'] } });
      expect(() => fresh.onApplicationBootstrap()).toThrow(/BROKEN_DOC: transition DRAFT -> unknown state LOST/);
      expect(() => fresh.register({ type: 'BROKEN_DOC', table: 'receipt', states: ['A'], initial: ['A'], transitions: {} })).toThrow(/registered twice/);
    });
  });

  describe('the approval machine and its notices', () => {
    const belowFloor = async (docId: string, docNumber: string | null) => ({
      docType: ApprovalDocType.BELOW_FLOOR_PRICE,
      docId,
      docNumber,
      summary: { party: '北京京客隆超市', amount: '100.00' },
      scopeOrgId: await t.orgId('D-BJ002'),
      branchId: await t.orgId('BJ'),
      facts: { amount: '1000.00', belowFloorGap: '100.00', discountRate: '0', dealerLevel: 1, branchCode: 'BJ', source: 'CONSOLE' },
      link: `/sales/orders/${docId}`,
    });

    it('an approval started before its document had a number takes the number at the end of the transaction; the approver\'s notice names it', async () => {
      const approvals = t.app.get(ApprovalService);
      const events = t.app.get(EventBus);
      const docId = randomUUID();
      const number = `PB${Date.now()}`;
      const outcome = await db.tx(sys(), async (tx) => {
        const o = await approvals.start(tx, await belowFloor(docId, null));
        // what DocumentKernel.assignNumber does as the transaction's last statement
        db.beforeCommit(tx, () => events.dispatchFinal(tx, 'DocumentNumbered', { docType: 'PROBE', docId, number }), 0);
        return o;
      });
      expect(outcome).toBe(ApprovalStatus.PENDING);
      const [inst] = await t.sql<{ id: string; doc_number: string; status: string }>('SELECT id, doc_number, status FROM approval_instance WHERE doc_id = $1', [docId]);
      expect(inst).toMatchObject({ doc_number: number, status: 'PENDING' });
      const notes = await t.sql<{ user_id: string; title: string; message: { params: { number: string } } }>(`SELECT user_id, title, message FROM notification WHERE kind = 'TASK' AND title LIKE '%' || $1`, [number]);
      expect(notes).toEqual([{ user_id: await t.userId('bj.manager'), title: `待审批：${number}`, message: expect.objectContaining({ params: { number, step: '分支机构经理审批' } }) }]);
      // the kernel wrote the status moves' timeline rows
      expect((await t.sql<{ action: string }>('SELECT action FROM approval_event WHERE instance_id = $1 ORDER BY created_at, id', [inst.id])).map((e) => e.action)).toEqual(['SUBMIT', 'STEP_OPEN']);
    });

    it('an approval decided at once is written with its timeline at the end of the transaction, takes the number there, and is gone with a rollback', async () => {
      const approvals = t.app.get(ApprovalService);
      const events = t.app.get(EventBus);
      const docId = randomUUID();
      const number = `PA${Date.now()}`;
      // no flow applies: approved at once
      const req = { ...(await belowFloor(docId, null)), flow: null };
      const outcome = await db.tx(sys(), async (tx) => {
        const o = await approvals.start(tx, req);
        // not written yet: the row goes in with its timeline rows as the transaction ends
        expect(await db.query(tx, 'SELECT 1 FROM approval_instance WHERE doc_id = $1', [docId])).toEqual([]);
        db.beforeCommit(tx, () => events.dispatchFinal(tx, 'DocumentNumbered', { docType: 'PROBE', docId, number }), 0);
        return o;
      });
      expect(outcome).toBe(ApprovalStatus.APPROVED);
      const [inst] = await t.sql<{ id: string; doc_number: string; status: string; doc_summary: string }>('SELECT id, doc_number, status, doc_summary FROM approval_instance WHERE doc_id = $1', [docId]);
      expect(inst).toMatchObject({ doc_number: number, status: 'APPROVED' });
      expect((await t.sql<{ action: string }>('SELECT action FROM approval_event WHERE instance_id = $1 ORDER BY created_at, id', [inst.id])).map((e) => e.action)).toEqual(['SUBMIT', 'APPROVED', 'AUTO_APPROVE']);
      // a transaction that fails after starting it leaves no approval and no timeline
      const lost = randomUUID();
      await expect(
        db.tx(sys(), async (tx) => {
          await approvals.start(tx, { ...req, docId: lost });
          db.beforeCommit(tx, () => Promise.reject(new Error('probe: the end fails')), 20);
        }),
      ).rejects.toThrow('probe: the end fails');
      expect(await count('SELECT count(*)::int AS n FROM approval_instance WHERE doc_id = $1', [lost])).toBe(0);
    });

    it('a task closed again within the transaction that opened it gets no notice', async () => {
      const approvals = t.app.get(ApprovalService);
      const docId = randomUUID();
      const number = `PC${Date.now()}`;
      await db.tx(sys(), async (tx) => {
        expect(await approvals.start(tx, await belowFloor(docId, number))).toBe(ApprovalStatus.PENDING);
        await approvals.close(tx, ApprovalDocType.BELOW_FLOOR_PRICE, docId, 'probe: closed at once');
      });
      const [inst] = await t.sql<{ status: string }>('SELECT status FROM approval_instance WHERE doc_id = $1', [docId]);
      expect(inst.status).toBe('WITHDRAWN');
      expect(await count(`SELECT count(*)::int AS n FROM approval_task WHERE instance_id = (SELECT id FROM approval_instance WHERE doc_id = $1) AND status = 'CLOSED'`, [docId])).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM notification WHERE title = $1', [`待审批：${number}`])).toBe(0);
    });

    it('a move the machine does not allow, or from a status the approval no longer has, is 409 INVALID_STATE and writes nothing', async () => {
      const approvals = t.app.get(ApprovalService);
      const kernel = t.app.get(DocumentKernel);
      const docId = randomUUID();
      await db.tx(sys(), async (tx) => void (await approvals.start(tx, await belowFloor(docId, `PD${Date.now()}`))));
      const [inst] = await t.sql<{ id: string; version: number }>('SELECT id, version FROM approval_instance WHERE doc_id = $1', [docId]);
      const events = () => count('SELECT count(*)::int AS n FROM approval_event WHERE instance_id = $1', [inst.id]);
      const before = await events();
      const refused = async (from: ApprovalStatus, to: ApprovalStatus) => {
        const err = await db.tx(sys(), (tx) => kernel.transition(tx, APPROVAL, { id: inst.id, from, to, action: 'APPROVED' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe(ErrorCode.INVALID_STATE);
      };
      // no such move
      await refused(ApprovalStatus.PENDING, ApprovalStatus.PENDING);
      await refused(ApprovalStatus.APPROVED, ApprovalStatus.PENDING);
      // someone else moved it first: the guarded write finds another status
      await db.tx(sys(), (tx) => approvals.close(tx, ApprovalDocType.BELOW_FLOOR_PRICE, docId, 'probe'));
      const afterClose = await events();
      expect(afterClose).toBe(before + 1);
      await refused(ApprovalStatus.PENDING, ApprovalStatus.APPROVED);
      expect(await events()).toBe(afterClose);
      const [now] = await t.sql<{ status: string; version: number }>('SELECT status, version FROM approval_instance WHERE id = $1', [inst.id]);
      expect(now).toEqual({ status: 'WITHDRAWN', version: inst.version + 1 });
    });
  });
});
