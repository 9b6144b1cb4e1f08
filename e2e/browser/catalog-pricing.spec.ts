import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { input, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Products and prices as an HQ admin works with them: a new product with its ten level prices, a
 * price book giving one dealer its own price for it, the price simulator naming that book as the
 * source, and an Excel import through the import dialog (first refused with a row report, then
 * accepted).
 */
describe('products and pricing', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  let tmp: string;
  const suffix = Date.now().toString(36).slice(-5).toUpperCase();
  const product = { code: `E2E-${suffix}`, name: `测试矿泉水${suffix} 500ml` };
  const book = { code: `PB-E2E-${suffix}`, name: `华联测试协议价${suffix}` };
  const DEALER = '北京华联商贸有限公司';
  const LEVELS = ['9.50', '9.40', '9.30', '9.20', '9.10', '9.00', '8.90', '8.80', '8.70', '8.60'];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-catalog-'));
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** pick an option of the el-select that is open (its popper is teleported to <body>) */
  const pickOption = async (text: string) => {
    await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
  };
  /** type into a remote-search select and pick the option that appears */
  const searchAndPick = async (testId: string, query: string, option = query) => {
    await page.locator(`[data-testid="${testId}"] .el-select__wrapper`).first().click();
    await page.locator(`[data-testid="${testId}"] input`).first().fill(query);
    await pickOption(option);
  };
  const rows = (testId: string) => page.locator(`[data-testid="${testId}"] .el-table__body-wrapper .el-table__row`);

  it('creates a product with its ten level prices through the form', async () => {
    await page.getByTestId('menu-products').click();
    await page.waitForURL(/\/products$/);
    await rows('product-table').first().waitFor();
    await screenshot(page, '40-products');

    await page.getByTestId('product-create').click();
    await page.waitForURL(/\/products\/new/);
    await input(page, 'product-field-code').fill(product.code);
    await input(page, 'product-field-name').fill(product.name);
    await page.getByTestId('product-field-category').locator('.el-select__wrapper').click();
    await page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: '饮用水' }).first().click();
    await input(page, 'product-field-spec').fill('500ml×24');
    await input(page, 'product-field-base-unit').fill('瓶');
    // a bad price is refused before anything is sent
    await input(page, 'product-field-base-price').fill('12.34567');
    await page.getByTestId('product-save').click();
    await page.getByText('最多 4 位小数').first().waitFor();
    await input(page, 'product-field-base-price').fill('12');
    for (const [i, price] of LEVELS.entries()) await input(page, `product-level-${i + 1}`).fill(price);
    // the floor is empty: the level-10 price is the effective floor
    await page.getByTestId('product-effective-floor').getByText('¥8.60').waitFor();
    await screenshot(page, '41-product-form');
    // unsaved: closing or reloading the tab makes the browser ask (the beforeunload handler cancels)
    expect(await page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })))).toBe(true);
    await page.getByTestId('product-save').click();
    await page.waitForURL((url) => /\/products\/[0-9a-f-]{36}$/.test(url.pathname));
    // the saved product opens on its own page (the "new" page has left) with what was saved
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-form"]').length === 1);
    await page.waitForFunction(() => (document.querySelector('[data-testid="product-level-10"] input, input[data-testid="product-level-10"]') as HTMLInputElement | null)?.value === '8.60');
    await page.getByTestId('page-title').getByText(product.name).waitFor();

    // the price history records every price it was created with
    await page.getByRole('tab', { name: '价格历史' }).click();
    await page.getByTestId('price-history').getByText('十级批发价').first().waitFor();
    await screenshot(page, '42-product-history');
  });

  it('creates a price book for a dealer containing the product', async () => {
    await page.getByTestId('menu-price-books').click();
    await page.waitForURL(/\/price-books/);
    await rows('book-table').first().waitFor();
    await page.getByTestId('book-create').click();
    await page.getByTestId('book-drawer').waitFor();
    await input(page, 'book-field-code').fill(book.code);
    await input(page, 'book-field-name').fill(book.name);
    await searchAndPick('book-field-dealers', '华联商贸', DEALER);
    await page.keyboard.press('Escape');
    await searchAndPick('book-item-product-0', product.code);
    // quantity breaks must not raise the unit price: refused next to the line
    await input(page, 'book-item-price-0').fill('7.5');
    await page.getByTestId('book-item-break-0').click();
    await input(page, 'book-item-min-qty-1').fill('100');
    await input(page, 'book-item-price-1').fill('7.9');
    await page.getByTestId('book-save').click();
    await page.getByTestId('book-item-price-error').getByText('买得越多单价应越低').waitFor();
    await input(page, 'book-item-price-1').fill('7.2');
    await screenshot(page, '43-price-book-form');
    await page.getByTestId('book-save').click();
    await page.getByTestId('book-drawer').waitFor({ state: 'hidden' });
    const row = rows('book-table').filter({ hasText: book.code });
    await row.getByText(DEALER).waitFor();
    await row.getByText('生效中').waitFor();
    await screenshot(page, '44-price-books');
  });

  it('simulates the dealer price and names the price book as its source', async () => {
    await page.getByTestId('menu-prices/simulator').click();
    await page.waitForURL(/\/prices\/simulator/);
    await searchAndPick('sim-dealer', '华联商贸', DEALER);
    await page.getByTestId('sim-dealer-level').getByText('二级批发价').waitFor();
    await searchAndPick('sim-products', product.code);
    await page.keyboard.press('Escape');
    await page.getByTestId('sim-run').click();
    const source = page.getByTestId(`sim-source-${product.code}`);
    await source.locator('[data-source="PRICE_BOOK"]').getByText('客户价格本').waitFor();
    await source.getByText(book.name).waitFor();
    expect(await page.getByTestId(`sim-price-${product.code}`).innerText()).toBe('7.50');
    await screenshot(page, '45-simulator-book');

    // from 100 on, the quantity break applies; the line amount is qty x price in decimals
    await input(page, 'sim-qty').fill('120');
    await page.getByTestId('sim-run').click();
    await page.getByTestId(`sim-price-${product.code}`).getByText('7.20').waitFor();
    await page.getByTestId('sim-total').getByText('864.00').waitFor();
    await screenshot(page, '46-simulator-break');
  });

  async function workbook(file: string, rowsToWrite: string[][]): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('商品');
    ws.addRow(['商品编码*', '商品名称*', '规格型号', '品牌', '分类编码*', '基本单位*', '零售价*', '一级批发价', '十级批发价', '状态', '商城上架']);
    rowsToWrite.forEach((r) => ws.addRow(r));
    const full = path.join(tmp, file);
    await wb.xlsx.writeFile(full);
    return full;
  }

  it('imports products from an .xlsx through the import dialog', async () => {
    const codes = [`IMP-${suffix}-1`, `IMP-${suffix}-2`];
    const bad = await workbook('bad.xlsx', [
      [codes[0], '导入测试苏打水', '330ml', '冰川', 'WATER', '罐', '3.5', '3.2', '2.9', '在售', '是'],
      [codes[1], '导入测试薯片', '70g', '好味', 'NO-SUCH-CAT', '袋', 'abc', '', '', '在售', '否'],
    ]);
    const good = await workbook('good.xlsx', [
      [codes[0], '导入测试苏打水', '330ml', '冰川', 'WATER', '罐', '3.5', '3.2', '2.9', '在售', '是'],
      [codes[1], '导入测试薯片', '70g', '好味', 'SNACK', '袋', '6.8', '6.1', '5.6', '在售', '否'],
    ]);

    await page.getByTestId('menu-products').click();
    await page.waitForURL(/\/products/);
    await page.getByTestId('product-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();

    // all or nothing: a file with a bad row is refused with a report by row and column
    await dialog.locator('input[type=file]').setInputFiles(bad);
    await page.getByTestId('import-submit').click();
    const errors = page.getByTestId('import-errors');
    await errors.getByText('分类编码 NO-SUCH-CAT 不存在').waitFor();
    await errors.getByText('须为不小于 0 的数字，最多 4 位小数').waitFor();
    await dialog.getByText('本次没有导入任何数据').waitFor();
    await screenshot(page, '47-import-rejected');

    await dialog.locator('input[type=file]').setInputFiles(good);
    await dialog.getByText('good.xlsx').waitFor();
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-result').getByText('新增 2 条，更新 0 条').waitFor();
    await screenshot(page, '48-import-done');
    await dialog.getByRole('button', { name: '关闭' }).last().click();
    await dialog.waitFor({ state: 'hidden' });

    await input(page, 'product-search-q').fill(`IMP-${suffix}`);
    await page.getByTestId('product-search').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-table"] .el-table__body-wrapper .el-table__row').length === 2);
    await rows('product-table').filter({ hasText: codes[0] }).getByText('导入测试苏打水').waitFor();
    await rows('product-table').filter({ hasText: codes[1] }).getByText('导入测试薯片').waitFor();
    await screenshot(page, '49-imported-products');
    expect(page.appErrors).toEqual([]);
  });
});
