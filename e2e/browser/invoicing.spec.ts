import path from 'node:path';
import type { Browser } from 'playwright-core';
import { creditCodeCheckChar } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * Invoices (issue #13) as people use them. Finance (the HQ admin) pastes a code + number into the
 * register's one search box and finds the invoice; a made-up number finds nothing and the empty
 * state offers a supplementary entry; they upload the tax platform's export (the sample the repo
 * generates, e2e/fixtures/platform-export-sample.xlsx), read the run's cards, open the
 * MISSING_IN_SYSTEM finding with both sides shown and file its supplementary entry from the
 * prefilled form (a bad seller tax id is refused on the spot; the platform's own buyer id fails its
 * check and is corrected), see the tracking number and the
 * finding resolved with it. A dealer (bj.dealer1) on a phone (390x844) finds an invoice in the mall,
 * opens it without sideways scrolling and flags it as not received; finance sees the flag.
 */
describe('invoicing', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  let phone: TrackedPage;
  const SAMPLE = path.join(__dirname, '../fixtures/platform-export-sample.xlsx');
  /** the sample's MATCHED row: an old-style invoice the demo data holds */
  const CODE = '011001900211';
  const NUMBER = '00012345';
  let runId = '';
  let tracking = '';
  let flaggedNumber = '';

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

  const api = <T>(method: 'GET' | 'POST', p: string, body?: unknown) => pageApi<T>(page, method, p, { body });
  const { rowsOf, toast } = elementUi(() => page);

  it('finds an invoice by a pasted code + number, and says so when nothing matches', async () => {
    await page.getByTestId('menu-group-invoicing').waitFor();
    await page.getByTestId('menu-invoicing/register').click();
    await page.waitForURL(/\/invoicing\/register/);
    await rowsOf('invoice-table').first().waitFor();

    // pasted with odd spacing, as it is copied off a paper invoice
    await input(page, 'invoice-search-q').fill(`  ${CODE}   ${NUMBER} `);
    await page.getByTestId('invoice-search-guess').getByText(`按发票代码 ${CODE} + 号码 ${NUMBER} 查找`).waitFor();
    await page.getByTestId('invoice-search').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="invoice-table"] .el-table__body-wrapper .el-table__row').length === 1);
    const row = rowsOf('invoice-table').first();
    await row.getByText(NUMBER).waitFor();
    await row.getByText(CODE).waitFor();
    await screenshot(page, 'inv-01-register-search');

    await row.getByTestId('invoice-open').click();
    const drawer = page.getByTestId('invoice-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('invoice-face').getByText(CODE).waitFor();
    await drawer.getByTestId('invoice-face').getByText(NUMBER).waitFor();
    await drawer.getByTestId('invoice-lines').waitFor();
    await drawer.getByTestId('invoice-links').waitFor();
    expect(page.url()).toMatch(/[?&]id=[0-9a-f-]{36}/);
    await screenshot(page, 'inv-02-invoice-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // a number nobody issued: the empty state says so and offers the supplementary entry
    await input(page, 'invoice-search-q').fill('99999999999999999999');
    await page.getByTestId('invoice-search-guess').getByText('按 20 位数电发票号码查找').waitFor();
    await page.getByTestId('invoice-search').click();
    await page.getByTestId('invoice-empty').getByText('没有找到符合条件的发票').waitFor();
    await page.getByTestId('invoice-empty').getByRole('button', { name: '补录发票' }).waitFor();
    await screenshot(page, 'inv-03-register-empty');
  });

  it('invoices an uninvoiced shipment line split by quantity, then red-letters part of it', async () => {
    await page.getByTestId('menu-invoicing/uninvoiced').click();
    await page.waitForURL(/\/invoicing\/uninvoiced/);
    await rowsOf('uninvoiced-table').first().waitFor();
    // a line with more than one unit left, to split
    const open = await api<{ items: { shipmentNumber: string; productCode: string; uninvoicedQty: string }[] }>('GET', '/invoices/uninvoiced?pageSize=100');
    const line = open.items.find((l) => Number(l.uninvoicedQty) > 1)!;
    expect(line).toBeDefined();
    const first = rowsOf('uninvoiced-table').filter({ hasText: line.shipmentNumber }).filter({ hasText: line.productCode }).first();
    await first.waitFor();
    await page.getByTestId('uninvoiced-totals').getByText(/共 \d+ 行，未开票金额 ¥/).waitFor();
    await first.locator('.el-checkbox').first().click();
    await page.getByTestId('uninvoiced-selected').getByText(/已选 1 行/).waitFor();
    await screenshot(page, 'inv-03a-uninvoiced');
    await page.getByTestId('uninvoiced-create').click();
    const dialog = page.getByTestId('invoice-create-dialog');
    await dialog.waitFor();

    // the number is checked by type as typed: 数电 needs 20 digits
    const elec = `2611${String(Date.now()).slice(-13)}777`.slice(0, 20);
    await input(page, 'invoice-create-elecNumber').fill(elec.slice(0, 19));
    await input(page, 'invoice-create-qty-0').fill('999999');
    expect(await page.getByTestId('invoice-create-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('invoice-create-qty-error').getByText(/超过了未开票数量/).waitFor();
    // split: one unit only, the rest stays uninvoiced
    await input(page, 'invoice-create-qty-0').fill('1');
    await page.getByTestId('invoice-create-submit').click();
    await dialog.getByText('数电发票号码为 20 位数字').waitFor();
    await screenshot(page, 'inv-03b-create-errors');
    await input(page, 'invoice-create-elecNumber').fill(elec);
    await page.getByTestId('invoice-create-submit').click();
    await toast(`发票 ${elec} 已登记`);
    const drawer = page.getByTestId('invoice-drawer');
    await drawer.getByTestId('invoice-face').getByText(elec).waitFor();
    await drawer.getByTestId('invoice-line-shipment').first().waitFor();
    // a digital invoice is never voided: the button says why
    await drawer.getByTestId('invoice-void-disabled').waitFor();

    // partial red: more than the line has left is refused on the spot
    await drawer.getByTestId('invoice-red').click();
    const red = page.getByTestId('invoice-red-dialog');
    await red.waitFor();
    await red.getByTestId('red-partial').click();
    await red.locator('[data-testid^="red-line-pick-"]').first().click();
    const amountBox = red.locator('[data-testid^="red-line-amount-"] input, input[data-testid^="red-line-amount-"]').first();
    const whole = Number(await amountBox.inputValue());
    expect(whole).toBeGreaterThan(0);
    await amountBox.fill((whole + 1).toFixed(2));
    await red.getByTestId('red-line-error').getByText('超过了这一行的可冲价税合计').waitFor();
    await red.getByTestId('red-exceeds').waitFor();
    expect(await page.getByTestId('red-submit').isDisabled()).toBe(true);
    const part = (Math.floor((whole / 2) * 100) / 100).toFixed(2);
    await amountBox.fill(part);
    await red.getByTestId('red-plan').getByText(new RegExp(`价税合计 ${part.replace('.', '\\.')}`)).waitFor();
    await red.getByTestId('red-reason').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '销售折让' }).click();
    await input(page, 'red-confirmation').fill('12345');
    await input(page, 'red-elecNumber').fill(`${elec.slice(0, 16)}9999`);
    await page.getByTestId('red-submit').click();
    await red.getByText('红字确认单编号为 20 位数字').waitFor();
    await screenshot(page, 'inv-03c-red-form');
    await input(page, 'red-confirmation').fill('44011223344556677889');
    await page.getByTestId('red-submit').click();
    await toast('红字发票已登记');
    await red.waitFor({ state: 'hidden' });
    await drawer.getByTestId('invoice-drawer-status').getByText('已红冲-部分').waitFor();
    await drawer.getByTestId('invoice-reds').getByText(`${elec.slice(0, 16)}9999`).waitFor();
    await screenshot(page, 'inv-03d-red-done');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('reconciles the platform export and shows a card per category', async () => {
    await page.getByTestId('menu-invoicing/reconciliations').click();
    await page.waitForURL(/\/invoicing\/reconciliations$/);
    await page.getByTestId('recon-upload-open').click();
    const dialog = page.getByTestId('recon-upload-dialog');
    await dialog.waitFor();
    await dialog.locator('input[type=file]').setInputFiles(SAMPLE);
    await dialog.getByText('platform-export-sample.xlsx').waitFor();
    await page.getByTestId('recon-upload-submit').click();
    await page.waitForURL(/\/invoicing\/reconciliations\/[0-9a-f-]{36}/);
    runId = /reconciliations\/([0-9a-f-]{36})/.exec(page.url())![1];
    await toast('对账完成');
    await page.getByTestId('recon-run-meta').getByText('platform-export-sample.xlsx').waitFor();
    for (const c of ['MATCHED', 'MISSING_IN_SYSTEM', 'MISSING_ON_PLATFORM', 'AMOUNT_MISMATCH', 'STATUS_MISMATCH', 'DUPLICATE', 'INVALID_TAX_ID', 'RED_WITHOUT_BLUE']) {
      await page.getByTestId(`recon-count-${c}`).getByText('1', { exact: true }).waitFor();
    }
    await page.getByTestId('recon-cards').getByText('系统缺失').waitFor();
    await page.getByTestId('recon-cards').getByText('红字无蓝字原票').waitFor();
    await screenshot(page, 'inv-04-recon-run');

    // the amount mismatch: both sides shown, the differing figures marked
    await page.getByTestId('recon-card-AMOUNT_MISMATCH').click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('category') === 'AMOUNT_MISMATCH');
    const mismatch = rowsOf('recon-findings').first();
    await mismatch.getByTestId('recon-finding-category').getByText('金额不符').waitFor();
    expect(await mismatch.getByTestId('recon-differs').count()).toBeGreaterThan(0);
    await screenshot(page, 'inv-05-recon-amount-mismatch');
  });

  it('files the supplementary entry of a MISSING_IN_SYSTEM finding and gets its tracking number', async () => {
    await page.getByTestId('recon-card-MISSING_IN_SYSTEM').click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('category') === 'MISSING_IN_SYSTEM');
    const finding = rowsOf('recon-findings').first();
    await finding.getByTestId('recon-finding-category').getByText('系统缺失').waitFor();
    await finding.getByText('系统里没有').waitFor();
    const findings = await api<{ items: { id: string; elecNumber: string | null; code: string | null; number: string | null }[] }>(
      'GET',
      `/invoice-reconciliations/${runId}/findings?category=MISSING_IN_SYSTEM`,
    );
    expect(findings.items).toHaveLength(1);
    const missing = findings.items[0];
    await finding.getByTestId('recon-supplement').click();
    await page.waitForURL(/\/invoicing\/supplementary\/new\?/);
    await page.getByTestId('supplement-from-finding').waitFor();

    // prefilled from the platform row
    const numberField = missing.elecNumber ? 'supplement-elecNumber' : 'supplement-number';
    await page.waitForFunction(
      ([id, value]) => (document.querySelector(`input[data-testid="${id}"]`) as HTMLInputElement | null)?.value === value,
      [numberField, missing.elecNumber ?? missing.number] as const,
    );
    expect(await input(page, 'supplement-buyer-name').inputValue()).not.toBe('');
    expect(await input(page, 'supplement-total').inputValue()).toMatch(/^-?\d+(\.\d{1,2})?$/);

    // a seller tax id with a wrong check character is refused before anything is sent
    const sellerTaxId = await input(page, 'supplement-seller-tax').inputValue();
    await input(page, 'supplement-seller-tax').fill('91350100M000100Y44');
    await page.getByTestId('supplement-submit').click();
    const checkErrors = page.getByTestId('supplement-form').getByText('统一社会信用代码校验位不正确，请核对');
    await checkErrors.first().waitFor();
    // the seller's and the buyer's
    expect(await checkErrors.count()).toBe(2);
    // the platform's own buyer id fails its check too (the row is also INVALID_TAX_ID): said where it came from
    await page.getByTestId('supplement-buyer-tax-platform').getByText(/平台导出中的购方税号/).waitFor();
    await page.getByTestId('supplement-form').getByText('请上传发票文件').waitFor();
    await screenshot(page, 'inv-06-supplement-errors');
    await input(page, 'supplement-seller-tax').fill(sellerTaxId);
    // the user corrects the buyer's id from the dealer's papers: its check character
    const badBuyer = await input(page, 'supplement-buyer-tax').inputValue();
    const fixedBuyer = `${badBuyer.slice(0, 17)}${creditCodeCheckChar(badBuyer.slice(0, 17))}`;
    expect(fixedBuyer).not.toBe(badBuyer);
    await input(page, 'supplement-buyer-tax').fill(fixedBuyer);

    if (!(await input(page, 'supplement-reason').inputValue())) await input(page, 'supplement-reason').fill('平台已开具、系统漏登记（对账发现）');
    await page
      .getByTestId('supplement-file')
      .locator('input[type=file]')
      .setInputFiles({ name: '发票.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    await page.getByTestId('supplement-file-name').getByText('发票.pdf').waitFor();
    await page.getByTestId('supplement-submit').click();
    const done = page.getByTestId('supplement-done');
    await done.waitFor();
    tracking = (await page.getByTestId('supplement-tracking').innerText()).trim();
    expect(tracking).toMatch(/^BL\d{8}-\d{4}$/);
    await done.getByText('待审批', { exact: true }).waitFor();
    await screenshot(page, 'inv-07-supplement-tracking');

    // back to the run: the finding is resolved with the tracking number
    await page.getByTestId('supplement-done-back').click();
    await page.waitForURL(new RegExp(`/invoicing/reconciliations/${runId}`));
    const resolved = rowsOf('recon-findings').first().getByTestId('recon-resolution');
    await resolved.getByText('已补录').waitFor();
    await resolved.getByText(tracking, { exact: true }).waitFor();
    await screenshot(page, 'inv-08-recon-resolved');

    // and the entry is listed, waiting for approval
    await page.getByTestId('menu-invoicing/supplementary').click();
    await page.waitForURL(/\/invoicing\/supplementary$/);
    const entry = rowsOf('supplement-table').filter({ hasText: tracking });
    await entry.getByTestId('supplement-status').getByText('待审批').waitFor();
  });

  it('a dealer finds an invoice in the mall on a phone and flags it as not received', async () => {
    phone = await newPage(browser, server.baseUrl);
    await phone.setViewportSize({ width: 390, height: 844 });
    await login(phone, 'bj.dealer1');
    await phone.waitForURL((url) => url.pathname === '/mall');
    await phone.goto('/mall/me');
    await phone.getByTestId('mall-me-invoices').click();
    await phone.waitForURL(/\/mall\/me\/invoices$/);
    const cards = phone.getByTestId('mall-invoice');
    await cards.first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'inv-09-mall-invoices');

    // an invoice not flagged yet
    const mine = await pageApi<{ items: { id: string; notReceived: boolean; elecNumber: string | null; number: string | null }[] }>(phone, 'GET', '/mall/invoices?pageSize=50');
    const target = mine.items.find((i) => !i.notReceived);
    expect(target).toBeDefined();
    flaggedNumber = target!.elecNumber ?? target!.number!;
    await phone.goto(`/mall/me/invoices/${target!.id}`);
    const detail = phone.getByTestId('mall-invoice-detail');
    await detail.waitFor();
    await detail.getByTestId('mall-invoice-number').getByText(flaggedNumber).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'inv-10-mall-invoice');

    await phone.getByTestId('mall-invoice-not-received').click();
    const box = elementUi(() => phone).messageBox();
    await box.waitFor();
    // a note is required
    await box.getByRole('button', { name: '确定' }).click();
    await box.getByText('请填写说明').waitFor();
    await box.locator('textarea').fill('纸质发票一直没有寄到');
    await box.getByRole('button', { name: '确定' }).click();
    await detail.getByTestId('mall-invoice-flagged').getByText('纸质发票一直没有寄到').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'inv-11-mall-flagged');
    expect(phone.appErrors).toEqual([]);
  });

  it('finance sees the flag among the invoices not received', async () => {
    await page.getByTestId('menu-invoicing/problems').click();
    await page.waitForURL(/\/invoicing\/problems/);
    await page.getByRole('tab', { name: /未收到的发票/ }).click();
    const flagged = rowsOf('not-received').filter({ hasText: flaggedNumber });
    await flagged.waitFor();
    await screenshot(page, 'inv-12-not-received');
    // the invoice itself says what the dealer wrote
    await flagged.getByText(flaggedNumber).click();
    await page.waitForURL(/\/invoicing\/register\?.*id=/);
    await page.getByTestId('invoice-drawer').getByText('纸质发票一直没有寄到').waitFor();
    await screenshot(page, 'inv-13-flag-in-drawer');
    expect(page.appErrors).toEqual([]);
  });
});
