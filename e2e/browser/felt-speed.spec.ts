import type { Browser, Request } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * One request instead of many (issue #12), seen in the browser as admin: the movement ledger
 * names its products from its own answer (no request per product, no "加载中…" rows); the price
 * simulator opened from a price book with its 30 products asks for them once and resolves them
 * once; the price book drawer shows 零售价 on the lines the book already has; a count sheet loads
 * the warehouse's stock in one click and the document shows 制单人. Along the way no Element
 * Plus deprecation warning is printed.
 */
describe('felt speed in the browser: request counts, price book, count sheet', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  /** API calls since the last reset, as "GET /api/products" (query left out) */
  let calls: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    page.on('request', (req: Request) => {
      const url = new URL(req.url());
      if (url.pathname.startsWith('/api/')) calls.push(`${req.method()} ${url.pathname}`);
    });
    page.on('console', (msg) => {
      if (/deprecated|will be removed/i.test(msg.text())) warnings.push(msg.text());
    });
    await login(page, 'admin');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { messageBox, pickOption, rowsOf } = elementUi(() => page);
  const count = (pattern: RegExp) => calls.filter((c) => pattern.test(c)).length;

  it('库存流水: one request for the page, product names from it, none per product', async () => {
    calls = [];
    await page.goto('/stock/movements');
    await rowsOf('movement-table').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(count(/^GET \/api\/stock\/movements$/)).toBe(1);
    expect(count(/^GET \/api\/products/)).toBe(0);
    // every row names its product: a code (SP....) and no "加载中…"
    const rows = await rowsOf('movement-table').count();
    expect(rows).toBeGreaterThan(20);
    expect(await page.getByTestId('movement-table').getByText('加载中').count()).toBe(0);
    expect(await rowsOf('movement-table').filter({ hasText: /SP\d{4}/ }).count()).toBe(rows);
    await screenshot(page, 'speed-01-movements');
  });

  it('价格模拟 from a price book of 30 products: one product request and one price request', async () => {
    await page.goto('/price-books');
    await rowsOf('book-table').first().waitFor();
    calls = [];
    await page.getByTestId('book-simulate-PB-BJ001').click();
    await page.waitForURL(/\/prices\/simulator\?/);
    await rowsOf('sim-table').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await rowsOf('sim-table').count()).toBe(30);
    expect(count(/^GET \/api\/products/)).toBe(1);
    expect(count(/^GET \/api\/prices\/resolve$/)).toBe(1);
    // the lines are named (codes from the one product answer)
    expect(await rowsOf('sim-table').filter({ hasText: /SP\d{4}/ }).count()).toBe(30);
    await screenshot(page, 'speed-02-simulator');
  });

  it('the price book drawer shows 零售价 on the lines the book already has', async () => {
    await page.goto('/price-books');
    await rowsOf('book-table').first().waitFor();
    calls = [];
    await page.getByTestId('book-open-PB-BJ001').click();
    await page.getByTestId('book-drawer').waitFor();
    await page.waitForFunction(() => /^¥?[\d,]+\.\d{2}/.test(document.querySelector('[data-testid="book-item-base-price-0"]')?.textContent?.trim() ?? ''));
    for (const i of [0, 10, 29]) expect((await page.getByTestId(`book-item-base-price-${i}`).innerText()).trim()).toMatch(/\d+\.\d{2}/);
    expect(count(/^GET \/api\/products/)).toBe(1);
    await screenshot(page, 'speed-03-book-drawer');
    await page.keyboard.press('Escape');
  });

  it('盘点单: the whole stock of 北京分仓 in one click, counted = book; posted, the document shows 制单人', async () => {
    await page.goto('/stock-docs/new?type=ADJUSTMENT');
    await page.getByText('新建盘点单').first().waitFor();
    // no warehouse yet: nothing to load
    expect(await page.getByTestId('doc-load-stock').count()).toBe(0);
    await page.getByTestId('doc-warehouse').click();
    await pickOption('北京分仓');
    calls = [];
    await page.getByTestId('doc-load-stock').click();
    await page.locator('.el-message', { hasText: /已载入 \d+ 个有库存的商品/ }).first().waitFor();
    expect(count(/^GET \/api\/stock$/)).toBe(1);
    const loaded = await rowsOf('doc-lines-editor').filter({ hasText: /SP\d{4}/ }).count();
    expect(loaded).toBeGreaterThan(50);
    // counted = book quantity: every change reads 0 until a count differs
    const firstQty = await input(page, 'line-qty-1').inputValue();
    expect(Number(firstQty)).toBeGreaterThan(0);
    await input(page, 'line-qty-1').fill(String(Number(firstQty) - 1));
    await page.getByTestId('line-change-1').getByText('-1').waitFor();
    // a second click adds nothing twice
    await page.getByTestId('doc-load-stock').click();
    await page.locator('.el-message', { hasText: '没有需要载入' }).first().waitFor();
    expect(await rowsOf('doc-lines-editor').filter({ hasText: /SP\d{4}/ }).count()).toBe(loaded);
    await screenshot(page, 'speed-04-count-loaded');

    await input(page, 'doc-reason').fill('月末全盘');
    await page.keyboard.press('Escape');
    await page.getByTestId('doc-submit').click();
    await messageBox().getByText('确认过账').waitFor();
    await messageBox().getByRole('button', { name: '过账' }).click();
    await page.waitForURL(/\/stock-docs\?id=/);
    await page.getByTestId('doc-drawer-created-by').getByText('系统管理员').waitFor();
    await page.keyboard.press('Escape');
    await rowsOf('doc-table').first().getByTestId('doc-created-by').getByText('系统管理员').waitFor();
    await screenshot(page, 'speed-05-count-posted');
  });

  it('the products list and the price grid print no Element Plus deprecation warning', async () => {
    await page.goto('/products');
    await page.locator('.code-link').first().waitFor();
    await page.goto('/prices/grid');
    await page.getByText(/SP\d{4}/).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(warnings).toEqual([]);
    expect(page.appErrors).toEqual([]);
  });
});
