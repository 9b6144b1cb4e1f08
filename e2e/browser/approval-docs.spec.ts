import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * Documents other than orders through approval, with the demo flows: the HQ admin posts a count
 * (盘点) of 北京分仓 that loses more than 2,000 — it shows 待审批 with the approval panel and no
 * stock moved; bj.manager approves it from 我的审批 and the count shows 已过账. Then the admin
 * asks to reverse a receipt: it shows 冲销待审批 with allocate/reverse disabled; bj.finance
 * approves in the receipt's approval panel and it shows 已冲销.
 */
describe('approval of stock counts and receipt reversals', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  let product = { code: '', qty: '' };
  let docNumber = '';
  let docId = '';
  let receiptId = '';

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

  /** the API with the page's own session (the web app keeps its access token in localStorage) */
  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => pageApi<T>(page, method, path, { body });

  const { messageBox, toast, rowsOf, pickOption } = elementUi(() => page);
  const onHand = async (warehouseId: string, code: string) => {
    const rows = await api<{ items: { productCode: string; onHand: string }[] }>('GET', `/stock?warehouseId=${warehouseId}&q=${code}`);
    return rows.items.find((r) => r.productCode === code)!.onHand;
  };

  it('the admin posts a count of 北京分仓 losing more than 2,000: it waits for approval, no stock moved', async () => {
    // a product of 北京分仓 with enough stock that a loss of a little over 2,000 is possible
    const [wh] = (await api<{ items: { id: string; code: string }[] }>('GET', '/warehouses?q=WH-BJ')).items.filter((w) => w.code === 'WH-BJ');
    const stock = (await api<{ items: { productId: string; productCode: string; available: string }[] }>('GET', `/stock?warehouseId=${wh.id}&pageSize=100`)).items;
    for (const row of stock) {
      const p = await api<{ basePrice: string }>('GET', `/products/${row.productId}`);
      const qty = Math.ceil(2100 / Number(p.basePrice));
      if (Number(p.basePrice) > 0 && qty <= Number(row.available)) {
        product = { code: row.productCode, qty: String(qty) };
        break;
      }
    }
    expect(product.code).not.toBe('');
    const before = await onHand(wh.id, product.code);

    await page.goto('/stock-docs/new?type=ADJUSTMENT');
    await page.getByText('新建盘点单').first().waitFor();
    await page.getByTestId('doc-warehouse').click();
    await pickOption('北京分仓');
    await page.getByTestId('doc-mode-change').click();
    await page.locator('[data-testid="line-product-1"] input').first().fill(product.code);
    await pickOption(product.code);
    await input(page, 'line-qty-1').fill(`-${product.qty}`);
    await input(page, 'doc-reason').fill('破损报废');
    await page.getByTestId('doc-submit').click();
    await messageBox().getByText('须审批通过后才过账').waitFor();
    await messageBox().getByRole('button', { name: '过账' }).click();
    await toast(/已提交审批/);
    await page.waitForURL(/\/stock-docs\?id=/);
    docId = new URL(page.url()).searchParams.get('id')!;
    const drawer = page.getByTestId('doc-drawer');
    await page.waitForFunction(() => /^PD\d{8}-\d{4}$/.test(document.querySelector('[data-testid="doc-drawer-number"]')?.textContent?.trim() ?? ''));
    docNumber = (await drawer.getByTestId('doc-drawer-number').innerText()).trim();
    await drawer.getByTestId('doc-status').getByText('待审批').waitFor();
    await drawer.getByTestId('doc-pending-notice').waitFor();
    const panel = drawer.getByTestId('approval-panel');
    await panel.getByTestId('approval-status').getByText('审批中').waitFor();
    await panel.locator('[data-testid="approval-step"][data-state="current"]').getByText('盘亏审批').waitFor();
    await panel.getByTestId('approval-task').getByText('王建国').waitFor();
    // the ledger link shows only once stock moved
    expect(await drawer.getByTestId('doc-open-ledger').count()).toBe(0);
    await screenshot(page, 'apd-01-count-pending');
    expect(await onHand(wh.id, product.code)).toBe(before);

    // the list shows it as 待审批 and filters by status
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('doc-filter-status').click();
    await pickOption('待审批');
    await rowsOf('doc-table').filter({ hasText: docNumber }).getByTestId('doc-status').getByText('待审批').waitFor();
    await screenshot(page, 'apd-02-docs-pending');
  });

  it('bj.manager approves it from the inbox; the count shows 已过账', async () => {
    await logout(page);
    await login(page, 'bj.manager');
    await page.goto('/approvals/inbox');
    const row = rowsOf('inbox-table').filter({ hasText: docNumber });
    await row.getByText('盘亏审批').waitFor();
    await row.getByText('盘点调整').waitFor();
    expect(await row.getByTestId('inbox-doc-link').getAttribute('href')).toBe(`/stock-docs?id=${docId}`);
    await screenshot(page, 'apd-03-inbox');
    await row.getByTestId('inbox-approve').click();
    const dialog = page.getByTestId('decision-dialog');
    await dialog.waitFor();
    await input(page, 'decision-text').fill('已核实，同意报损');
    await dialog.getByTestId('decision-confirm').click();
    await toast(`已同意 ${docNumber}`);
    await row.waitFor({ state: 'detached' });

    await page.goto(`/stock-docs?id=${docId}`);
    const drawer = page.getByTestId('doc-drawer');
    await drawer.getByTestId('doc-status').getByText('已过账').waitFor();
    await drawer.getByTestId('approval-status').getByText('审批通过').waitFor();
    await drawer.locator('[data-testid="approval-event"][data-action="APPROVE"]').getByText('已核实，同意报损').waitFor();
    await drawer.getByTestId('doc-open-ledger').waitFor();
    await screenshot(page, 'apd-04-count-posted');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('a receipt reversal waits: 冲销待审批, allocate and reverse disabled; bj.finance approves and it is 已冲销', async () => {
    await logout(page);
    await login(page, 'admin');
    const [dealer] = (await api<{ items: { id: string; code: string }[] }>('GET', '/orgs?q=D-BJ001')).items.filter((o) => o.code === 'D-BJ001');
    const created = await api<{ id: string; number: string }>('POST', '/receipts', { dealerId: dealer.id, amount: '88', method: 'CASH', allocations: [] });
    receiptId = created.id;
    await page.goto(`/finance/receipts?id=${receiptId}`);
    const drawer = page.getByTestId('receipt-drawer');
    await drawer.getByTestId('receipt-reverse').click();
    await page.getByTestId('reverse-dialog').getByText('冲销须按审批流审批').waitFor();
    await input(page, 'reverse-reason').fill('客户重复付款，退回');
    await page.getByTestId('reverse-submit').click();
    await messageBox().getByRole('button', { name: '冲销' }).click();
    await toast('冲销申请已提交审批');
    await drawer.getByTestId('receipt-drawer-reversal-status').getByText('冲销待审批').waitFor();
    await drawer.getByTestId('receipt-drawer-status').getByText('有效').waitFor();
    await drawer.getByTestId('receipt-drawer-request-reason').getByText('客户重复付款，退回').waitFor();
    expect(await drawer.getByTestId('receipt-reverse').isDisabled()).toBe(true);
    await drawer.getByTestId('approval-panel').getByTestId('approval-task').getByText('李娜').waitFor();
    await screenshot(page, 'apd-05-reversal-pending');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await rowsOf('receipt-table').filter({ hasText: created.number }).getByTestId('receipt-reversal-pending').waitFor();

    await logout(page);
    await login(page, 'bj.finance');
    await page.goto(`/finance/receipts?id=${receiptId}`);
    const panel = drawer.getByTestId('approval-panel');
    await panel.getByTestId('approval-your-turn').waitFor();
    await panel.getByTestId('approval-approve').click();
    const dialog = page.getByTestId('decision-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('decision-confirm').click();
    await toast(`已同意 ${created.number}`);
    await drawer.getByTestId('receipt-drawer-status').getByText('已冲销').waitFor();
    await drawer.getByTestId('receipt-drawer-reason').getByText('客户重复付款，退回').waitFor();
    expect(await drawer.getByTestId('receipt-drawer-reversal-status').count()).toBe(0);
    await screenshot(page, 'apd-06-reversal-approved');
  });
});
