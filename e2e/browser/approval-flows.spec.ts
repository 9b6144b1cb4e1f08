import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, elementUi, input, launchBrowser, login, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * Approval flows as the HQ admin configures them: the list shows the demo flow SO-STANDARD and its
 * three steps open in the editor; a new flow for the 上海分公司 subtree is built with the condition
 * builder (a step "金额超过 3000" for the branch manager of the order's branch, and a step with an
 * any-group — below the floor price, or a dealer of level 8, 9 or 10 — for the named user
 * sh.manager), refused first for a step without approvers, previewed, saved (version 1) and
 * renamed (version 2). An order of a Shanghai dealer over 3,000 then waits for approval and
 * sh.manager has the task. Enabling a second active flow for the same organisation is refused,
 * naming the flow that applies.
 */
describe('approval flows', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const CODE = 'SO-SH';
  const NAME = '上海分公司销售订单审批';
  const RENAMED = '上海分公司销售订单审批（调整）';

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
  const api = <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string) => pageApi<T>(page, method, path, { body, token });

  const { messageBox, toast, rowsOf, dropdownsClosed } = elementUi(() => page);
  const flowRow = (code: string) => rowsOf('flow-table').filter({ has: page.getByTestId(`flow-open-${code}`) });
  const exact = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  /** opens the select with this test id and picks the option with exactly this label (or matching a pattern) */
  const pick = async (testId: string, label: string | RegExp) => {
    await page.locator(`[data-testid="${testId}"] .el-select__wrapper`).first().click();
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: typeof label === 'string' ? exact(label) : label }).first().click();
    await dropdownsClosed();
  };
  /** a multiple select: picks several options, then closes the list */
  const pickMany = async (testId: string, labels: string[]) => {
    await page.locator(`[data-testid="${testId}"] .el-select__wrapper`).first().click();
    for (const label of labels) await page.locator('.el-select-dropdown__item:visible').filter({ hasText: exact(label) }).first().click();
    await page.keyboard.press('Escape');
    await dropdownsClosed();
  };
  const stepCard = (n: number) => page.getByTestId(`flow-step-${n}`);
  /** a screenshot, after checking that no message key shows untranslated */
  const shot = async (name: string) => {
    const raw = await page.evaluate(() => document.body.innerText.match(/\b(approvalFlow|common|errors|sales)\.[a-zA-Z_.]+/g) ?? []);
    expect(raw).toEqual([]);
    await screenshot(page, name);
  };

  it('lists the demo flow and opens it with its two steps; the flows of the other document types are listed too', async () => {
    await page.getByTestId('menu-group-approvals').waitFor();
    await page.getByTestId('menu-approvals/flows').click();
    await page.waitForURL(/\/approvals\/flows$/);
    const row = flowRow('SO-STANDARD');
    await row.waitFor();
    await row.getByText('销售订单', { exact: true }).waitFor();
    await row.getByText('总部').first().waitFor();
    await row.getByText('2 步').waitFor();
    await row.getByText('第 1 版').waitFor();
    await row.getByText('启用').first().waitFor();
    // the steps in words, in the expanded row
    await row.locator('.el-table__expand-icon').click();
    const steps = page.getByTestId('flow-steps-SO-STANDARD');
    await steps.getByText('单据金额 大于 10000').waitFor();
    await steps.getByText('单据所属机构的分支机构经理').first().waitFor();
    // an order's below-floor prices and credit overrides have flows of their own
    await flowRow('PRICE-FLOOR').getByText('低于底价', { exact: true }).waitFor();
    await flowRow('CREDIT-OVERRIDE').getByText('信用超额放行', { exact: true }).waitFor();
    await shot('flow-01-list');

    await page.getByTestId('flow-open-SO-STANDARD').click();
    await page.waitForURL(/\/approvals\/flows\/[0-9a-f-]{36}$/);
    await stepCard(2).waitFor();
    expect(await input(page, 'flow-code').isDisabled()).toBe(true);
    expect(await input(page, 'flow-code').inputValue()).toBe('SO-STANDARD');
    expect(await input(page, 'flow-step-1-name').inputValue()).toBe('分支机构经理审批');
    expect(await input(page, 'flow-step-2-name').inputValue()).toBe('总部副总审批');
    await page.getByTestId('flow-step-1-summary').getByText('单据金额 大于 5000').waitFor();
    // the named approver hq.vp shows with its name
    await stepCard(2).getByText('刘副总').waitFor();
    await page.getByTestId('flow-version-note').getByText('正在审批中的单据继续按原版本审批').waitFor();
    // the live preview: an order of 7,000 goes to the branch manager only
    await input(page, 'preview-amount').fill('7000');
    await page.getByTestId('preview-step-1-state').getByText('需审批').waitFor();
    await page.getByTestId('preview-step-2-state').getByText('跳过').waitFor();
    await shot('flow-02-standard');
    expect(await page.getByTestId('flow-step-1').count()).toBe(1);
    expect(await page.getByTestId('flow-step-3').count()).toBe(0);
    await page.getByRole('button', { name: '返回' }).click();
    await page.waitForURL(/\/approvals\/flows$/);
  });

  it('builds a flow for the Shanghai subtree; a step without approvers is refused first', async () => {
    await page.getByTestId('flow-create').click();
    await page.waitForURL(/\/approvals\/flows\/new$/);
    await stepCard(1).waitFor();
    await input(page, 'flow-code').fill(CODE);
    await input(page, 'flow-name').fill(NAME);
    await page.locator('[data-testid="flow-org"] .el-select__wrapper').click();
    await page.locator('[data-testid="org-scope-SH"]:visible').click();
    await page.getByTestId('flow-org').getByText('上海分公司').waitFor();

    // step 1: 金额超过 3000 (amount gt 3000), no approvers yet
    await input(page, 'flow-step-1-name').fill('金额超过 3000');
    await page.getByTestId('flow-step-1-conditional').click();
    await page.getByTestId('flow-step-1-cond-0').waitFor();
    await page.getByTestId('flow-step-1-cond-0-fact').getByText('单据金额').waitFor();
    await page.getByTestId('flow-step-1-cond-0-op').getByText('大于').waitFor();
    // a value that is not a number is shown at the row
    await input(page, 'flow-step-1-cond-0-value').fill('3,000');
    await page.getByTestId('flow-save').click();
    await page.getByTestId('flow-step-1-cond-0-error').getByText('请输入数字，最多 4 位小数').waitFor();
    await stepCard(1).locator('.el-form-item__error', { hasText: '请至少添加一个审批人' }).waitFor();
    await page.getByTestId('flow-fix-errors').waitFor();
    await shot('flow-03-no-approvers');
    expect(page.url()).toMatch(/\/approvals\/flows\/new$/);

    await input(page, 'flow-step-1-cond-0-value').fill('3000');
    await page.getByTestId('flow-step-1-cond-0-error').waitFor({ state: 'detached' });
    await page.getByTestId('flow-step-1-approver-add-role').click();
    await page.getByTestId('flow-step-1-approver-0-org').getByText('单据所属机构').waitFor();
    // the role options show the name and the code
    await pick('flow-step-1-approver-0-role', /^分支机构经理BRANCH_MANAGER$/);
    await page.getByTestId('flow-step-1-approver-0-role').getByText('分支机构经理').waitFor();
    await stepCard(1).locator('.el-form-item__error', { hasText: '请至少添加一个审批人' }).waitFor({ state: 'detached' });
    await page.getByTestId('flow-step-1-summary').getByText('单据金额 大于 3000').waitFor();
  });

  it('adds a second step with an any-group and a named user, and previews the route', async () => {
    await page.getByTestId('flow-add-step').click();
    await stepCard(2).waitFor();
    await input(page, 'flow-step-2-name').fill('特价或重点客户');
    await page.getByTestId('flow-step-2-conditional').click();
    await page.getByTestId('flow-step-2-cond-op-any').click();
    // belowFloor = 是
    await pick('flow-step-2-cond-0-fact', '低于底价');
    await page.getByTestId('flow-step-2-cond-0-op').getByText('等于').waitFor();
    await page.getByTestId('flow-step-2-cond-0-value').getByText('是').waitFor();
    // OR dealerLevel in 8, 9, 10
    await page.getByTestId('flow-step-2-cond-add').click();
    await pick('flow-step-2-cond-1-fact', '经销商等级');
    await pick('flow-step-2-cond-1-op', '属于');
    await pickMany('flow-step-2-cond-1-value', ['8 级', '9 级', '10 级']);
    await page.getByTestId('flow-step-2-summary').getByText('低于底价 等于 是 或 经销商等级 属于 8 级、9 级、10 级').waitFor();

    // named user sh.manager (陈海)
    await page.getByTestId('flow-step-2-approver-add-users').click();
    await page.locator('[data-testid="flow-step-2-approver-0-users"] .el-select__wrapper').click();
    await page.locator('.el-select-dropdown__item:visible').first().waitFor();
    await page.locator('[data-testid="flow-step-2-approver-0-users"] input').first().fill('sh.manager');
    await page.waitForFunction(() => {
      const items = Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((el) => (el as HTMLElement).checkVisibility());
      return items.length > 0 && items.every((el) => el.textContent?.includes('sh.manager'));
    });
    await page.locator('.el-select-dropdown__item:visible', { hasText: '陈海' }).first().click();
    await page.getByTestId('page-title').click();
    await dropdownsClosed();
    await page.getByTestId('flow-step-2-approver-0-users').getByText('陈海').waitFor();

    // moving a step down and back up
    await page.getByTestId('flow-step-1-down').click();
    expect(await input(page, 'flow-step-1-name').inputValue()).toBe('特价或重点客户');
    await page.getByTestId('flow-step-2-up').click();
    expect(await input(page, 'flow-step-1-name').inputValue()).toBe('金额超过 3000');

    // a third step, removed again after a confirmation
    await page.getByTestId('flow-add-step').click();
    await stepCard(3).waitFor();
    await page.getByTestId('flow-step-3-remove').click();
    await messageBox().getByText('确定删除第 3 步').waitFor();
    await messageBox().getByRole('button', { name: '删除' }).click();
    await stepCard(3).waitFor({ state: 'detached' });

    // the preview: 3,500 from a level-3 dealer goes to step 1 only; a level-9 dealer also to step 2
    await input(page, 'preview-amount').fill('3500');
    await page.getByTestId('preview-step-1-state').getByText('需审批').waitFor();
    await page.getByTestId('preview-step-2-state').getByText('跳过').waitFor();
    await page.getByTestId('preview-step-1').getByText('命中：单据金额 大于 3000').waitFor();
    await page.getByTestId('preview-step-1').getByText('单据所属机构的分支机构经理').waitFor();
    await pick('preview-dealerLevel', '9 级');
    await page.getByTestId('preview-step-2-state').getByText('需审批').waitFor();
    await page.getByTestId('preview-step-2').getByText('指定人员：陈海').waitFor();
    await page.getByTestId('preview-result').getByText('将依次经过 2 个审批步骤').waitFor();
    await shot('flow-04-editor');
    await page.getByTestId('flow-steps').scrollIntoViewIfNeeded();
    await stepCard(2).scrollIntoViewIfNeeded();
    await shot('flow-05-step-two');
  });

  it('saves the flow (version 1) and renames it (version 2)', async () => {
    await page.getByTestId('flow-save').click();
    await toast(`审批流程 ${CODE} 已创建（第 1 版）`);
    await page.waitForURL(/\/approvals\/flows$/);
    const row = flowRow(CODE);
    await row.waitFor();
    await row.getByText(NAME).waitFor();
    await row.getByText('上海分公司', { exact: true }).waitFor();
    await row.getByText('2 步').waitFor();
    await row.getByTestId('flow-version').getByText('第 1 版').waitFor();
    await shot('flow-06-list-created');

    await page.getByTestId(`flow-open-${CODE}`).click();
    await stepCard(2).waitFor();
    expect(await input(page, 'flow-name').inputValue()).toBe(NAME);
    expect(await input(page, 'flow-code').isDisabled()).toBe(true);
    // what was saved comes back: the any-group and the named user
    await page.getByTestId('flow-step-2-summary').getByText('低于底价 等于 是 或 经销商等级 属于 8 级、9 级、10 级').waitFor();
    await page.getByTestId('flow-step-2-approver-0-users').getByText('陈海').waitFor();
    await page.getByTestId('flow-version-note').getByText('保存后生成第 2 版').waitFor();
    await input(page, 'flow-name').fill(RENAMED);
    await page.getByTestId('flow-save').click();
    await toast('已保存为第 2 版；正在审批中的单据继续按第 1 版审批');
    await page.waitForURL(/\/approvals\/flows$/);
    await flowRow(CODE).getByText(RENAMED).waitFor();
    await flowRow(CODE).getByTestId('flow-version').getByText('第 2 版').waitFor();
    // the keyword filter finds it
    await input(page, 'flow-search-q').fill('SO-SH');
    await page.getByTestId('flow-search').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="flow-table"] .el-table__body-wrapper .el-table__row').length === 1);
    await flowRow(CODE).waitFor();
    await shot('flow-07-list-v2');
  });

  it('routes an order of a Shanghai dealer over 3,000 to sh.manager', async () => {
    const warehouses = await api<{ items: { id: string; code: string }[] }>('GET', '/warehouses?q=WH-SH');
    const warehouseId = warehouses.items.find((w) => w.code === 'WH-SH')!.id;
    const dealers = await api<{ items: { id: string; code: string }[] }>('GET', '/orgs?type=DEALER&q=D-SH002');
    const dealerId = dealers.items.find((d) => d.code === 'D-SH002')!.id;
    const stock = await api<{ items: { productId: string; available: string }[] }>('GET', `/stock?warehouseId=${warehouseId}&pageSize=100`);
    // products in stock, each in whole order units (a multiple at or above its minimum), priced for this dealer
    const candidates: { productId: string; unit: number; units: number }[] = [];
    for (const row of stock.items.filter((r) => Number(r.available) > 0).slice(0, 30)) {
      const product = await api<{ minOrderQty: string; orderMultiple: string; status: string }>('GET', `/products/${row.productId}`);
      if (product.status !== 'ON_SALE') continue;
      const unit = Math.ceil(Number(product.minOrderQty) / Number(product.orderMultiple)) * Number(product.orderMultiple);
      const units = Math.floor((Number(row.available) * 0.8) / unit);
      if (units > 0) candidates.push({ productId: row.productId, unit, units });
    }
    const priced = await api<{ lines: { productId: string; amount: string }[] }>('POST', '/sales-orders/preview', {
      dealerId,
      warehouseId,
      lines: candidates.map((c) => ({ productId: c.productId, qty: String(c.unit) })),
    });
    const perUnit = new Map(priced.lines.map((l) => [l.productId, Number(l.amount)]));
    // the dearest first, until the order is worth about 4,000
    const lines: { productId: string; qty: string }[] = [];
    let worth = 0;
    for (const c of [...candidates].sort((a, b) => (perUnit.get(b.productId) ?? 0) - (perUnit.get(a.productId) ?? 0))) {
      const price = perUnit.get(c.productId) ?? 0;
      if (worth >= 4000 || price <= 0) break;
      const n = Math.min(c.units, Math.ceil((4000 - worth) / price));
      lines.push({ productId: c.productId, qty: String(n * c.unit) });
      worth += n * price;
    }
    expect(worth).toBeGreaterThan(3000);
    const order = await api<{ id: string; number: string; status: string; total: string }>('POST', '/sales-orders', { dealerId, warehouseId, lines, remark: 'e2e 审批流程', submit: true });
    expect(Number(order.total)).toBeGreaterThan(3000);
    expect(order.status).toBe('PENDING_APPROVAL');

    const instances = await api<{ flowName: string; flowVersion: number; routing: { stepName: string; holds: boolean }[] }[]>(
      'GET',
      `/approvals/instances?docType=SALES_ORDER&docId=${order.id}`,
    );
    expect(instances[0]).toMatchObject({ flowName: RENAMED, flowVersion: 2 });
    expect(instances[0].routing.map((r) => [r.stepName, r.holds])).toEqual([
      ['金额超过 3000', true],
      ['特价或重点客户', false],
    ]);

    const res = await page.request.post('/api/auth/login', { data: { username: 'sh.manager', password: DEMO_PASSWORD } });
    expect(res.ok()).toBe(true);
    const { accessToken } = (await res.json()) as { accessToken: string };
    const tasks = await api<{ items: { docNumber: string; stepName: string; status: string }[] }>('GET', '/approvals/tasks?box=todo', undefined, accessToken);
    expect(tasks.items).toEqual(expect.arrayContaining([expect.objectContaining({ docNumber: order.number, stepName: '金额超过 3000', status: 'PENDING' })]));
  });

  it('tells the user to reload when someone else saved the flow meanwhile', async () => {
    await page.getByTestId(`flow-open-${CODE}`).click();
    await stepCard(2).waitFor();
    // someone else saves a new version (through the API)
    const flows = await api<{ items: ({ id: string; code: string; version: number } & Record<string, unknown>)[] }>('GET', `/approvals/flows?q=${CODE}`);
    const { id, version, code, name, docType, orgId, onMissingApprover, steps } = flows.items.find((f) => f.code === CODE)!;
    await api('PUT', `/approvals/flows/${id}`, { code, name, docType, orgId, onMissingApprover, steps, version });
    await input(page, 'flow-step-1-hours').fill('12');
    await page.getByTestId('flow-save').click();
    await page.getByTestId('flow-stale').getByText('请重新加载后再修改').waitFor();
    await toast('请重新加载后再修改');
    await shot('flow-09-stale');
    await page.getByTestId('flow-reload').click();
    await messageBox().getByRole('button', { name: '重新加载' }).click();
    await page.getByTestId('flow-stale').waitFor({ state: 'detached' });
    await page.getByTestId('flow-version').getByText('第 3 版').waitFor();
    expect(await input(page, 'flow-step-1-hours').inputValue()).toBe('');
  });

  it('shows the editor in English without raw message keys', async () => {
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-en').click();
    await page.getByText('Approval steps').first().waitFor();
    await page.getByTestId('flow-step-1-cond-0-fact').getByText('Document amount').waitFor();
    await page.getByTestId('flow-step-1-cond-0-op').getByText('greater than').waitFor();
    await page.getByTestId('flow-step-2-summary').getByText('Below floor price equals Yes or Dealer level is one of Level 8, Level 9, Level 10').waitFor();
    await input(page, 'preview-amount').fill('3500');
    await page.getByTestId('preview-step-1-state').getByText('Applies').waitFor();
    await shot('flow-10-english');
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-zh-CN').click();
    await page.getByText('审批步骤').first().waitFor();
    await page.getByRole('button', { name: '返回' }).click();
    await page.waitForURL(/\/approvals\/flows$/);
  });

  it('refuses to enable a second active flow for the same organisation, naming the one that applies', async () => {
    await input(page, 'flow-search-q').fill('');
    await page.getByTestId('flow-search').click();
    // disable SO-SH (confirmed), let another flow take Shanghai, then try to enable SO-SH again
    await page.getByTestId(`flow-toggle-${CODE}`).click();
    await messageBox().getByText(`确定停用流程「${RENAMED}」`).waitFor();
    await messageBox().getByRole('button', { name: '停用' }).click();
    await toast('已停用');
    await flowRow(CODE).getByText('停用').first().waitFor();

    const flows = await api<{ items: { id: string; code: string; orgId: string; steps: unknown[] }[] }>('GET', `/approvals/flows?q=${CODE}`);
    const mine = flows.items.find((f) => f.code === CODE)!;
    const other = await api<{ id: string }>('POST', '/approvals/flows', {
      code: 'SO-SH-ALT',
      name: '上海备用流程',
      docType: 'SALES_ORDER',
      orgId: mine.orgId,
      onMissingApprover: 'REJECT',
      steps: mine.steps,
    });
    await page.getByTestId('flow-search').click();
    await flowRow('SO-SH-ALT').waitFor();

    await page.getByTestId(`flow-toggle-${CODE}`).click();
    await messageBox().getByRole('button', { name: '启用' }).click();
    await messageBox().getByText('流程 SO-SH-ALT 已适用于相同的单据类型和组织，请先停用它').waitFor();
    await shot('flow-08-enable-refused');
    await messageBox().getByRole('button', { name: '确定' }).click();
    await flowRow(CODE).getByText('停用').first().waitFor();

    await api('POST', `/approvals/flows/${other.id}/disable`);
    await page.getByTestId(`flow-toggle-${CODE}`).click();
    await messageBox().getByRole('button', { name: '启用' }).click();
    await toast('已启用');
    await flowRow(CODE).getByTestId('flow-status').getByText('启用').waitFor();
    expect(page.appErrors).toEqual([]);
  });
});
