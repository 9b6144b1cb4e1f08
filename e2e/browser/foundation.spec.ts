import type { Browser, Locator } from 'playwright-core';
import { BUILTIN_ROLES, BuiltinRole, type Permission } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { input, launchBrowser, login, logout, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * The foundation journey: an HQ admin builds part of the organisation tree through the console,
 * a dealer sees only its own corner of it, and the console speaks English on request.
 * E2E_BASE_URL points the test at an already running server instead of booting one.
 */
describe('console foundation journey', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const suffix = Date.now().toString(36).slice(-5).toUpperCase();
  const branch = { code: `E2E-BR-${suffix}`, name: `华东测试分公司${suffix}` };
  const dealer = { code: `E2E-DL-${suffix}`, name: `杭州测试经销商${suffix}` };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const node = (code: string) => page.getByTestId(`org-node-${code}`);
  const menu = (path: string) => page.getByTestId(`menu-${path}`);
  const field = (name: string) => input(page, `org-field-${name}`);

  it('an HQ admin logs in and sees the dashboard', async () => {
    page = await newPage(browser, server.baseUrl);
    await page.goto('/orgs');
    // not logged in: the guard sends us to the login page, remembering where we were going
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByTestId('demo-accounts').waitFor();
    await screenshot(page, '01-login');

    // client-side validation before any call
    await page.getByTestId('login-submit').click();
    await page.getByText('请输入用户名').waitFor();

    // wrong password: a clear message
    await input(page, 'login-username').fill('admin');
    await input(page, 'login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), '用户名或密码错误');
    await screenshot(page, '02-login-error');

    await login(page, 'admin');
    await page.goto('/dashboard');
    await expectText(page.getByTestId('dashboard-org'), '总部');
    await page.getByTestId('stat-branches-value').waitFor();
    // 待办事项: the same figures the sign-in warnings and the review queue give
    const warnings = await pageApi<{ pendingApprovals: number; lowStock: number }>(page, 'GET', '/me/warnings');
    const reviews = await pageApi<{ total: number }>(page, 'GET', '/sales-orders?status=PENDING_REVIEW&source=MALL&pageSize=1');
    const shows = (testId: string, n: number) =>
      page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === want, [testId, String(n)] as const);
    await shows('todo-pendingApprovals-count', warnings.pendingApprovals);
    await shows('todo-mallReview-count', reviews.total);
    await shows('todo-lowStock-count', warnings.lowStock);
    expect(reviews.total).toBeGreaterThan(0);
    await screenshot(page, '03-dashboard-admin');
    for (const path of ['orgs', 'users', 'roles', 'audit-logs']) await menu(path).waitFor();
    // the mall menu follows the role's permissions
    expect(await menu('mall').count()).toBe(permissionsOf(BuiltinRole.HQ_ADMIN).has('mall:order') ? 1 : 0);
  });

  it('creates a branch under HQ and a dealer under that branch', async () => {
    await menu('orgs').click();
    await page.waitForURL(/\/orgs/);
    await page.getByTestId('org-empty').waitFor();
    await node('HQ').waitFor();
    await screenshot(page, '04-orgs-empty');

    await node('HQ').click();
    await expectText(page.getByTestId('org-detail-title'), '总部');
    await screenshot(page, '05-orgs-hq-detail');

    // 新增下级 under HQ: a branch
    await page.getByTestId('org-create-child').click();
    await page.getByTestId('org-type-BRANCH').waitFor();
    expect(await page.getByTestId('org-type-DEALER').count()).toBe(1);
    await page.getByTestId('org-type-BRANCH').click();
    // the form refuses what the server would refuse
    await field('code').fill('bad code!');
    await field('name').fill(branch.name);
    await page.getByTestId('org-save').click();
    await page.getByText('编码须以字母或数字开头').waitFor();
    await field('code').fill(branch.code);
    await field('contact').fill('测试联系人');
    await field('phone').fill('0571-88886666');
    await field('region').fill('浙江省杭州市');
    await screenshot(page, '06-orgs-create-branch');
    await page.getByTestId('org-save').click();
    await expectText(page.getByTestId('org-detail-title'), branch.name);
    await node(branch.code).waitFor();

    // 新增下级 under the new branch: a dealer, with dealer settings
    await page.getByTestId('org-create-child').click();
    await page.getByTestId('org-type-DEALER').click();
    await page.getByTestId('org-field-price-level').waitFor();
    await field('code').fill(dealer.code);
    await field('name').fill(dealer.name);
    await field('phone').fill('13900001111');
    await page.getByTestId('org-field-settlement').getByText('月结').click();
    await screenshot(page, '07-orgs-create-dealer');
    await page.getByTestId('org-save').click();
    await expectText(page.getByTestId('org-detail-title'), dealer.name);

    // both are in the tree, the dealer under the branch
    await node(branch.code).waitFor();
    await node(dealer.code).waitFor();
    const branchItem = page.locator('.el-tree-node', { has: node(branch.code) }).first();
    expect(await branchItem.getByTestId(`org-node-${dealer.code}`).count()).toBe(1);
    await screenshot(page, '08-orgs-tree-with-new');

    // a reload keeps the selection (it is in the URL) and the data (it is on the server)
    await page.reload();
    await expectText(page.getByTestId('org-detail-title'), dealer.name);
    await expectText(page.getByTestId('org-field-parent'), branch.name);
  });

  it('logs out', async () => {
    await logout(page);
    expect(new URL(page.url()).pathname).toBe('/login');
    // the session is gone: a console page sends us back to the login page
    await page.goto('/orgs');
    await page.waitForURL(/\/login/);
  });

  it('a dealer lands in the mall, and every console page sends it back there (issue #12)', async () => {
    await login(page, 'bj.dealer1');
    await page.waitForURL(/\/mall/);
    // dealers' users belong in the mall: the console's pages (and an unknown address) send them there
    for (const path of ['/dashboard', '/orgs', '/roles', '/product-scope', '/products', '/not/a/page']) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/mall');
    }
    // the mall is a real history-mode route: a direct load goes through the server's SPA fallback
    await expectText(page.getByTestId('mall-dealer'), '北京华联商贸有限公司');
    await screenshot(page, '12-mall');
    expect(page.appErrors).toEqual([]);
  });

  it('switches to English', async () => {
    // a branch manager (staff): dealers are in the mall
    await logout(page);
    await login(page, 'bj.manager');
    await page.goto('/orgs');
    await node('D-BJ001').waitFor();
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-en').click();
    await expectText(menu('orgs'), 'Organizations');
    await expectText(page.getByTestId('page-title'), 'Organizations');
    await page.getByText('Select an organization').waitFor();
    await node('D-BJ001').click();
    await expectText(page.getByTestId('org-detail'), 'Price level');
    await screenshot(page, '13-orgs-english');
    // the choice sticks across a reload
    await page.reload();
    await expectText(menu('dashboard'), 'Home');

    await page.goto('/not/a/page');
    await page.getByTestId('page-404').getByText('Page not found').waitFor();
    await screenshot(page, '14-not-found-english');
    expect(page.appErrors).toEqual([]);
  });
});

function permissionsOf(role: BuiltinRole): Set<Permission> {
  return new Set<Permission>(BUILTIN_ROLES.find((r) => r.code === role)!.permissions);
}

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
