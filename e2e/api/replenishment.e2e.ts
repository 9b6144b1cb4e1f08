import { DayReport, ErrorCode, ReplenishmentMethod, replenishmentLine } from '@drp/shared';
import { addDays, businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Issues #14 / #15: dealer stock and sales reports (one current figure per dealer, product and date,
 * corrections kept), and replenishment computed set-based in SQL — compared line by line with the rule
 * written once in @drp/shared (`replenishmentLine`) on generated reports with stock-outs and gaps, for
 * every method; orders out count as open supply so the next run suggests nothing twice.
 */
describe('dealer reports and replenishment', () => {
  let t: TestApp;
  let manager: string;
  let today: string;
  let dealer: string;
  let dealer2: string;
  let shDealer: string;
  let products: { id: string; code: string; order_multiple: string; min_order_qty: string }[];

  beforeAll(async () => {
    t = await bootTestApp();
    manager = await t.token('bj.manager');
    today = businessDate(new Date(), 'Asia/Shanghai');
    dealer = await t.orgId('D-BJ002');
    dealer2 = await t.orgId('D-BJ003');
    shDealer = await t.orgId('D-SH001');
    products = await t.sql(`SELECT id, code, order_multiple::text, min_order_qty::text FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT 6`);
  });
  afterAll(() => t.close());

  const report = (token: string, dealerId: string, date: string, lines: { productId: string; stock: string; sold: string }[]) =>
    t.http.post('/api/dealer-reports').set(bearer(token)).send({ dealerId, date, lines });

  describe('reports', () => {
    it('one current figure per dealer, product and date; a correction supersedes it and keeps the history', async () => {
      const day = addDays(today, -1);
      const p = products[0].id;
      const first = await report(manager, dealer2, day, [{ productId: p, stock: '10', sold: '2' }]).expect(201);
      expect(first.body).toMatchObject({ created: 1, corrected: 0, unchanged: 0 });
      const same = await report(manager, dealer2, day, [{ productId: p, stock: '10', sold: '2' }]).expect(201);
      expect(same.body).toMatchObject({ created: 0, corrected: 0, unchanged: 1 });
      const fix = await report(manager, dealer2, day, [{ productId: p, stock: '12', sold: '1' }]).expect(201);
      expect(fix.body).toMatchObject({ created: 0, corrected: 1 });
      const list = await t.http.get(`/api/dealer-reports?dealerId=${dealer2}&from=${day}&to=${day}`).set(bearer(manager)).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ productId: p, date: day, stock: '12.000', sold: '1.000', source: 'CONSOLE', version: 2 });
      const history = await t.http.get(`/api/dealer-reports/${list.body.items[0].id}/history`).set(bearer(manager)).expect(200);
      expect(history.body).toHaveLength(1);
      expect(history.body[0]).toMatchObject({ before: { stock: 10, sold: 2 }, after: { stock: 12, sold: 1 } });
    });

    it('refuses a future date, a negative quantity, a product twice, a product outside the range, another branch\'s dealer — nothing written', async () => {
      const before = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM dealer_report`))[0].n;
      const p = products[1].id;
      const future = await report(manager, dealer2, addDays(today, 1), [{ productId: p, stock: '1', sold: '1' }]).expect(400);
      expect(future.body.code).toBe(ErrorCode.REPORT_DATE_IN_FUTURE);
      const negative = await report(manager, dealer2, today, [{ productId: p, stock: '-1', sold: '1' }]).expect(400);
      expect(negative.body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const twice = await report(manager, dealer2, today, [{ productId: p, stock: '1', sold: '1' }, { productId: p, stock: '2', sold: '1' }]).expect(400);
      expect(twice.body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await report(manager, shDealer, today, [{ productId: p, stock: '1', sold: '1' }]).expect(404);
      // 广州办事处 sells only FOOD and DAILY: a product of another category is outside its dealers' range
      const [gzDealer] = await t.sql<{ id: string }>(`SELECT o.id FROM organization o JOIN organization b ON o.path LIKE b.path || '%' WHERE b.code = 'GZ' AND o.type = 'DEALER' LIMIT 1`);
      const [outside] = await t.sql<{ id: string; code: string }>(
        `SELECT p.id, p.code FROM product p JOIN category c ON c.id = p.category_id WHERE NOT EXISTS (
           SELECT 1 FROM branch_product_scope s JOIN category sc ON sc.id = s.category_id JOIN organization b ON b.id = s.branch_id WHERE b.code = 'GZ' AND c.path LIKE sc.path || '%') LIMIT 1`,
      );
      const range = await report(await t.token('admin'), gzDealer.id, today, [{ productId: outside.id, stock: '1', sold: '1' }]).expect(400);
      expect(range.body).toMatchObject({ code: ErrorCode.PRODUCT_OUT_OF_SCOPE, details: { productCode: outside.code } });
      expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM dealer_report`))[0].n).toBe(before);
    });
  });

  describe('replenishment', () => {
    const methods = [ReplenishmentMethod.TURNOVER, ReplenishmentMethod.SALES_STOCK_DIFF, ReplenishmentMethod.SELL_ONE_REPLACE_ONE];
    let reports: Map<string, DayReport[]>;
    let settings: Map<string, { method: ReplenishmentMethod; windowDays: number; turnoverDays: number; leadDays: number; safetyStock: string }>;

    beforeAll(async () => {
      // 40 days of reports for 6 products: a weekly rhythm, stock-out runs, unreported days, one product with too few days
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      reports = new Map();
      for (let back = 40; back >= 0; back--) {
        const date = addDays(today, -back);
        const lines = products
          .map((p, i) => {
            if (i === 5 && back > 5) return null; // reported only lately: INSUFFICIENT_DATA
            if (rnd() < 0.15) return null; // not reported that day
            const stockOut = i === 1 && back >= 8 && back <= 14; // a stock-out week
            const sold = String(Math.floor(rnd() * (back % 7 === 0 ? 12 : 6)));
            const stock = stockOut ? '0' : String(Math.floor(rnd() * 40) + (i === 2 ? 200 : 0));
            return { productId: p.id, stock, sold };
          })
          .filter((l): l is { productId: string; stock: string; sold: string } => l !== null);
        for (const l of lines) reports.set(l.productId, [...(reports.get(l.productId) ?? []), { date, stock: l.stock, sold: l.sold }]);
        if (lines.length) await report(manager, dealer, date, lines).expect(201);
      }
      // the branch default, a dealer override, and product overrides covering every method
      settings = new Map();
      await t.http.put('/api/replenishment/settings').set(bearer(manager)).send({ method: 'TURNOVER', windowDays: 30, turnoverDays: 10, leadDays: 2, safetyStock: '5' }).expect(200);
      await t.http.put('/api/replenishment/settings').set(bearer(manager)).send({ orgId: dealer, method: 'TURNOVER', windowDays: 21, turnoverDays: 14, leadDays: 3, safetyStock: '0' }).expect(200);
      for (const [i, p] of products.entries()) {
        const s = { method: methods[i % 3], windowDays: [30, 14, 21][i % 3], turnoverDays: 7 + i, leadDays: i % 4, safetyStock: (i * 2).toFixed(3) };
        if (i === 0) {
          settings.set(p.id, { method: ReplenishmentMethod.TURNOVER, windowDays: 21, turnoverDays: 14, leadDays: 3, safetyStock: '0.000' }); // the dealer override
          continue;
        }
        await t.http.put('/api/replenishment/settings').set(bearer(manager)).send({ orgId: dealer, productId: p.id, ...s }).expect(200);
        settings.set(p.id, s);
      }
      const eff = await t.http.get(`/api/replenishment/settings?orgId=${dealer}&productId=${products[1].id}`).set(bearer(manager)).expect(200);
      expect(eff.body).toMatchObject({ ...settings.get(products[1].id), sourceOrgId: dealer, sourceProductId: products[1].id });
    });

    const oracle = (productId: string, line: { openSupply: string; lastReplenishmentDate: string | null } | undefined) => {
      const p = products.find((x) => x.id === productId)!;
      return replenishmentLine({
        today,
        reports: reports.get(productId) ?? [],
        lastReplenishmentDate: line?.lastReplenishmentDate ?? null,
        openSupply: line?.openSupply ?? '0',
        orderMultiple: p.order_multiple,
        minOrderQty: p.min_order_qty,
        params: settings.get(productId)!,
      });
    };

    it('every line equals the rule (usable days, stock-outs left out, average, target, open supply, raw and rounded quantity); no line where none is due', async () => {
      const run = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [dealer] }).expect(201);
      expect(run.body).toMatchObject({ dealerCount: 1, trigger: 'MANUAL' });
      const lines = (await t.http.get(`/api/replenishment/runs/${run.body.id}/lines?pageSize=100`).set(bearer(manager)).expect(200)).body.items as Record<string, string & number>[];
      expect(run.body.lineCount).toBe(lines.length);
      let compared = 0;
      for (const p of products) {
        const line = lines.find((l) => l.productId === p.id);
        const expected = oracle(p.id, line as never);
        if (!expected) {
          expect({ product: p.code, line: line ?? null }).toEqual({ product: p.code, line: null });
          continue;
        }
        compared++;
        expect({ product: p.code, ...line }).toMatchObject({
          product: p.code,
          status: expected.status,
          method: settings.get(p.id)!.method,
          usableDays: expected.usableDays,
          stockoutDays: expected.stockoutDays,
          avgDaily: expected.avgDaily,
          windowSold: expected.windowSold,
          currentStock: expected.currentStock,
          target: expected.target,
          rawQty: expected.rawQty,
          qty: expected.qty,
        });
      }
      expect(compared).toBeGreaterThanOrEqual(3);
      expect(lines.find((l) => l.productId === products[5].id)).toMatchObject({ status: 'INSUFFICIENT_DATA', qty: '0.000' });
      const stockOut = lines.find((l) => l.productId === products[1].id);
      if (stockOut) expect(stockOut.stockoutDays).toBeGreaterThan(0);
    });

    it('orders out are draft REPLENISHMENT orders; the next run counts them as open supply and suggests nothing twice; a second order of the same lines is 409', async () => {
      // a clean case: one product, turnover, nothing else open
      const p = products[3];
      await t.http.put('/api/replenishment/settings').set(bearer(manager)).send({ orgId: dealer, productId: p.id, method: 'TURNOVER', windowDays: 30, turnoverDays: 30, leadDays: 5, safetyStock: '50' }).expect(200);
      const run = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [dealer] }).expect(201);
      const lines = (await t.http.get(`/api/replenishment/runs/${run.body.id}/lines?pageSize=100&status=SUGGESTED`).set(bearer(manager)).expect(200)).body.items as { id: string; productId: string; qty: string; openSupply: string; unitPrice: string | null }[];
      const line = lines.find((l) => l.productId === p.id)!;
      expect(line).toBeDefined();
      expect(line.unitPrice).toMatch(/^\d+\.\d{2,4}$/);
      const out = await t.http.post(`/api/replenishment/runs/${run.body.id}/orders`).set(bearer(manager)).send({ lineIds: [line.id] }).expect(201);
      expect(out.body.orders).toHaveLength(1);
      const order = await t.http.get(`/api/sales-orders/${out.body.orders[0].id}`).set(bearer(manager)).expect(200);
      expect(order.body).toMatchObject({ status: 'DRAFT', source: 'REPLENISHMENT', dealerId: dealer });
      expect(order.body.lines.map((l: { productId: string; qty: string }) => [l.productId, l.qty])).toEqual([[p.id, line.qty]]);
      const again = await t.http.post(`/api/replenishment/runs/${run.body.id}/orders`).set(bearer(manager)).send({ lineIds: [line.id] }).expect(409);
      expect(again.body.code).toBe(ErrorCode.REPLENISHMENT_LINE_STALE);

      const next = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [dealer] }).expect(201);
      const nextLines = (await t.http.get(`/api/replenishment/runs/${next.body.id}/lines?pageSize=100`).set(bearer(manager)).expect(200)).body.items as { productId: string; openSupply: string; lastReplenishmentDate: string }[];
      // the order is open supply for its product: nothing suggested for it again
      expect(nextLines.find((l) => l.productId === p.id)).toBeUndefined();
      // and every other line now reads sales since that order for 销一补一 (the order is today's)
      for (const l of nextLines) expect(l.lastReplenishmentDate).toBe(today);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM replenishment_line WHERE run_id = $1 AND product_id = $2`, [next.body.id, p.id]);
      expect(n).toBe(0);
    });

    it('a run for the whole scope (or a branch) covers the dealers with reports in it; nothing outside', async () => {
      const all = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({}).expect(201);
      const lines = (await t.http.get(`/api/replenishment/runs/${all.body.id}/lines?pageSize=100`).set(bearer(manager)).expect(200)).body.items as { dealerId: string }[];
      expect(all.body.dealerCount).toBeGreaterThanOrEqual(1);
      expect(lines.some((l) => l.dealerId === dealer)).toBe(true);
      const bj = await t.orgId('BJ');
      const branch = await t.http.post('/api/replenishment/runs').set(bearer(await t.token('admin'))).send({ branchId: bj }).expect(201);
      expect(branch.body.lineCount).toBe(all.body.lineCount);
      await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ branchId: await t.orgId('SH') }).expect(404);
      // a dealer no setting reaches gets the built-in default (shown by the settings API too)
      const admin = await t.token('admin');
      const sh2 = await t.orgId('D-SH002');
      for (let back = 10; back >= 1; back--) await report(admin, sh2, addDays(today, -back), [{ productId: products[0].id, stock: '5', sold: '3' }]).expect(201);
      const eff = await t.http.get(`/api/replenishment/settings?orgId=${sh2}`).set(bearer(admin)).expect(200);
      expect(eff.body).toMatchObject({ method: 'TURNOVER', windowDays: 30, turnoverDays: 15, leadDays: 3, safetyStock: '0', sourceOrgId: null });
      const run = await t.http.post('/api/replenishment/runs').set(bearer(admin)).send({ dealerIds: [sh2] }).expect(201);
      const [line] = (await t.http.get(`/api/replenishment/runs/${run.body.id}/lines`).set(bearer(admin)).expect(200)).body.items;
      // 3 a day x (15 + 3) - 5 = 49
      expect(line).toMatchObject({ method: 'TURNOVER', windowDays: 30, turnoverDays: 15, leadDays: 3, usableDays: 10, avgDaily: '3.0000', rawQty: '49.0000', status: 'SUGGESTED' });
    });

    it("the dealer's mall: 补货建议 sent from the worksheet, into the cart with one tap; its own report form prefilled, reports with source MALL", async () => {
      const d1 = await t.orgId('D-BJ001');
      const dealerUser = await t.token('bj.dealer1');
      for (let back = 9; back >= 1; back--) await report(manager, d1, addDays(today, -back), [{ productId: products[2].id, stock: '4', sold: '2' }]).expect(201);
      const run = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [d1] }).expect(201);
      const lines = (await t.http.get(`/api/replenishment/runs/${run.body.id}/lines?status=SUGGESTED`).set(bearer(manager)).expect(200)).body.items as { id: string; productId: string; qty: string }[];
      expect(lines.length).toBeGreaterThan(0);
      await t.http.post(`/api/replenishment/runs/${run.body.id}/send`).set(bearer(manager)).send({}).expect(200);
      const again = await t.http.post(`/api/replenishment/runs/${run.body.id}/send`).set(bearer(manager)).send({ lineIds: [lines[0].id] }).expect(409);
      expect(again.body.code).toBe(ErrorCode.REPLENISHMENT_LINE_STALE);
      const mine = await t.http.get('/api/mall/replenishment').set(bearer(dealerUser)).expect(200);
      expect(mine.body.items.map((l: { id: string }) => l.id).sort()).toEqual(lines.map((l) => l.id).sort());
      expect(mine.body.items[0]).toMatchObject({ status: 'SENT', avgDaily: expect.any(String), unitPrice: expect.any(String) });
      // the rep in the field sees the same current suggestion for its dealer; another branch's manager gets 404
      const field = await t.http.get(`/api/replenishment/dealers/${d1}/current`).set(bearer(await t.token('bj.sales'))).expect(200);
      expect(field.body.items.map((l: { id: string }) => l.id).sort()).toEqual(lines.map((l) => l.id).sort());
      await t.http.get(`/api/replenishment/dealers/${d1}/current`).set(bearer(await t.token('sh.manager'))).expect(404);
      // another dealer sees none of it
      expect((await t.http.get('/api/mall/replenishment').set(bearer(await t.token('bj.dealer2'))).expect(200)).body.items).toEqual([]);
      await t.http.delete('/api/mall/cart').set(bearer(dealerUser)).expect(200);
      const added = await t.http.post('/api/mall/replenishment/cart').set(bearer(dealerUser)).send({}).expect(200);
      expect(added.body.added).toBe(lines.length);
      const cart = await t.http.get('/api/mall/cart').set(bearer(dealerUser)).expect(200);
      const cartLines = cart.body.lines as { productId: string; qty: string }[];
      for (const l of lines) expect(cartLines.find((c) => c.productId === l.productId)?.qty).toBe(l.qty);

      // the mall report form: products it carries with the last figures; a report from the mall
      const form = await t.http.get('/api/mall/reports/form').set(bearer(dealerUser)).expect(200);
      const row = form.body.items.find((i: { productId: string }) => i.productId === products[2].id);
      expect(row).toMatchObject({ lastDate: addDays(today, -1), lastStock: '4.000', lastSold: '2.000', today: null });
      await t.http.post('/api/mall/reports').set(bearer(dealerUser)).send({ date: today, lines: [{ productId: products[2].id, stock: '3', sold: '1' }] }).expect(201);
      const own = await t.http.get(`/api/mall/reports?from=${today}&to=${today}`).set(bearer(dealerUser)).expect(200);
      expect(own.body.items).toEqual([expect.objectContaining({ productId: products[2].id, source: 'MALL', stock: '3.000' })]);
      await t.http.post('/api/mall/reports').set(bearer(manager)).send({ date: today, lines: [{ productId: products[2].id, stock: '3', sold: '1' }] }).expect(403);
    });

    it('bad parameters, another branch\'s dealer and a line edited after ordering are refused with nothing written', async () => {
      for (const body of [{ method: 'TURNOVER', windowDays: 6, turnoverDays: 1, leadDays: 1, safetyStock: '0' }, { method: 'TURNOVER', windowDays: 366, turnoverDays: 1, leadDays: 1, safetyStock: '0' }, { method: 'TURNOVER', windowDays: 30, turnoverDays: -1, leadDays: 1, safetyStock: '0' }, { method: 'SOMETHING', windowDays: 30, turnoverDays: 1, leadDays: 1, safetyStock: '0' }, { method: 'TURNOVER', windowDays: 30, turnoverDays: 1, leadDays: 1, safetyStock: '-5' }]) {
        const bad = await t.http.put('/api/replenishment/settings').set(bearer(manager)).send(body).expect(400);
        expect(bad.body.code).toBe(ErrorCode.VALIDATION_FAILED);
      }
      const runsBefore = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM replenishment_run`))[0].n;
      await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [shDealer] }).expect(404);
      expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM replenishment_run`))[0].n).toBe(runsBefore);
      const [ordered] = await t.sql<{ id: string }>(`SELECT id FROM replenishment_line WHERE status = 'ORDERED' LIMIT 1`);
      const stale = await t.http.patch(`/api/replenishment/lines/${ordered.id}`).set(bearer(manager)).send({ qty: '5' }).expect(409);
      expect(stale.body.code).toBe(ErrorCode.REPLENISHMENT_LINE_STALE);
      // a product discontinued after the run: turning its suggestion into an order is refused naming it, nothing written
      const d3 = await t.orgId('D-BJ004');
      const [victim] = await t.sql<{ id: string; code: string }>(`SELECT id, code FROM product WHERE status = 'ON_SALE' ORDER BY code OFFSET 10 LIMIT 1`);
      for (let back = 8; back >= 1; back--) await report(manager, d3, addDays(today, -back), [{ productId: victim.id, stock: '1', sold: '5' }]).expect(201);
      const run2 = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [d3] }).expect(201);
      const vline = ((await t.http.get(`/api/replenishment/runs/${run2.body.id}/lines?status=SUGGESTED&pageSize=100`).set(bearer(manager)).expect(200)).body.items as { id: string; productId: string }[]).find((l) => l.productId === victim.id)!;
      expect(vline).toBeDefined();
      await t.sql(`UPDATE product SET status = 'DISCONTINUED' WHERE id = $1`, [victim.id]);
      const ordersBefore = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM sales_order WHERE dealer_id = $1`, [d3]))[0].n;
      const refused = await t.http.post(`/api/replenishment/runs/${run2.body.id}/orders`).set(bearer(manager)).send({ lineIds: [vline.id] });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(JSON.stringify(refused.body.details ?? {})).toContain(victim.id);
      expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM sales_order WHERE dealer_id = $1`, [d3]))[0].n).toBe(ordersBefore);
      expect((await t.sql<{ status: string }>(`SELECT status FROM replenishment_line WHERE id = $1`, [vline.id]))[0].status).toBe('SUGGESTED');
      // and the next run gives no line for it
      const run3 = await t.http.post('/api/replenishment/runs').set(bearer(manager)).send({ dealerIds: [d3] }).expect(201);
      expect((await t.http.get(`/api/replenishment/runs/${run3.body.id}/lines?pageSize=100`).set(bearer(manager)).expect(200)).body.items.filter((l: { productId: string }) => l.productId === victim.id)).toEqual([]);
      // a dealer's user has no replenishment console
      await t.http.post('/api/replenishment/runs').set(bearer(await t.token('bj.dealer1'))).send({}).expect(403);
      // the Shanghai manager does not see the Beijing run
      const [run] = await t.sql<{ id: string }>(`SELECT id FROM replenishment_run ORDER BY created_at LIMIT 1`);
      await t.http.get(`/api/replenishment/runs/${run.id}`).set(bearer(await t.token('sh.manager'))).expect(404);
    });
  });
});
