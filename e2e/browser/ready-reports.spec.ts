import type { Browser } from 'playwright-core';
import type { CollectionsReport, ReadyReportKey } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * The ready reports that are not analysis pivots (issue #16): HQ's admin opens each from the
 * menu's routes on a desktop (a table, the summary tiles, the figures the API answers); the branch
 * manager bj.manager opens each on a phone (390x844): cards instead of the table, Beijing only,
 * nothing sticking out sideways; the collection rate's tiles equal the API's answer for him.
 */
describe('ready reports', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  const KEYS: { key: ReadyReportKey; path: string; title: string }[] = [
    { key: 'stockDays', path: '/reports/ready/stock-days', title: '库存金额与可售天数' },
    { key: 'sellThrough', path: '/reports/ready/sell-through', title: '经销商动销' },
    { key: 'visitKpis', path: '/reports/ready/visit-kpis', title: '拜访考核' },
    { key: 'mallUsage', path: '/reports/ready/mall-usage', title: '商城使用情况' },
    { key: 'collections', path: '/reports/ready/collections', title: '回款率' },
  ];

  const api = async <T>(username: string, path: string): Promise<T> => {
    const res0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await res0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  /** "¥1,234.50" as the page shows an amount */
  const shown = (amount: string) => {
    const [i, f] = amount.replace('-', '').split('.');
    return `${amount.startsWith('-') ? '-' : ''}¥${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
  };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('HQ admin: each report as a table with its summary; the collection rate shows every branch with a year of months', async () => {
    await login(page, 'admin');
    for (const { key, path, title } of KEYS) {
      await page.goto(path);
      await expect(page.getByTestId('page-title').textContent()).resolves.toBe(title);
      await page.getByTestId('ready-summary').waitFor();
      await page.getByTestId('ready-table').waitFor();
      expect(await page.locator('[data-testid="ready-table"] tbody tr').count()).toBeGreaterThan(0);
      await screenshot(page, `ready-${key}-hq`);
    }
    const expected = await api<CollectionsReport>('admin', '/reports/ready/collections');
    await expect(page.getByTestId('ready-tile-receipts').textContent()).resolves.toContain(shown(expected.summary.receipts));
    const table = (await page.getByTestId('ready-table').textContent()) ?? '';
    for (const name of ['北京分公司', '上海分公司', '广州办事处']) expect(table).toContain(name);
    expect(new Set(expected.items.map((x) => x.month)).size).toBeGreaterThanOrEqual(11);
    // a server-sorted column on a paged report: most stock value first
    await page.goto('/reports/ready/stock-days');
    await page.getByTestId('ready-table').waitFor();
    await page.locator('[data-testid="ready-table"] th', { hasText: '库存金额' }).first().click();
    await page.locator('[data-testid="ready-table"] th', { hasText: '库存金额' }).first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ready-table"] .descending') !== null);
    expect(page.appErrors).toEqual([]);
    await logout(page);
  });

  it('bj.manager on a phone: each report as cards, Beijing only, no sideways scroll', async () => {
    await page.setViewportSize(PHONE);
    await login(page, 'bj.manager');
    for (const { key, path, title } of KEYS) {
      await page.goto(path);
      await expect(page.getByTestId('page-title').textContent()).resolves.toBe(title);
      await page.getByTestId('ready-summary').waitFor();
      await page.locator('[data-testid="ready-cards"], [data-testid="ready-empty"]').first().waitFor();
      expect(await page.getByTestId('ready-table').count()).toBe(0);
      const text = (await page.locator('.page-container').textContent()) ?? '';
      for (const other of ['上海', '广州', '天津']) expect({ key, other, found: text.includes(other) }).toEqual({ key, other, found: false });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(innerWidth).toBe(PHONE.width);
      expect({ key, fits: scrollWidth <= PHONE.width }).toEqual({ key, fits: true });
      await screenshot(page, `ready-${key}-manager-phone`);
    }
    // the collection rate for him: Beijing's figures, as the API answers them
    const mine = await api<CollectionsReport>('bj.manager', '/reports/ready/collections');
    expect(new Set(mine.items.map((x) => x.branchName))).toEqual(new Set(['北京分公司']));
    await expect(page.getByTestId('ready-tile-netShipped').textContent()).resolves.toContain(shown(mine.summary.netShipped));
    await expect(page.getByTestId('ready-tile-overdue').textContent()).resolves.toContain(shown(mine.summary.overdue));
    expect(await page.getByTestId('ready-card').count()).toBe(mine.items.length);
    expect(page.appErrors).toEqual([]);
    await logout(page);
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
