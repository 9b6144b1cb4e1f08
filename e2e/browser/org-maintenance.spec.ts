import type { Browser, Locator } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Looking after the organisation tree: edit and save (with the record's version), move a node
 * under another parent, disable and enable, and delete (refused while it has children, with the
 * offer to disable instead).
 */
describe('organisation maintenance', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const suffix = Date.now().toString(36).slice(-4).toUpperCase();
  const parent = { code: `MT-P-${suffix}`, name: `维护测试分部${suffix}` };
  const child = { code: `MT-C-${suffix}`, name: `维护测试经销商${suffix}` };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
    await page.goto('/orgs');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const node = (code: string) => page.getByTestId(`org-node-${code}`);
  const field = (name: string) => input(page, `org-field-${name}`);
  const title = () => page.getByTestId('org-detail-title');
  const { messageBox } = elementUi(() => page);

  async function createChild(under: string, type: 'BRANCH' | 'DEALER', org: { code: string; name: string }) {
    await node(under).click();
    await page.getByTestId('org-create-child').click();
    await page.getByTestId(`org-type-${type}`).click();
    await field('code').fill(org.code);
    await field('name').fill(org.name);
    await page.getByTestId('org-save').click();
    await hasText(title(), org.name);
  }

  it('edits an organisation and saves it', async () => {
    await createChild('BJ', 'BRANCH', parent);
    await createChild(parent.code, 'DEALER', child);
    await node(parent.code).click();
    await hasText(title(), parent.name);
    await field('contact').fill('新联系人');
    await field('phone').fill('abc');
    await page.getByTestId('org-save').click();
    await page.getByText('电话格式不正确').waitFor();
    await field('phone').fill('010-12345678');
    await page.getByTestId('org-save').click();
    await page.getByText('保存成功').first().waitFor();
    await page.reload();
    await hasText(title(), parent.name);
    expect(await field('contact').inputValue()).toBe('新联系人');
    expect(await field('phone').inputValue()).toBe('010-12345678');
  });

  it('asks before leaving unsaved edits', async () => {
    await field('remark').fill('未保存的备注');
    await node('SH').click();
    await messageBox().getByText('未保存的修改', { exact: true }).waitFor();
    await screenshot(page, '31-orgs-unsaved');
    await messageBox().getByRole('button', { name: '取消' }).click();
    await hasText(title(), parent.name);
    await node('SH').click();
    await messageBox().getByRole('button', { name: '放弃修改' }).click();
    await hasText(title(), '上海分公司');
  });

  it('moves a branch under another parent', async () => {
    await node(parent.code).click();
    await page.getByTestId('org-move').click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('.el-select').click();
    await page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: '上海分公司' }).first().click();
    await screenshot(page, '32-orgs-move');
    await page.getByTestId('org-move-submit').click();
    await page.getByText('移动成功').first().waitFor();
    await hasText(page.getByTestId('org-field-parent'), '上海分公司');
    const shItem = page.locator('.el-tree-node', { has: node('SH') }).first();
    await shItem.getByTestId(`org-node-${parent.code}`).waitFor();
  });

  it('refuses to delete an organisation with children and offers to disable it', async () => {
    await page.getByTestId('org-delete').click();
    await messageBox().getByRole('button', { name: '确定' }).click();
    await messageBox().getByText('该机构下还有下级机构，不能删除').waitFor();
    await screenshot(page, '33-orgs-delete-refused');
    await messageBox().getByRole('button', { name: '停用' }).click();
    await page.getByTestId('org-enable').waitFor();
    // greyed out in the tree once it reloads
    await page.locator(`[data-testid="org-node-${parent.code}"].is-disabled`).waitFor();
    await screenshot(page, '34-orgs-disabled');

    await page.getByTestId('org-enable').click();
    await messageBox().getByRole('button', { name: '确定' }).click();
    await page.getByTestId('org-disable').waitFor();
  });

  it('deletes a leaf organisation', async () => {
    await node(child.code).click();
    await hasText(title(), child.name);
    await page.getByTestId('org-delete').click();
    await messageBox().getByRole('button', { name: '确定' }).click();
    await page.getByText('删除成功').first().waitFor();
    await hasText(title(), parent.name);
    expect(await node(child.code).count()).toBe(0);
    expect(page.appErrors).toEqual([]);
  });
});

async function hasText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
