import type { Browser, Locator } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { input, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * The other administration screens, as an HQ admin uses them: users (create, find, reset a
 * password, assign dealers to a sales rep), roles (a custom role from the permission matrix),
 * the audit log with its before/after diff, the backup page, and the profile page.
 */
describe('administration pages', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const suffix = Date.now().toString(36).slice(-5).toLowerCase();
  const username = `e2e.user.${suffix}`;
  const roleCode = `E2E_ROLE_${suffix.toUpperCase()}`;

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

  /** pick an option of an el-select that is open (its popper is teleported to <body>) */
  const pickOption = async (text: string) => {
    await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
  };

  it('lists users and creates one', async () => {
    await page.getByTestId('menu-users').click();
    await page.waitForURL(/\/users/);
    await page.locator('[data-testid="user-table"] .el-table__row').first().waitFor();
    await screenshot(page, '21-users');

    await page.getByTestId('user-create').click();
    await page.getByTestId('user-dialog').waitFor();
    await input(page, 'user-field-username').fill(username);
    await input(page, 'user-field-display-name').fill('测试用户');
    await input(page, 'user-field-password').fill('weak');
    await page.getByTestId('user-save').click();
    await page.getByText('至少 8 个字符').first().waitFor();
    await input(page, 'user-field-password').fill('Str0ng#Pass');
    await page.getByTestId('user-field-org').click();
    await page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: '北京分公司' }).first().click();
    await page.getByTestId('user-field-roles').click();
    await pickOption('业务员');
    await page.keyboard.press('Escape');
    await input(page, 'user-field-phone').fill('13911112222');
    await screenshot(page, '22-user-create');
    await page.getByTestId('user-save').click();
    await page.getByTestId('user-dialog').waitFor({ state: 'hidden' });

    await input(page, 'user-search-q').fill(username);
    await page.getByTestId('user-search').click();
    // the search narrows the table down to the new user
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="user-table"] .el-table__body-wrapper .el-table__row');
      return rows.length === 1;
    });
    await rowOf(page.locator('[data-testid="user-table"]'), username).waitFor();
  });

  it('assigns dealers to the new sales rep and resets its password', async () => {
    const row = rowOf(page.locator('[data-testid="user-table"]'), username);
    await row.getByRole('button', { name: '管辖往来单位' }).click();
    await page.getByTestId('assign-dealers-select').click();
    await pickOption('北京华联商贸有限公司');
    await pickOption('北京京客隆超市');
    await page.keyboard.press('Escape');
    await screenshot(page, '23-assign-dealers');
    await page.getByTestId('assign-dealers-submit').click();
    await row.getByText('北京京客隆超市').waitFor();

    await row.getByRole('button', { name: '重置密码' }).click();
    await input(page, 'reset-password-input').fill('N3w#Password');
    await page.getByTestId('reset-password-submit').click();
    await page.getByText('密码已重置').waitFor();
    await screenshot(page, '24-users-after');
  });

  it('creates a custom role from the permission matrix and views a built-in one', async () => {
    await page.getByTestId('menu-roles').click();
    await page.waitForURL(/\/roles/);
    await page.locator('[data-testid="role-table"] .el-table__row').first().waitFor();
    await screenshot(page, '25-roles');

    await page.getByTestId('role-create').click();
    await input(page, 'role-field-code').fill(roleCode);
    await input(page, 'role-field-name').fill('区域督导');
    await input(page, 'role-field-name-en').fill('Area supervisor');
    await page.getByTestId('perm-group-org').locator('.perm-matrix__group .el-checkbox').click();
    await page.getByTestId('perm-audit:view').click();
    await screenshot(page, '26-role-create');
    await page.getByTestId('role-save').click();
    await page.getByTestId('role-save').waitFor({ state: 'hidden' });
    const row = rowOf(page.locator('[data-testid="role-table"]'), roleCode);
    await row.getByText('7 项权限').waitFor();

    // built-in roles open read-only
    await rowOf(page.locator('[data-testid="role-table"]'), 'HQ_ADMIN').getByRole('button', { name: '查看' }).click();
    await page.getByText('内置角色由系统维护').waitFor();
    expect(await page.getByTestId('role-save').count()).toBe(0);
    await screenshot(page, '27-role-builtin');
    await page.keyboard.press('Escape');
  });

  it('shows the audit trail with a before/after diff', async () => {
    await page.getByTestId('menu-audit-logs').click();
    await page.waitForURL(/\/audit-logs/);
    await page.locator('[data-testid="audit-table"] .el-table__row').first().waitFor();
    await screenshot(page, '28-audit');
    // the creation of our user: no "before", the new record as "after"
    const row = page.locator('[data-testid="audit-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: '新增' }).filter({ hasText: '用户' }).first();
    await row.getByTestId('audit-detail').click();
    await page.getByTestId('audit-drawer').getByText('数据变更').waitFor();
    await page.getByTestId('audit-drawer').getByText(username).first().waitFor();
    await screenshot(page, '29-audit-diff');
    await page.keyboard.press('Escape');
  });

  it('shows the backup page: where backups go, the restore command, and the empty state before the first backup', async () => {
    await page.getByTestId('menu-system/backups').click();
    await page.waitForURL(/\/system\/backups/);
    await page.getByTestId('backup-where').getByText('备份目录').waitFor();
    expect(await page.getByTestId('backup-restore-command').innerText()).toMatch(/^npm run restore -- .*backups\/<file>$/);
    await page.getByTestId('backup-empty').getByText('还没有备份').waitFor();
    expect(await page.getByTestId('backup-now').isEnabled()).toBe(true);
    await screenshot(page, '29b-backups');
  });

  it('shows my profile and refuses a wrong current password', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-profile').click();
    await page.waitForURL(/\/profile/);
    await page.getByTestId('profile-info').getByText('admin').first().waitFor();
    await input(page, 'pw-old').fill('not-my-password');
    await input(page, 'pw-new').fill('An0ther#Pass');
    await input(page, 'pw-confirm').fill('An0ther#Pass');
    await page.getByTestId('pw-submit').click();
    await page.getByText('原密码不正确').waitFor();
    await screenshot(page, '30-profile');
  });

  it('refreshes an expired access token once and carries on; a dead session goes to the login page', async () => {
    let refreshes = 0;
    page.on('request', (req) => {
      if (req.url().endsWith('/api/auth/refresh')) refreshes += 1;
    });
    await page.evaluate(() => localStorage.setItem('drp.accessToken', 'expired-access-token'));
    await page.goto('/users');
    await page.locator('[data-testid="user-table"] .el-table__row').first().waitFor();
    expect(refreshes).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('drp.accessToken'))).not.toBe('expired-access-token');

    await page.evaluate(() => {
      localStorage.setItem('drp.accessToken', 'expired-access-token');
      localStorage.setItem('drp.refreshToken', 'revoked-refresh-token');
    });
    await page.goto('/roles');
    await page.waitForURL(/\/login\?redirect=(%2F|\/)roles/);
    expect(await page.evaluate(() => localStorage.getItem('drp.refreshToken'))).toBeNull();
    expect(page.appErrors).toEqual([]);
  });
});

function rowOf(table: Locator, text: string): Locator {
  return table.locator('.el-table__body-wrapper .el-table__row', { hasText: text }).first();
}
