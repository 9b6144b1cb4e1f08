import type { Browser, Locator } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Inventory as people use it: an HQ admin posts an inbound document to 北京分仓 and sees the stock
 * rise, posts a stock count (盘点) with a reason, has an over-large transfer refused in words, and
 * finds every movement in the ledger; the Beijing manager sees only Beijing's warehouse and no
 * buttons that change stock; a dealer has no inventory menu at all.
 */
describe('inventory', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PRODUCT = 'SP0007';
  const WAREHOUSE = `WH-E2E-${Date.now().toString(36).slice(-4).toUpperCase()}`;
  let before = '';

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

  const { messageBox, pickOption } = elementUi(() => page);
  const pickWarehouse = async (testId: string, name: string) => {
    await page.getByTestId(testId).click();
    await pickOption(name);
  };
  const pickProduct = async (testId: string, code: string) => {
    await page.locator(`[data-testid="${testId}"] input`).first().fill(code);
    await pickOption(code);
  };
  const stockRow = (code: string): Locator =>
    page.locator('[data-testid="stock-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: code }).first();
  /** the on-hand cell of a stock row (5th column), as the number it shows */
  const onHandOf = async (code: string) => (await stockRow(code).locator('td').nth(4).innerText()).trim().replace(/,/g, '');

  async function findStock(warehouse: string, code: string): Promise<string> {
    await page.goto('/stock');
    await page.locator('[data-testid="stock-table"] .el-table__row').first().waitFor();
    await pickWarehouse('stock-filter-warehouse', warehouse);
    await input(page, 'stock-search-q').fill(code);
    await page.getByTestId('stock-search').click();
    await page.waitForFunction(
      (c) => {
        const rows = document.querySelectorAll('[data-testid="stock-table"] .el-table__body-wrapper .el-table__row');
        return rows.length === 1 && rows[0].textContent?.includes(c);
      },
      code,
    );
    return onHandOf(code);
  }

  async function postAndConfirm(shot: string): Promise<string> {
    await page.getByTestId('doc-submit').click();
    await messageBox().getByText('确认过账').waitFor();
    await screenshot(page, shot);
    await messageBox().getByRole('button', { name: '过账' }).click();
    await page.waitForURL(/\/stock-docs\?id=/);
    const number = page.getByTestId('doc-drawer-number');
    await number.waitFor();
    await page.waitForFunction(() => /^(RK|DB|PD)\d{8}-\d{4}$/.test(document.querySelector('[data-testid="doc-drawer-number"]')?.textContent?.trim() ?? ''));
    return (await number.innerText()).trim();
  }

  it('shows the stock of 北京分仓 with totals', async () => {
    await page.getByTestId('menu-stock').click();
    await page.waitForURL(/\/stock$/);
    await page.locator('[data-testid="stock-table"] .el-table__row').first().waitFor();
    // the totals row covers the whole filter
    await page.locator('[data-testid="stock-table"] .el-table__footer').getByText(/合计/).waitFor();
    await screenshot(page, 'inv-01-stock');
    before = await findStock('北京分仓', PRODUCT);
    expect(Number(before)).toBeGreaterThanOrEqual(0);
  });

  it('posts an inbound document to 北京分仓 and the stock rises', async () => {
    await page.getByTestId('menu-stock-docs').click();
    await page.waitForURL(/\/stock-docs/);
    await page.locator('[data-testid="doc-table"] .el-table__row').first().waitFor();
    await screenshot(page, 'inv-02-docs');
    await page.getByTestId('doc-new-INBOUND').click();
    await page.waitForURL(/\/stock-docs\/new/);
    await page.getByText('新建入库单').first().waitFor();

    // nothing filled in: the form says what is missing
    await page.getByTestId('doc-submit').click();
    await page.getByText('请选择仓库').first().waitFor();
    await page.getByText('请至少添加一行商品').waitFor();

    await pickWarehouse('doc-warehouse', '北京分仓');
    await pickProduct('line-product-1', PRODUCT);
    await page.getByTestId('line-stock').first().waitFor();
    await input(page, 'line-qty-1').fill('12.5555');
    await page.getByTestId('doc-submit').click();
    await page.getByText('最多 3 位小数').first().waitFor();
    await input(page, 'line-qty-1').fill('12.5');
    // an inbound line names its unit cost (issue #16): without one the form says so
    await page.getByTestId('doc-submit').click();
    await page.getByText('请填写单位成本').first().waitFor();
    await input(page, 'line-cost-1').fill('8.5');
    await input(page, 'doc-reason').fill('采购入库');
    await screenshot(page, 'inv-03-inbound-form');

    const number = await postAndConfirm('inv-03b-inbound-confirm');
    expect(number).toMatch(/^RK\d{8}-\d{4}$/);
    await page.getByTestId('doc-lines').getByText(PRODUCT).waitFor();
    await screenshot(page, 'inv-04-inbound-posted');

    const after = await findStock('北京分仓', PRODUCT);
    expect(Number(after)).toBeCloseTo(Number(before) + 12.5, 3);
    await screenshot(page, 'inv-05-stock-after-inbound');
    // the row shows its moving average cost and value
    expect((await stockRow(PRODUCT).getByTestId('stock-avg-cost').innerText()).trim()).not.toBe('—');
    before = after;
  });

  it('shows the stock value by warehouse, category and organization, the total equal to the sum of the groups', async () => {
    await page.goto('/stock/value');
    const cells = page.locator('[data-testid="value-table"] .el-table__body-wrapper [data-testid="value-cell"]');
    await cells.first().waitFor();
    const total = async () => Number((await page.getByTestId('value-total').locator('b').innerText()).replace(/[¥,]/g, ''));
    const sum = async () => (await cells.allInnerTexts()).reduce((s, v) => s + Math.round(Number(v.replace(/,/g, '')) * 100), 0);
    expect(await total()).toBeGreaterThan(0);
    expect(await sum()).toBe(Math.round((await total()) * 100));
    await page.locator('[data-testid="value-table"] .el-table__body-wrapper').getByText('北京分仓').waitFor();
    await screenshot(page, 'inv-05b-stock-value-warehouse');
    await page.getByTestId('value-group-category').click();
    await page.locator('[data-testid="value-table"] .el-table__body-wrapper').getByText('饮用水').waitFor();
    expect(await sum()).toBe(Math.round((await total()) * 100));
    await screenshot(page, 'inv-05c-stock-value-category');

    // on a phone: the same groups as cards, nothing wider than the screen
    const rows = await cells.count();
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByTestId('value-card').first().waitFor();
      expect(await page.getByTestId('value-card').count()).toBe(rows);
      expect(await page.getByTestId('value-card').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('饮用水')]));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'inv-05d-stock-value-phone');
    } finally {
      if (desktop) await page.setViewportSize(desktop);
    }
  });

  it('posts a stock count (盘点) with a reason, showing the change from the counted quantity', async () => {
    await page.goto('/stock-docs/new?type=ADJUSTMENT');
    await page.getByText('新建盘点单').first().waitFor();
    await pickWarehouse('doc-warehouse', '北京分仓');
    await pickProduct('line-product-1', PRODUCT);
    await page.getByTestId('line-stock').first().waitFor();
    const counted = (Number(before) - 2.5).toFixed(1);
    await input(page, 'line-qty-1').fill(counted);
    await page.getByTestId('line-change-1').getByText('-2.5').waitFor();

    // a count needs a reason
    await page.getByTestId('doc-submit').click();
    await page.getByText('盘点须填写原因').first().waitFor();
    await input(page, 'doc-reason').fill('月末盘点');
    await page.keyboard.press('Escape');
    await screenshot(page, 'inv-06-count-form');

    const number = await postAndConfirm('inv-06b-count-confirm');
    expect(number).toMatch(/^PD\d{8}-\d{4}$/);
    await page.getByTestId('doc-drawer').getByText('月末盘点').waitFor();
    await page.getByTestId('doc-lines').getByText('-2.5').first().waitFor();
    await screenshot(page, 'inv-07-count-posted');

    const after = await findStock('北京分仓', PRODUCT);
    expect(Number(after)).toBeCloseTo(Number(before) - 2.5, 3);
    before = after;
  });

  it('explains a refused transfer: which product, where, available and requested', async () => {
    await page.goto('/stock-docs/new?type=TRANSFER');
    await page.getByText('新建调拨单').first().waitFor();
    await pickWarehouse('doc-warehouse', '北京分仓');
    await pickWarehouse('doc-to-warehouse', '上海分仓');
    await pickProduct('line-product-1', PRODUCT);
    await page.getByTestId('line-stock').first().waitFor();
    await input(page, 'line-qty-1').fill('999999');
    await page.getByTestId('doc-submit').click();
    await messageBox().getByRole('button', { name: '过账' }).click();
    const alert = page.getByTestId('doc-shortage');
    await alert.waitFor();
    await alert.getByText(PRODUCT).waitFor();
    await alert.getByText('北京分仓').waitFor();
    await alert.getByText('999,999').waitFor();
    await screenshot(page, 'inv-08-transfer-refused');
    expect(page.url()).toMatch(/\/stock-docs\/new/);

    // leaving a filled form asks first
    await page.getByTestId('menu-stock/movements').click();
    await messageBox().getByText('单据还未过账').waitFor();
    await messageBox().getByRole('button', { name: '放弃修改' }).click();
    await page.waitForURL(/\/stock\/movements/);
  });

  it('lists both movements in the ledger and in the product drawer', async () => {
    await page.locator('[data-testid="movement-table"] .el-table__row').first().waitFor();
    await pickProduct('movement-filter-product', PRODUCT);
    await pickWarehouse('movement-filter-warehouse', '北京分仓');
    const rows = page.locator('[data-testid="movement-table"] .el-table__body-wrapper .el-table__row');
    await rows.filter({ hasText: /^.*PD\d{8}-\d{4}/ }).first().waitFor();
    // newest first: the count, then the inbound, then the opening stock
    await rows.nth(0).getByText('-2.5').waitFor();
    await rows.nth(0).getByText('盘点').waitFor();
    await rows.nth(1).getByText('+12.5').waitFor();
    await rows.nth(1).getByText('入库').waitFor();
    await rows.nth(0).getByText(PRODUCT).waitFor();
    await screenshot(page, 'inv-09-ledger');

    // the product's drawer from 库存查询
    await findStock('北京分仓', PRODUCT);
    await stockRow(PRODUCT).getByTestId('stock-product').click();
    const drawer = page.getByTestId('movement-drawer');
    await drawer.locator('[data-testid="movement-table"] .el-table__row').first().waitFor();
    await drawer.getByText('-2.5').first().waitFor();
    await screenshot(page, 'inv-10-product-movements');
    await page.keyboard.press('Escape');
  });

  it('edits a low-stock threshold in place', async () => {
    const onHand = await findStock('北京分仓', PRODUCT);
    const row = stockRow(PRODUCT);
    expect(await row.getByTestId('stock-low-tag').count()).toBe(0);
    await row.getByTestId('threshold-edit').click();
    // the popover of this row (other rows keep theirs hidden in the DOM)
    const editor = page.locator('[data-testid="threshold-editor"]:visible');
    await editor.waitFor();
    await editor.locator('input').fill('1.2345');
    await editor.getByTestId('threshold-save').click();
    await editor.getByText('最多 3 位小数').waitFor();
    await editor.locator('input').fill(String(Number(onHand) + 100));
    await editor.getByTestId('threshold-save').click();
    await page.getByText('预警值已保存').first().waitFor();
    // available is now at or below the threshold
    await row.getByTestId('stock-low-tag').waitFor();
    await screenshot(page, 'inv-10b-threshold');
    await row.getByTestId('threshold-edit').click();
    await page.locator('[data-testid="threshold-reset"]:visible').click();
    await row.getByTestId('stock-low-tag').waitFor({ state: 'detached' });
  });

  it('lets the admin manage warehouses', async () => {
    await page.getByTestId('menu-warehouses').click();
    await page.locator('[data-testid="warehouse-table"] .el-table__row').first().waitFor();
    await page.getByTestId('warehouse-table').getByText('WH-BJ').waitFor();
    await page.getByTestId('warehouse-create').click();
    await page.getByTestId('warehouse-dialog').waitFor();
    await input(page, 'warehouse-field-code').fill('wh bad');
    await page.getByTestId('warehouse-save').click();
    await page.getByTestId('warehouse-dialog').getByText('以字母或数字开头').waitFor();
    await screenshot(page, 'inv-11-warehouse-dialog');
    await input(page, 'warehouse-field-code').fill(WAREHOUSE);
    await input(page, 'warehouse-field-name').fill('北京二号仓');
    await page.getByTestId('warehouse-field-org').click();
    await page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: '北京分公司' }).first().click();
    await page.getByTestId('warehouse-save').click();
    await page.getByTestId('warehouse-dialog').waitFor({ state: 'hidden' });
    const row = page.locator('[data-testid="warehouse-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: WAREHOUSE });
    await row.getByText('北京二号仓').waitFor();

    // disabling asks first, and keeps the warehouse listed as 停用
    await row.getByTestId('warehouse-toggle').click();
    await messageBox().getByText('保留现有库存和流水').waitFor();
    await messageBox().getByRole('button', { name: '停用' }).click();
    await row.getByText('停用', { exact: true }).first().waitFor();
    await row.getByRole('button', { name: '启用' }).waitFor();
    await screenshot(page, 'inv-11b-warehouse-disabled');
    await row.getByTestId('warehouse-toggle').click();
    await messageBox().getByRole('button', { name: '启用' }).click();
    await row.getByRole('button', { name: '停用' }).waitFor();
    expect(page.appErrors).toEqual([]);
  });

  it('shows the Beijing manager 北京分仓 but not 上海分仓, and no buttons that change stock', async () => {
    await logout(page);
    await login(page, 'bj.manager');
    await page.getByTestId('menu-stock').click();
    await page.locator('[data-testid="stock-table"] .el-table__row').first().waitFor();
    await page.getByTestId('stock-filter-warehouse').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '北京分仓' }).first().waitFor();
    expect(await page.locator('.el-select-dropdown__item:visible', { hasText: '上海分仓' }).count()).toBe(0);
    expect(await page.locator('.el-select-dropdown__item:visible', { hasText: '总部中心仓' }).count()).toBe(0);
    await screenshot(page, 'inv-12-bj-manager-stock');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('stock-new-doc').count()).toBe(0);
    expect(await page.getByTestId('threshold-edit').count()).toBe(0);

    await page.getByTestId('menu-stock-docs').click();
    await page.locator('[data-testid="doc-table"] .el-table__row').first().waitFor();
    expect(await page.getByTestId('doc-new-INBOUND').count()).toBe(0);
    await page.getByTestId('menu-warehouses').click();
    await page.locator('[data-testid="warehouse-table"] .el-table__row').first().waitFor();
    expect(await page.getByTestId('warehouse-create').count()).toBe(0);
    // only Beijing's warehouses: the demo one and the one created above
    const rows = page.locator('[data-testid="warehouse-table"] .el-table__body-wrapper .el-table__row');
    expect(await rows.filter({ hasText: '上海分仓' }).count()).toBe(0);
    expect(await rows.filter({ hasText: '北京分仓' }).count()).toBe(1);
    // the create page itself is refused
    await page.goto('/stock-docs/new?type=INBOUND');
    await page.waitForURL(/\/403/);
  });

  it('sends a dealer from the inventory pages to the mall (issue #12)', async () => {
    await page.goto('/dashboard');
    await logout(page);
    await login(page, 'bj.dealer1');
    for (const path of ['/dashboard', '/stock', '/stock/movements', '/warehouses']) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/mall');
    }
    await screenshot(page, 'inv-13-dealer-menu');
    expect(page.appErrors).toEqual([]);
  });
});
