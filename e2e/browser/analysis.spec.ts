import type { Browser } from 'playwright-core';
import * as fs from 'node:fs';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, launchBrowser, login, logout, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';
import { readXlsx } from '../support/xlsx';

/**
 * 多维分析 (issue #16) as people use it: the HQ admin builds a month × branch analysis with margin
 * from the reports menu, reads its subtotals and total (the same as the engine's), switches the
 * chart, drills into this month's Beijing figure down to a shipment made for the test, sorts the
 * table and exports exactly its lines (subtotal lines and the sort included), compares with last
 * year and keeps the analysis as a saved view; the ready reports open from the menu; the Beijing branch manager, on a 390×844 phone, sees only 北京分公司 and the pivot
 * scrolls inside its own box.
 */
describe('analysis', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  let shipmentNumber = '';
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Shanghai business date
  const month = today.slice(0, 7);
  const yearStart = `${today.slice(0, 4)}-01-01`;

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

  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => pageApi<T>(page, method, path, { body });
  const { rowsOf, pickOption, dropdownsClosed, messageBox, toast } = elementUi(() => page);
  const money = (text: string) => Number(text.trim().replace(/[,%¥]/g, ''));

  /** a select of the form: clear what it holds, then pick these options in order */
  async function choose(testId: string, labels: string[]): Promise<void> {
    const select = page.getByTestId(testId);
    while ((await select.locator('.el-tag__close').count()) > 0) await select.locator('.el-tag__close').first().click();
    // removing a tag may have opened the dropdown already
    if ((await page.locator('.el-select-dropdown__item:visible').count()) === 0) await select.click();
    for (const label of labels) await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click();
    await page.keyboard.press('Escape');
    await dropdownsClosed();
  }

  it('ships an order for 北京华联 this month (API), so Beijing has a document behind its figure', async () => {
    const dealers = await api<{ items: { id: string; code: string }[] }>('GET', '/orgs?type=DEALER&q=D-BJ001');
    const warehouses = await api<{ items: { id: string; code: string }[] }>('GET', '/warehouses?q=WH-BJ');
    const products = await api<{ items: { id: string; code: string }[] }>('GET', '/products?q=SP0007');
    const order = await api<{ id: string; status: string }>('POST', '/sales-orders', {
      dealerId: dealers.items.find((d) => d.code === 'D-BJ001')!.id,
      warehouseId: warehouses.items.find((w) => w.code === 'WH-BJ')!.id,
      lines: [{ productId: products.items.find((p) => p.code === 'SP0007')!.id, qty: '10' }],
      remark: 'e2e 多维分析',
      submit: true,
    });
    expect(order.status).toBe('APPROVED');
    const shipment = await api<{ number: string }>('POST', '/shipments', { orderId: order.id });
    shipmentNumber = shipment.number;
    expect(shipmentNumber).toMatch(/^FH\d{8}-\d{4}$/);
  });

  it('HQ builds month × branch with margin from the reports menu: subtotals per month and the total match the engine', async () => {
    await page.getByTestId('menu-group-reports').click();
    await page.getByTestId('menu-reports/analysis').click();
    await page.waitForURL(/\/reports\/analysis/);
    await page.getByTestId('pivot-table').waitFor();

    await choose('analysis-measures', ['净销售额', '毛利', '毛利率']);
    await choose('analysis-dimensions', ['月', '分支机构']);
    await page.getByTestId('analysis-search').click();
    await page.waitForURL((url) => url.searchParams.get('dimensions') === 'month,branch' && url.searchParams.get('measures') === 'netSales,grossMargin,marginRate');
    await rowsOf('pivot-table').filter({ hasText: '北京分公司' }).first().waitFor();

    const from = new URL(page.url()).searchParams.get('from')!;
    const to = new URL(page.url()).searchParams.get('to')!;
    expect(from).toBe(yearStart);
    expect(to).toBe(today);
    const engine = await api<{ rows: Record<string, string | null>[]; totals: Record<string, string | null>; subtotals: { dimensions: string[]; rows: Record<string, string | null>[] }[] }>(
      'GET',
      `/reports/analysis?measures=netSales,grossMargin,marginRate&dimensions=month,branch&from=${from}&to=${to}`,
    );
    // the total line shows the engine's totals
    const total = rowsOf('pivot-table').filter({ hasText: '合计' }).last();
    const totalCells = total.getByTestId('pivot-cell');
    expect(money(await totalCells.nth(0).innerText())).toBeCloseTo(Number(engine.totals.netSales), 2);
    expect(money(await totalCells.nth(1).innerText())).toBeCloseTo(Number(engine.totals.grossMargin), 2);
    expect(money(await totalCells.nth(2).innerText())).toBeCloseTo(Number(engine.totals.marginRate) * 100, 1);
    // one subtotal per month, each the engine's month subtotal; together they make the total
    const months = engine.subtotals.find((s) => s.dimensions.join() === 'month')!.rows;
    const subtotals = rowsOf('pivot-table').filter({ hasText: '小计' });
    expect(await subtotals.count()).toBe(months.length);
    let sum = 0;
    for (let i = 0; i < months.length; i++) {
      const shown = money(await subtotals.nth(i).getByTestId('pivot-cell').first().innerText());
      expect(shown).toBeCloseTo(Number(months[i].netSales), 2);
      sum += shown;
    }
    expect(sum).toBeCloseTo(Number(engine.totals.netSales), 1);
    // HQ sees every branch
    expect(engine.rows.some((r) => r.branchName === '上海分公司')).toBe(true);
    await rowsOf('pivot-table').filter({ hasText: '上海分公司' }).first().waitFor();
    await screenshot(page, 'analysis-01-month-branch');
    expect(page.appErrors).toEqual([]);
  });

  it('switches the chart: line, bar, stacked, pie, and the measure it draws', async () => {
    const chart = page.getByTestId('analysis-chart');
    await chart.locator('canvas').first().waitFor();
    for (const type of ['bar', 'stacked', 'pie', 'line']) {
      await page.getByTestId(`chart-type-${type}`).click();
      await page.waitForURL((url) => url.searchParams.get('chart') === type);
      expect(await chart.getAttribute('data-chart-type')).toBe(type);
      if (type === 'pie') await screenshot(page, 'analysis-02-pie');
    }
    await page.getByTestId('analysis-chart-measure').click();
    await pickOption('毛利');
    await page.waitForURL((url) => url.searchParams.get('chartMeasure') === 'grossMargin');
    await screenshot(page, 'analysis-03-line-margin');
  });

  it('drills into this month × 北京分公司 down to the shipment made above', async () => {
    const row = rowsOf('pivot-table').filter({ hasText: '北京分公司' }).last(); // months run oldest first: the last Beijing row is this month's
    await row.getByTestId('pivot-cell').first().click();
    const drawer = page.getByTestId('drill-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('drill-subtitle').getByText(`${month} · 北京分公司 · 净销售额`).waitFor();
    await drawer.locator('[data-testid="drill-table"] .el-table__row').first().waitFor();
    // the newest documents first, or on a later page: ask the engine for the same cell and find the number
    const docs = await api<{ items: { number: string }[]; total: number }>(
      'GET',
      `/reports/analysis/documents?measures=netSales&dimensions=month,branch&from=${yearStart}&to=${today}&cell=${encodeURIComponent(JSON.stringify({ month, branch: (await branchId('北京分公司')) }))}&pageSize=100`,
    );
    expect(docs.items.map((d) => d.number)).toContain(shipmentNumber);
    const shownNumbers = await drawer.getByTestId('drill-number').allInnerTexts();
    expect(shownNumbers.length).toBe(Math.min(20, docs.total));
    expect(shownNumbers).toEqual(docs.items.slice(0, shownNumbers.length).map((d) => d.number));
    await screenshot(page, 'analysis-04-drill');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  async function branchId(name: string): Promise<string> {
    const orgs = await api<{ items: { id: string; name: string }[] }>('GET', `/orgs?type=BRANCH&q=${encodeURIComponent(name)}`);
    return orgs.items.find((o) => o.name === name)!.id;
  }

  it('sorts the table by net sales and exports it as it is shown: the same lines in the same order, subtotal lines included', async () => {
    const netSalesHeader = page.locator('[data-testid="pivot-table"] th', { hasText: '净销售额' }).first();
    await netSalesHeader.locator('.caret-wrapper .descending').click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-netSales');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('analysis-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    const sheet = await readXlsx(fs.readFileSync(file!));
    expect(sheet[0]).toEqual(['月', '分支机构', '净销售额', '毛利', '毛利率']);
    const body = sheet.slice(1).filter((r) => r.some((c) => c !== ''));
    // the table's lines top to bottom: the branch column's words (小计 on a subtotal line; the total's 合计 spans the dimensions) and the net sales
    const lines = rowsOf('pivot-table');
    const shown: [string, number][] = [];
    for (let i = 0, n = await lines.count(); i < n; i++) {
      const line = lines.nth(i);
      const branch = line.getByTestId('pivot-label-branch');
      shown.push([(await branch.count()) ? (await branch.innerText()).trim() : '合计', money(await line.getByTestId('pivot-cell').first().innerText())]);
    }
    expect(body.map((r): [string, number] => [r[0] === '合计' ? '合计' : r[1], Number(r[2])])).toEqual(shown);
    // one subtotal line per month, highest first, and the total last
    const subtotals = body.filter((r) => r[1] === '小计').map((r) => Number(r[2]));
    expect(subtotals.length).toBeGreaterThan(1);
    expect(subtotals).toEqual([...subtotals].sort((a, b) => b - a));
    expect(body[body.length - 1][0]).toBe('合计');
    expect(body.some((r) => r.includes('北京分公司'))).toBe(true);
  });

  it('compares with last year: this period, last year and the change per measure', async () => {
    await page.getByTestId('analysis-compare-yoy').click();
    await page.getByTestId('analysis-search').click();
    await page.waitForURL((url) => url.searchParams.get('compare') === 'yoy');
    await page.getByTestId('analysis-compared').waitFor();
    const lastYear = String(Number(today.slice(0, 4)) - 1);
    await page.getByTestId('analysis-compared').getByText(`${lastYear}-01-01`).waitFor();
    await page.locator('[data-testid="pivot-table"] th', { hasText: '去年同期' }).first().waitFor();
    await page.locator('[data-testid="pivot-table"] th', { hasText: '增减' }).first().waitFor();
    await screenshot(page, 'analysis-05-yoy');
  });

  it('keeps the analysis as a saved view and opens it again', async () => {
    await page.getByTestId('views-button').click();
    await page.getByTestId('view-save').click();
    await messageBox().waitFor();
    await messageBox().locator('input').fill('月度分支毛利');
    await messageBox().getByRole('button', { name: '保存' }).click();
    await toast('视图已保存');
    // a preset elsewhere, then the view brings the analysis back
    await page.goto('/reports/sales-by-dealer');
    await page.getByTestId('pivot-table').waitFor();
    await page.getByTestId('views-button').click();
    await page.getByTestId('view-月度分支毛利').click();
    await page.waitForURL((url) => url.searchParams.get('dimensions') === 'month,branch' && url.searchParams.get('compare') === 'yoy');
    await rowsOf('pivot-table').filter({ hasText: '北京分公司' }).first().waitFor();
    const views = await api<{ name: string; query: { measures: string[] } }[]>('GET', '/reports/analysis/views');
    expect(views.find((v) => v.name === '月度分支毛利')?.query.measures).toEqual(['netSales', 'grossMargin', 'marginRate']);
  });

  it('opens the ready reports from the menu: each with its own query', async () => {
    const presets: [string, string, string][] = [
      ['reports/sales-summary', '销售汇总', 'month'],
      ['reports/sales-by-dealer', '经销商销售', 'dealer'],
      ['reports/sales-by-product', '商品销售', 'product'],
      ['reports/sales-by-rep', '业务员业绩', 'rep'],
      ['reports/sales-by-branch', '分支机构对比', 'branch'],
      ['reports/hot-products', '畅销商品', 'product'],
      ['reports/returns', '退货分析', 'month'],
      ['reports/collections', '回款分析', 'month,branch'],
    ];
    for (const [path, title, dims] of presets) {
      await page.getByTestId(`menu-${path}`).click();
      await page.waitForURL((url) => url.pathname === `/${path}`);
      await page.getByTestId('page-title').getByText(title, { exact: true }).waitFor();
      await page.getByTestId('analysis-body').locator('[data-testid="pivot-table"], [data-testid="analysis-empty"]').first().waitFor();
      expect(new URL(page.url()).searchParams.get('dimensions') ?? dims).toBe(dims);
    }
    await page.getByTestId('menu-reports/receivables-by-branch').click();
    await page.waitForURL((url) => url.pathname === '/finance/aging' && url.searchParams.get('groupBy') === 'branch');
    await page.getByTestId('aging-table').getByText('北京分公司').first().waitFor();
    expect(page.appErrors).toEqual([]);
  });

  it('the Beijing branch manager on a phone sees only 北京分公司, the pivot scrolling inside its box', async () => {
    await logout(page);
    const phone = await newPage(browser, server.baseUrl);
    await phone.setViewportSize(PHONE);
    page = phone;
    await login(page, 'bj.manager');
    await page.goto(`/reports/analysis?measures=netSales,grossMargin,marginRate,receipts,orderCount&dimensions=month,branch&from=${yearStart}&to=${today}`);
    await rowsOf('pivot-table').filter({ hasText: '北京分公司' }).first().waitFor();
    expect(await rowsOf('pivot-table').filter({ hasText: '上海分公司' }).count()).toBe(0);
    expect(await rowsOf('pivot-table').filter({ hasText: '广州' }).count()).toBe(0);
    const engine = await pageApi<{ rows: { branchName: string | null }[] }>(page, 'GET', `/reports/analysis?measures=netSales&dimensions=branch&from=${yearStart}&to=${today}`);
    expect([...new Set(engine.rows.map((r) => r.branchName))]).toEqual(['北京分公司']);
    // no sideways scroll of the page; the table body scrolls on its own
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const wrapper = page.locator('[data-testid="pivot-table"] .el-table__body-wrapper .el-scrollbar__wrap').first();
    const { scrollWidth, clientWidth } = await wrapper.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await screenshot(page, 'analysis-06-phone-manager');
    await page.getByTestId('analysis-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'analysis-07-phone-chart');
    expect(page.appErrors).toEqual([]);
  });
});
