import type { Browser } from 'playwright-core';
import type { Dashboard } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * The home page per role (issue #16). HQ's admin sees the company's month (sales, margin,
 * collections, past-due receivables) and the branches' achievement, the figures the API answers,
 * and a tile opens the analysis with its query; 销售计划 shows the achievement of the month. The
 * branch manager bj.manager, on a phone (390x844), sees his branch's month against its target with
 * the pace needed, his office's and rep's achievement, and nothing sticks out sideways. The rep
 * bj.sales sees his day and his month against his target.
 */
describe('home page KPIs per role', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };

  const dashboardOf = async (username: string): Promise<Dashboard> => {
    const login0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await login0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api/reports/dashboard`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Dashboard;
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

  it('HQ admin: the company month, the branches against their targets, a tile into the analysis', async () => {
    const expected = await dashboardOf('admin');
    await login(page, 'admin');
    await page.goto('/dashboard');
    const panel = page.getByTestId('dashboard-kpis');
    await panel.waitFor();
    await expect(page.getByTestId('kpi-title').textContent()).resolves.toBe('全公司经营概览');
    for (const key of ['salesMtd', 'marginMtd', 'collectionsMtd', 'overdueReceivables']) {
      const tile = expected.tiles.find((x) => x.key === key)!;
      await expect(page.getByTestId(`kpi-${key}-value`).textContent()).resolves.toBe(shown(tile.value));
    }
    // the branches' achievement: 北京分公司 and 上海分公司 with their month figures, no office
    for (const row of expected.achievement) {
      await expect(page.getByTestId(`achievement-${row.name}-sales`).textContent()).resolves.toContain(shown(row.salesActual));
    }
    expect(expected.achievement.map((r) => r.name)).toEqual(expect.arrayContaining(['北京分公司', '上海分公司']));
    expect(await page.getByTestId('achievement-朝阳办事处').count()).toBe(0);
    await screenshot(page, 'dashboard-hq');
    // the sales tile opens the analysis of the month by branch and day
    await page.getByTestId('kpi-salesMtd').click();
    await page.waitForURL(/\/reports\/analysis\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('measures')).toBe('sales,returns,netSales');
    expect(url.searchParams.get('dimensions')).toBe('branch,day');
    expect(url.searchParams.get('from')).toBe(`${expected.month}-01`);
    // 销售计划 -> 达成: the same month's achievement
    await page.goto(`/reports/targets?tab=achievement&month=${expected.month}`);
    await page.getByTestId('achievement-北京分公司').waitFor();
    await expect(page.getByTestId('achievement-as-of').textContent()).resolves.toContain(expected.today);
    await screenshot(page, 'targets-achievement-hq');
    expect(page.appErrors).toEqual([]);
    await logout(page);
  });

  it('bj.manager on a phone: his branch against its target with the pace, his office and rep, no sideways scroll', async () => {
    const expected = await dashboardOf('bj.manager');
    expect(expected.role).toBe('MANAGER');
    await page.setViewportSize(PHONE);
    await login(page, 'bj.manager');
    await page.goto('/dashboard');
    await page.getByTestId('dashboard-kpis').waitFor();
    await expect(page.getByTestId('kpi-title').textContent()).resolves.toBe('北京分公司 经营概览');
    const sales = expected.tiles.find((x) => x.key === 'salesMtd')!;
    await expect(page.getByTestId('kpi-salesMtd-value').textContent()).resolves.toBe(shown(sales.value));
    expect(sales.target).not.toBeNull();
    await expect(page.getByTestId('kpi-salesMtd-target').textContent()).resolves.toContain(shown(sales.target!));
    if (sales.pace && Number(sales.pace) > 0) await expect(page.getByTestId('kpi-salesMtd-pace').textContent()).resolves.toContain(shown(sales.pace));
    for (const name of ['北京分公司', '朝阳办事处', '张伟']) await page.getByTestId(`achievement-${name}`).waitFor();
    expect(await page.getByTestId('achievement-上海分公司').count()).toBe(0);
    await page.getByTestId('achievement-张伟').scrollIntoViewIfNeeded();
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(innerWidth).toBe(PHONE.width);
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'dashboard-manager-phone-achievement');
    // the layout scrolls its main pane, not the window: bring the panel's top back into view
    await page.getByTestId('kpi-title').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-manager-phone');
    expect(page.appErrors).toEqual([]);
    await logout(page);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('bj.sales: his day and his month against his target', async () => {
    const expected = await dashboardOf('bj.sales');
    expect(expected.role).toBe('REP');
    await login(page, 'bj.sales');
    await page.goto('/dashboard');
    await page.getByTestId('dashboard-kpis').waitFor();
    await expect(page.getByTestId('kpi-title').textContent()).resolves.toBe('我的今日与本月');
    for (const tile of expected.tiles) {
      await expect(page.getByTestId(`kpi-${tile.key}-value`).textContent()).resolves.toBe(tile.unit === 'money' ? shown(tile.value) : tile.value);
    }
    const month = expected.tiles.find((x) => x.key === 'salesAchievement')!;
    await expect(page.getByTestId('kpi-salesAchievement-target').textContent()).resolves.toContain(shown(month.target!));
    await page.getByTestId('achievement-张伟').waitFor();
    // a rep may not open the analysis: his tiles are figures, not links
    expect(await page.locator('a[data-testid="kpi-salesToday"]').count()).toBe(0);
    await screenshot(page, 'dashboard-rep');
    expect(page.appErrors).toEqual([]);
  });
});
