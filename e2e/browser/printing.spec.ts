import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amountInWords, Dec, fmtGrouped, type ReceiptDto, type SalesOrderDto, type ShipmentDto, type StatementDto } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { launchBrowser, login, newPage, pageApi, pageCall, screenshot, SCREENSHOT_DIR, type TrackedPage } from '../support/browser';

/**
 * Printing (issue #12): the HQ admin prints a sales order from its detail page, the shipment
 * (发货单 + 拣货单) from the shipment drawer, a receipt and a statement from their drawers; each
 * print view shows the company letterhead, the number, the lines, the totals and the 大写金额, hides
 * its toolbar on paper and makes a PDF on A4 and on the 241 mm continuous form; a dealer prints
 * its own statement from the mall on a phone and meets the not-found state for another dealer's.
 */
describe('printing', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  const CAPITALS = /^负?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/;

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const api = <T>(path: string) => pageApi<T>(page, 'GET', path);
  const money = (value: string) => fmtGrouped(value);
  const text = async (p: Page, testId: string) => ((await p.getByTestId(testId).first().textContent()) ?? '').trim();

  /** clicks a 打印 button (a link with target=_blank) and answers the print tab once its sheet is there */
  async function openPrint(from: Page, testId: string): Promise<Page> {
    const [tab] = await Promise.all([from.context().waitForEvent('page'), from.getByTestId(testId).first().click()]);
    await tab.getByTestId('print-number').first().waitFor();
    return tab;
  }

  /** pages of a PDF made by Chromium, and the first page's size in points */
  function pdfFacts(pdf: Buffer): { pages: number; width: number; height: number } {
    const raw = pdf.toString('latin1');
    const pages = (raw.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(raw);
    return { pages, width: box ? Number(box[1]) : 0, height: box ? Number(box[2]) : 0 };
  }
  const MM = 72 / 25.4;

  /**
   * On paper: the toolbar is gone; a PDF on A4 and on the 241 x 140 mm form, both real PDFs with a
   * sane number of pages of the chosen size. Saves the PDFs and a picture of the print media.
   */
  async function checkPaper(tab: Page, name: string, maxA4Pages: number): Promise<void> {
    await tab.emulateMedia({ media: 'print' });
    expect(await tab.getByTestId('print-toolbar').isVisible()).toBe(false);
    await tab.setViewportSize({ width: 794, height: 1123 });
    await screenshot(tab, `printing-${name}-print-media`);
    await tab.emulateMedia({ media: null });

    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const a4 = await tab.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(path.join(SCREENSHOT_DIR, `printing-${name}-a4.pdf`), a4);
    expect(a4.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const a4Facts = pdfFacts(a4);
    expect(a4Facts.pages).toBeGreaterThanOrEqual(1);
    expect(a4Facts.pages).toBeLessThanOrEqual(maxA4Pages);
    expect(Math.round(a4Facts.width / MM)).toBe(210);
    expect(Math.round(a4Facts.height / MM)).toBe(297);

    await tab.setViewportSize({ width: 1440, height: 900 });
    await tab.getByTestId('print-paper-241x140').click();
    await tab.locator('[data-paper="241x140"]').waitFor();
    await tab.emulateMedia({ media: 'print' });
    await tab.setViewportSize({ width: 911, height: 529 });
    await screenshot(tab, `printing-${name}-241-print-media`);
    await tab.emulateMedia({ media: null });
    await tab.setViewportSize({ width: 1440, height: 900 });
    const form = await tab.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(path.join(SCREENSHOT_DIR, `printing-${name}-241x140.pdf`), form);
    const formFacts = pdfFacts(form);
    expect(Math.round(formFacts.width / MM)).toBe(241);
    expect(Math.round(formFacts.height / MM)).toBe(140);
    // a shorter sheet: at least as many pages, and not absurdly many
    expect(formFacts.pages).toBeGreaterThanOrEqual(a4Facts.pages);
    expect(formFacts.pages).toBeLessThanOrEqual(a4Facts.pages * 4 + 2);
    await tab.getByTestId('print-paper-a4').click();
    await tab.locator('[data-paper="a4"]').waitFor();
  }

  it('prints a sales order from its detail page: letterhead, number, lines, totals and 大写金额', async () => {
    const list = await api<{ items: SalesOrderDto[] }>('/sales-orders?status=SHIPPED&pageSize=5&sort=-total');
    expect(list.items.length).toBeGreaterThan(0);
    const order = await api<SalesOrderDto>(`/sales-orders/${list.items[0].id}`);
    expect(order.lines.length).toBeGreaterThan(0);

    await page.goto(`/sales/orders/${order.id}`);
    const tab = await openPrint(page, 'print-sales-order');
    expect(new URL(tab.url()).pathname).toBe(`/print/sales-order/${order.id}`);
    expect(await text(tab, 'print-company')).toBe('总部');
    expect(await tab.getByText('北京市海淀区中关村大街1号').count()).toBe(1);
    expect(await text(tab, 'print-title')).toBe('销售订单');
    expect(await text(tab, 'print-number')).toBe(order.number);
    expect(await text(tab, 'print-dealer')).toContain(order.dealerName);
    expect(await text(tab, 'print-warehouse')).toBe(order.warehouseName);
    const rows = tab.getByTestId('print-line');
    expect(await rows.count()).toBe(order.lines.length);
    for (const [i, line] of order.lines.entries()) {
      const row = (await rows.nth(i).textContent()) ?? '';
      expect(row).toContain(line.productCode);
      expect(row).toContain(line.productName);
      expect(row).toContain(money(line.amount));
    }
    expect(await text(tab, 'print-total')).toBe(money(order.total));
    const words = await text(tab, 'print-words');
    expect(words).toMatch(CAPITALS);
    expect(words).toBe(amountInWords(order.total));
    // the signatures row names who made it
    expect(await text(tab, 'print-signs')).toContain('制单');
    expect(await text(tab, 'print-signs')).toContain('收货');
    await screenshot(tab, 'printing-sales-order');
    await checkPaper(tab, 'sales-order', 3);
    expect((page as TrackedPage).appErrors).toEqual([]);
    await tab.close();
  });

  it('prints a shipment from its drawer: the delivery note and a picking list in code order with tick boxes', async () => {
    const shipments = await api<{ items: ShipmentDto[] }>('/shipments?pageSize=20');
    const withLines = await Promise.all(shipments.items.map((s) => api<ShipmentDto>(`/shipments/${s.id}`)));
    const shipment = withLines.sort((a, b) => b.lines.length - a.lines.length)[0];
    expect(shipment.lines.length).toBeGreaterThan(0);

    await page.goto(`/sales/orders/${shipment.orderId}`);
    await page.locator('[data-testid="order-shipment-open"]', { hasText: shipment.number }).first().click();
    await page.getByTestId('shipment-drawer-number').filter({ hasText: shipment.number }).waitFor();
    const tab = await openPrint(page, 'print-shipment');
    expect(new URL(tab.url()).pathname).toBe(`/print/shipment/${shipment.id}`);
    expect(await text(tab, 'print-title')).toBe('发货单');
    expect(await text(tab, 'print-number')).toBe(shipment.number);
    expect(await text(tab, 'print-warehouse')).toBe(shipment.warehouseName);
    expect(await tab.getByTestId('print-line').count()).toBe(shipment.lines.length);
    expect(await text(tab, 'print-total')).toBe(money(shipment.amount));
    expect(await tab.getByTestId('print-words').first().textContent()).toBe(amountInWords(shipment.amount));

    // the picking list: same lines, by product code, one tick box each, on its own sheet
    const picking = tab.getByTestId('print-picking');
    expect(await picking.getByTestId('print-title').textContent()).toBe('拣货单');
    const pickRows = picking.getByTestId('print-picking-line');
    expect(await pickRows.count()).toBe(shipment.lines.length);
    const codes = await pickRows.evaluateAll((rows) => rows.map((r) => (r as HTMLTableRowElement).cells[2].textContent?.trim() ?? ''));
    expect(codes).toEqual([...shipment.lines.map((l) => l.productCode)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    expect(await picking.locator('.ps-tick').count()).toBe(shipment.lines.length);
    expect(await picking.evaluate((el) => getComputedStyle(el).breakBefore)).toBe('page');
    await screenshot(tab, 'printing-shipment');
    await picking.scrollIntoViewIfNeeded();
    await screenshot(tab, 'printing-shipment-picking');
    // the note and the picking list are two sheets: at least two A4 pages
    await checkPaper(tab, 'shipment', 4);
    await tab.close();
  });

  it('prints a receipt from its drawer with what it settled and the amount in words', async () => {
    const receipts = await api<{ items: ReceiptDto[] }>('/receipts?status=ACTIVE&pageSize=20');
    const receipt = await api<ReceiptDto>(`/receipts/${receipts.items.find((r) => r.allocated !== '0.00')?.id ?? receipts.items[0].id}`);

    await page.goto(`/finance/receipts?q=${encodeURIComponent(receipt.number)}`);
    await page.getByTestId('receipt-open').filter({ hasText: receipt.number }).first().click();
    await page.getByTestId('receipt-drawer-number').filter({ hasText: receipt.number }).waitFor();
    const tab = await openPrint(page, 'print-receipt');
    expect(new URL(tab.url()).pathname).toBe(`/print/receipt/${receipt.id}`);
    expect(await text(tab, 'print-title')).toBe('收款单');
    expect(await text(tab, 'print-number')).toBe(receipt.number);
    expect(await text(tab, 'print-dealer')).toContain(receipt.dealerName);
    expect(await tab.getByTestId('print-line').count()).toBe(receipt.allocations.length);
    expect(await text(tab, 'print-total')).toBe(money(receipt.amount));
    expect(await text(tab, 'print-allocated')).toBe(money(receipt.allocated));
    expect(await text(tab, 'print-unallocated')).toBe(money(receipt.unallocated));
    expect(await text(tab, 'print-words')).toBe(amountInWords(receipt.amount));
    await screenshot(tab, 'printing-receipt');
    await checkPaper(tab, 'receipt', 2);
    await tab.close();
  });

  it('prints a statement from its drawer: entries, closing balance in words, in English when the UI is', async () => {
    const statements = await api<{ items: StatementDto[] }>('/statements/list?pageSize=20');
    const rows = await Promise.all(statements.items.map((s) => api<StatementDto>(`/statements/${s.id}`)));
    const statement = rows.sort((a, b) => b.lines.length - a.lines.length)[0];
    expect(statement.lines.length).toBeGreaterThan(0);

    await page.goto(`/finance/statements?dealerId=${statement.dealerId}`);
    await page.getByTestId('statement-open').filter({ hasText: statement.number }).first().click();
    await page.getByTestId('statement-drawer-number').filter({ hasText: statement.number }).waitFor();
    const tab = await openPrint(page, 'print-statement');
    expect(new URL(tab.url()).pathname).toBe(`/print/statement/${statement.id}`);
    expect(await text(tab, 'print-title')).toBe('对账单');
    expect(await text(tab, 'print-number')).toBe(statement.number);
    expect(await tab.getByTestId('print-line').count()).toBe(statement.lines.length);
    expect(await text(tab, 'print-closing')).toBe(money(statement.closingBalance));
    expect(await text(tab, 'print-words')).toBe(amountInWords(statement.closingBalance));
    // receipts are worded, not their method codes
    expect(await tab.getByTestId('print-lines').textContent()).not.toMatch(/BANK_TRANSFER|BANK_ACCEPTANCE|WECHAT|ALIPAY/);
    await screenshot(tab, 'printing-statement');
    await checkPaper(tab, 'statement', 3);

    // the printed document follows the UI language; 大写金额 stays Chinese
    await tab.evaluate(() => localStorage.setItem('drp.locale', 'en'));
    await tab.reload();
    await tab.getByTestId('print-number').waitFor();
    expect(await text(tab, 'print-title')).toBe('Statement of account');
    expect(await tab.getByTestId('print-now').textContent()).toContain('Print');
    expect(await text(tab, 'print-words')).toBe(amountInWords(statement.closingBalance));
    await screenshot(tab, 'printing-statement-en');
    await tab.evaluate(() => localStorage.setItem('drp.locale', 'zh-CN'));
    await tab.close();
  });

  it('runs a long order over several 241 x 140 mm pages, the column heads on each', async () => {
    const dealers = await api<{ items: { id: string; code: string }[] }>('/orgs?type=DEALER&q=D-BJ001');
    const dealerId = dealers.items.find((d) => d.code === 'D-BJ001')!.id;
    const warehouses = await api<{ items: { id: string; code: string }[] }>('/warehouses?q=WH-BJ');
    const warehouseId = warehouses.items.find((w) => w.code === 'WH-BJ')!.id;
    const products = await api<{ items: { id: string; minOrderQty: string; orderMultiple: string }[] }>('/products?pageSize=40&sort=code&status=ON_SALE');
    /** the least quantity the product's minimum and multiple allow */
    const qtyFor = (p: { minOrderQty: string; orderMultiple: string }) => {
      const multiple = new Dec(p.orderMultiple).greaterThan(0) ? new Dec(p.orderMultiple) : new Dec(1);
      return Dec.max(multiple, new Dec(p.minOrderQty).div(multiple).ceil().times(multiple)).toFixed();
    };
    expect(products.items.length).toBe(40);
    const order = await pageApi<SalesOrderDto>(page, 'POST', '/sales-orders', {
      body: { dealerId, warehouseId, lines: products.items.map((p) => ({ productId: p.id, qty: qtyFor(p) })), remark: 'e2e 打印长单' },
    });
    expect(order.lines.length).toBe(40);

    const tab = await page.context().newPage();
    await tab.goto(`/print/sales-order/${order.id}?paper=241x140`);
    await tab.getByTestId('print-number').waitFor();
    expect(await tab.getByTestId('print-line').count()).toBe(40);
    expect(await text(tab, 'print-total')).toBe(money(order.total));
    expect(await text(tab, 'print-words')).toBe(amountInWords(order.total));
    // the heads repeat on every printed page; a line never splits
    expect(await tab.locator('[data-testid="print-lines"] thead').evaluate((el) => getComputedStyle(el).display)).toBe('table-header-group');
    const form = await tab.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(path.join(SCREENSHOT_DIR, 'printing-long-order-241x140.pdf'), form);
    const facts = pdfFacts(form);
    expect(Math.round(facts.height / MM)).toBe(140);
    expect(facts.pages).toBeGreaterThanOrEqual(2);
    expect(facts.pages).toBeLessThanOrEqual(6);
    await tab.close();
  });

  describe('a dealer on a phone', () => {
    let context: BrowserContext;
    let phone: TrackedPage;
    let own: StatementDto;
    let otherId = '';

    beforeAll(async () => {
      phone = await newPage(browser, server.baseUrl);
      context = phone.context();
      await phone.setViewportSize(PHONE);
      const all = await api<{ items: StatementDto[] }>('/statements/list?pageSize=50');
      const mine = all.items.find((s) => s.dealerCode === 'D-BJ001');
      const other = all.items.find((s) => s.dealerCode !== 'D-BJ001' && s.dealerCode !== 'D-BJ001-01');
      expect(mine).toBeDefined();
      expect(other).toBeDefined();
      own = await api<StatementDto>(`/statements/${mine!.id}`);
      otherId = other!.id;
    });
    afterAll(() => context?.close());

    it('prints its own statement from the mall, fitting the phone', async () => {
      await login(phone, 'bj.dealer1');
      await phone.goto(`/mall/me/statements/${own.id}`);
      await phone.getByTestId('mall-statement-detail').waitFor();
      const tab = await openPrint(phone, 'print-statement');
      await tab.setViewportSize(PHONE);
      expect(new URL(tab.url()).pathname).toBe(`/mall/print/statement/${own.id}`);
      expect(await text(tab, 'print-number')).toBe(own.number);
      expect(await text(tab, 'print-dealer')).toContain(own.dealerName);
      expect(await tab.getByTestId('print-line').count()).toBe(own.lines.length);
      expect(await text(tab, 'print-words')).toBe(amountInWords(own.closingBalance));
      await tab.getByTestId('print-now').waitFor();
      const widths = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
      await screenshot(tab, 'printing-mall-statement-phone');
      const pdf = await tab.pdf({ preferCSSPageSize: true, printBackground: true });
      expect(pdfFacts(pdf).pages).toBeGreaterThanOrEqual(1);
      await tab.close();
    });

    it("meets the not-found state for another dealer's statement (the API answers 404)", async () => {
      const direct = await pageCall<{ code: string }>(phone, 'GET', `/statements/${otherId}`);
      expect(direct.status).toBe(404);
      expect(direct.body.code).toBe('NOT_FOUND');
      await phone.goto(`/mall/print/statement/${otherId}`);
      await phone.getByTestId('print-not-found').waitFor();
      expect(await phone.getByTestId('print-number').count()).toBe(0);
      expect(await phone.getByTestId('print-not-found').textContent()).toContain('单据不存在');
      await screenshot(phone, 'printing-mall-statement-not-found');
      // a malformed id is the same state
      await phone.goto('/mall/print/statement/not-an-id');
      await phone.getByTestId('print-not-found').waitFor();
      expect(phone.appErrors).toEqual([]);
    });
  });
});
