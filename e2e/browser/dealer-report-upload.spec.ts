import * as fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Dealer reports from Excel and 未上报 (issue #14 leftovers), as people do it. The dealer bj.dealer1
 * (北京华联, on a 390x844 phone) downloads the report template from its mall's 库存上报 page, fills in
 * two products, uploads it and sees the figures in its report history; a file with a negative
 * quantity is refused with the row and column named. The Beijing branch manager then opens 未上报 on
 * the console's reports page: the two Beijing dealers without reports (the demo seeds none for
 * D-BJ002 and D-BJ003) are listed with their rep, 北京华联 is not (it just reported); reminding
 * them marks them reminded today and the dealer's user finds the reminder in its notices.
 */
describe('dealer report upload and missing reports', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  const ui = elementUi(() => page);

  const tokens = new Map<string, string>();
  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    if (!tokens.has(username)) {
      const res = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Demo#2026' }) });
      tokens.set(username, ((await res.json()) as { accessToken: string }).accessToken);
    }
    const res = await fetch(`${server.baseUrl}/api${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(username)}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const noSidewaysScroll = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the dealer, on its phone, downloads the template, uploads it filled and sees the figures; a bad file names row and column', async () => {
    page = await newPage(browser, server.baseUrl);
    await page.setViewportSize(PHONE);
    await login(page, 'bj.dealer1');
    await page.goto('/mall/me/report');
    await page.getByTestId('mall-report-excel').waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'dealer-report-upload-phone');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('mall-report-template').click()]);
    expect(download.suggestedFilename()).toBe('库存销量上报模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect((ws.getRow(1).values as string[]).slice(1, 8)).toEqual(['经销商编码', '日期*', '商品编码*', '商品名称', '单位', '期末库存*', '销量*']);
    const today = (await api<{ date: string }>('bj.dealer1', 'GET', '/mall/reports/form')).date;
    // the template lists the products it carries, dated today; a dealer that never had a shipment gets a blank one: two products added then
    if (ws.rowCount < 3) {
      const products = (await api<{ items: { code: string; name: string }[] }>('bj.manager', 'GET', '/products?status=ON_SALE&pageSize=2&sort=code')).items;
      products.forEach((p, i) => ws.getRow(i + 2).values = ['D-BJ001', today, p.code, p.name]);
    }
    const [first, second] = [ws.getRow(2), ws.getRow(3)];
    expect(first.getCell(2).value).toBe(today);
    const names = [String(first.getCell(4).value), String(second.getCell(4).value)];
    first.getCell(6).value = 24;
    first.getCell(7).value = 6;
    second.getCell(6).value = 11;
    second.getCell(7).value = 3;
    const filled = Buffer.from(await wb.xlsx.writeBuffer());

    await page.getByTestId('mall-report-file').setInputFiles({ name: '上报.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: filled });
    await page.getByTestId('mall-report-uploaded').filter({ hasText: '新增 2 条' }).waitFor();
    const history = page.getByTestId('mall-report-history');
    await history.filter({ hasText: names[0] }).filter({ hasText: '库存 24' }).filter({ hasText: '销量 6' }).first().waitFor();
    await history.filter({ hasText: names[1] }).filter({ hasText: '库存 11' }).filter({ hasText: '销量 3' }).first().waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'dealer-report-upload-done');

    // a negative stock: refused, row and column named, nothing written
    second.getCell(6).value = -5;
    await page.getByTestId('mall-report-file').setInputFiles({ name: '上报.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
    const problem = page.getByTestId('mall-report-problem');
    await problem.first().waitFor();
    expect(await problem.count()).toBe(1);
    expect((await problem.first().innerText()).replace(/\s+/g, ' ')).toContain('第 3 行 · 期末库存 不能为负数');
    await noSidewaysScroll();
    await page.getByTestId('mall-report-problems').scrollIntoViewIfNeeded();
    await screenshot(page, 'dealer-report-upload-rejected');
    const mine = await api<{ items: { productName: string; stock: string }[] }>('bj.dealer1', 'GET', `/mall/reports?from=${today}&to=${today}`);
    expect(mine.items.find((r) => r.productName === names[1])?.stock).toBe('11.000');
    expect(page.appErrors).toEqual([]);
  });

  it('the branch manager sees who has not reported and reminds them, once', async () => {
    page = await newPage(browser, server.baseUrl);
    await login(page, 'bj.manager');
    await page.goto('/replenishment/reports');
    await page.getByTestId('reports-tabs').getByText('未上报').click();
    await page.waitForURL(/tab=missing/);
    const table = page.getByTestId('missing-table');
    await table.getByText('北京京客隆超市').waitFor();
    await table.getByText('海淀百货批发部').waitFor();
    expect(await table.getByText('北京华联商贸有限公司').count()).toBe(0);
    const jkl = table.locator('tr', { hasText: '北京京客隆超市' });
    expect((await jkl.innerText()).replace(/\s+/g, ' ')).toMatch(/从未上报.*张伟.*未提醒/);
    await screenshot(page, 'dealer-report-missing');

    await page.getByTestId('missing-remind-all').click();
    await ui.messageBox().getByRole('button', { name: /确定|OK/ }).click();
    await ui.toast('已提醒 2 家经销商');
    await table.getByTestId('missing-reminded').nth(1).waitFor();
    expect(await table.getByTestId('missing-reminded').count()).toBe(2);
    await screenshot(page, 'dealer-report-missing-reminded');

    // again: nobody is reminded twice the same day
    await page.getByTestId('missing-remind-all').click();
    await ui.messageBox().getByRole('button', { name: /确定|OK/ }).click();
    await ui.toast('没有需要提醒的经销商');

    const notices = await api<{ items: { kind: string; title: string; link: string }[] }>('bj.dealer2', 'GET', '/notifications');
    expect(notices.items.filter((n) => n.kind === 'REPORT_REMINDER')).toEqual([expect.objectContaining({ title: '请上报库存销量：贵司尚未上报过库存销量', link: '/mall/me/report' })]);
    expect(page.appErrors).toEqual([]);
  });
});
