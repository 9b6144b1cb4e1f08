import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Words and numbers as people read them (issue #12). bj.dealer1 on a phone (390x844) opens a
 * statement whose balance is below zero: it reads 预收 ¥333.16 (not ¥-333.16), the receipt line
 * says 银行转账 ICBC-… (no BANK_TRANSFER), nothing scrolls sideways; the same dealer opening the
 * console's /orders or price simulation lands in the mall. The HQ admin's audit log rows are
 * worded in Chinese with no raw codes or server English. The credit table at 1440x900 shows
 * 预收款, 占用额度 and 可用额度 in full, no column cut, nothing behind the 操作 column.
 */
describe('words and numbers (issue #12)', () => {
  let server: AppServer;
  let browser: Browser;
  const PHONE = { width: 390, height: 844 };
  const REF = `ICBC-WN-${Date.now().toString(36).slice(-5)}`;
  let statementId = '';

  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await res0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const noSideways = (page: TrackedPage) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    // a statement of today for 北京华联 whose balance is 333.16 paid in advance
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const dealerId = (await api<{ items: { id: string; code: string }[] }>('admin', 'GET', '/orgs?type=DEALER&q=D-BJ001')).items.find((o) => o.code === 'D-BJ001')!.id;
    const now = await api<{ closingBalance: string }>('admin', 'GET', `/statements?dealerId=${dealerId}&from=${today}&to=${today}`);
    const amount = (Math.round(Number(now.closingBalance) * 100) + 33316) / 100;
    await api('admin', 'POST', '/receipts', { dealerId, amount: amount.toFixed(2), method: 'BANK_TRANSFER', bankRef: REF, allocations: [] });
    const st = await api<{ id: string; closingBalance: string }>('admin', 'POST', '/statements', { dealerId, from: today, to: today });
    expect(st.closingBalance).toBe('-333.16');
    statementId = st.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the mall statement on a phone: 预收 ¥333.16, the receipt method in words, no sideways scroll', async () => {
    const page = await newPage(browser, server.baseUrl);
    await page.setViewportSize(PHONE);
    await login(page, 'bj.dealer1');
    await page.waitForURL(/\/mall/);
    await page.goto(`/mall/me/statements/${statementId}`);
    const closing = page.getByTestId('mall-statement-closing');
    await closing.waitFor();
    expect((await closing.innerText()).trim()).toBe('预收 ¥333.16');
    const lines = await page.getByTestId('mall-statement-line-text').allInnerTexts();
    expect(lines).toContain(`银行转账 ${REF}`);
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/BANK_TRANSFER|¥-/);
    expect(await noSideways(page)).toBe(true);
    await screenshot(page, 'words-numbers-mall-statement-390');
    // the statement list says it the same way
    await page.goto('/mall/me/statements');
    await page.getByTestId('mall-statements-closing').first().waitFor();
    expect(await page.locator('body').innerText()).toContain('预收 ¥333.16');
    expect(page.appErrors).toEqual([]);
    await page.context().close();
  });

  it('a dealer opening a console page lands in the mall', async () => {
    const page = await newPage(browser, server.baseUrl);
    await login(page, 'bj.dealer1');
    for (const path of ['/orders', '/sales/orders', '/pricing/simulator', '/finance/aging', '/catalog/products']) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/mall');
      await page.getByTestId('user-menu').waitFor();
    }
    expect(new URL(page.url()).pathname).toBe('/mall');
    await screenshot(page, 'words-numbers-dealer-console-to-mall');
    await page.context().close();
  });

  it('the audit log reads in Chinese: no raw codes, no server English', async () => {
    const page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
    await page.goto('/audit-logs');
    const lines = page.getByTestId('audit-line');
    await lines.first().waitFor();
    const texts = await lines.allInnerTexts();
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.some((x) => x.includes('登录系统'))).toBe(true);
    for (const text of texts) {
      expect(text).not.toMatch(/[A-Z]{2,}_[A-Z_]+|signed (in|out)|->|\b(created|edited|approved|rejected)\b/);
    }
    const tags = await page.locator('[data-testid="audit-table"] .el-tag').allInnerTexts();
    for (const tag of tags) expect(tag).not.toMatch(/^[a-z_]+$/);
    await screenshot(page, 'words-numbers-audit-log');
    expect(page.appErrors).toEqual([]);
    await page.context().close();
  });

  it('the credit table at 1440x900: key figures visible and whole, no column cut, none behind 操作', async () => {
    const page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
    await page.goto('/finance/credit');
    await page.locator('[data-testid="credit-table"] .el-table__row').first().waitFor();
    const fit = await page.evaluate(() => {
      const table = document.querySelector('[data-testid="credit-table"]') as HTMLElement;
      const wrap = table.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') ?? table.querySelector('.el-table__body-wrapper');
      const headers = [...table.querySelectorAll('.el-table__header-wrapper th')].map((th) => ({ text: (th as HTMLElement).innerText.trim(), right: th.getBoundingClientRect().right, left: th.getBoundingClientRect().left }));
      const fixedRight = table.querySelector('.el-table__header-wrapper th.el-table-fixed-column--right') as HTMLElement | null;
      const cut = [...table.querySelectorAll('.el-table__body-wrapper td .cell')].filter((c) => (c as HTMLElement).scrollWidth > (c as HTMLElement).clientWidth + 1).map((c) => (c as HTMLElement).innerText);
      return {
        sideways: wrap ? (wrap as HTMLElement).scrollWidth > (wrap as HTMLElement).clientWidth + 1 : true,
        pageSideways: document.documentElement.scrollWidth > window.innerWidth + 1,
        headers,
        fixedLeft: fixedRight ? fixedRight.getBoundingClientRect().left : window.innerWidth,
        cut,
      };
    });
    expect(fit.sideways).toBe(false);
    expect(fit.pageSideways).toBe(false);
    expect(fit.cut).toEqual([]);
    for (const key of ['信用额度', '预收款', '占用额度', '可用额度', '逾期金额']) {
      const h = fit.headers.find((x) => x.text === key);
      expect({ key, found: !!h }).toEqual({ key, found: true });
      expect({ key, visible: h!.right <= fit.fixedLeft + 1 && h!.right <= 1440 }).toEqual({ key, visible: true });
    }
    await screenshot(page, 'words-numbers-credit-1440');
    await page.context().close();
  });
});
