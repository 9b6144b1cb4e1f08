import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * Approvals as people use them (demo flow SO-STANDARD: > 5,000 -> the branch manager, > 10,000
 * -> also hq.vp). The sales rep bj.sales enters an order above 5,000 for 北京华联 through the
 * order form and submits it: it waits for approval, and the order page shows the routing (the
 * manager's step held on "单据金额 > 5,000"). Three more such orders go in through the API. The
 * branch manager bj.manager signs in and is told at once what waits for him (登录提醒), opens
 * 我的审批 with its counts, approves the first order, tries to reject the second without a reason
 * (refused with a message) and then with one, and meets a task that someone already decided
 * (the list reloads); he delegates his approvals for a week and ends the delegation. bj.sales then
 * sees the bell with the news, opens the rejection, reaches the order with its approval panel and
 * timeline (rejected, with the reason), finds the approved one through the notification centre,
 * and withdraws the last pending order, which becomes a draft again.
 */
describe('approvals', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const DEALER = '北京华联商贸有限公司';
  const PRODUCT = 'SP0158';
  const REASON = '价格需与客户重新核对';
  const COMMENT = '同意，请尽快安排发货';

  interface OrderRef {
    id: string;
    number: string;
    total: string;
    status: string;
  }
  const orders: Record<'approve' | 'reject' | 'stale' | 'withdraw', OrderRef | null> = { approve: null, reject: null, stale: null, withdraw: null };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'bj.sales');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** the API with the page's own session (the web app keeps its access token in localStorage) */
  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) => pageApi<T>(page, method, path, { body, headers });

  const { messageBox, toast, rowsOf, pickRemote } = elementUi(() => page);
  const waitOrderStatus = async (label: string) => {
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="order-header"]')?.closest('.el-card')?.querySelector('[data-testid="order-status"]')?.textContent?.trim() === text,
      label,
    );
  };
  const countOf = async (box: 'todo' | 'done' | 'submitted') => Number((await page.getByTestId(`inbox-count-${box}`).innerText()).trim());
  const waitCount = (box: 'todo' | 'done' | 'submitted', n: number) =>
    page.waitForFunction(([b, want]) => document.querySelector(`[data-testid="inbox-count-${b}"]`)?.textContent?.trim() === String(want), [box, n] as const);
  const inboxRow = (number: string) => rowsOf('inbox-table').filter({ hasText: number });

  it('bj.sales enters an order above 5,000 in the order form; it waits for the branch manager', async () => {
    await page.goto('/sales/orders/new');
    await page.getByText('新建销售订单').first().waitFor();
    await pickRemote('order-dealer', 'D-BJ001', DEALER);
    await page.waitForFunction(() => (document.querySelector('[data-testid="order-warehouse"]') as HTMLElement | null)?.innerText.includes('北京分仓'));
    await pickRemote('line-product-1', PRODUCT, PRODUCT);
    await input(page, 'line-qty-1').fill('12');
    await page.waitForFunction(() => {
      const m = /¥([\d,]+\.\d\d)/.exec(document.querySelector('[data-testid="summary-total"]')?.textContent ?? '');
      return !!m && Number(m[1].replace(/,/g, '')) > 5000;
    });
    await page.getByTestId('order-save-submit').click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    await waitOrderStatus('待审批');
    const id = page.url().split('/').pop()!;
    const number = (await page.getByTestId('order-number').innerText()).trim();
    orders.approve = { id, number, total: '', status: 'PENDING_APPROVAL' };

    // the approval panel: flow and version, the routing with what matched, the task, the timeline
    const panel = page.getByTestId('approval-panel');
    await panel.waitFor();
    await panel.getByTestId('approval-status').getByText('审批中').waitFor();
    await panel.getByTestId('approval-flow').getByText('销售订单审批').waitFor();
    await panel.getByTestId('approval-flow').getByText('版本 1').waitFor();
    const steps = panel.getByTestId('approval-step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).getAttribute('data-state')).toBe('current');
    await steps.nth(0).getByTestId('approval-matched').getByText('单据金额 > 5,000').waitFor();
    await steps.nth(0).getByTestId('approval-task').getByText('王建国').waitFor();
    expect(await steps.nth(1).getAttribute('data-state')).toBe('skipped');
    await steps.nth(1).getByText('不满足条件，无需审批').waitFor();
    await panel.getByTestId('approval-timeline').getByText('提交审批').waitFor();
    await panel.getByTestId('approval-timeline').getByText('审批流程：销售订单审批（版本 1）').waitFor();
    // the submitter may withdraw, not decide
    await panel.getByTestId('approval-withdraw').waitFor();
    expect(await panel.getByTestId('approval-approve').count()).toBe(0);
    await screenshot(page, 'apr-01-order-pending');

    // three more for the manager, through the API with the page's session
    const order = await api<{ dealerId: string; warehouseId: string; lines: { productId: string }[] }>('GET', `/sales-orders/${id}`);
    const make = async (qty: string): Promise<OrderRef> => {
      const o = await api<OrderRef>(
        'POST',
        '/sales-orders',
        { dealerId: order.dealerId, warehouseId: order.warehouseId, submit: true, lines: [{ productId: order.lines[0].productId, qty }] },
        { 'Idempotency-Key': `e2e-approvals-${qty}-${Date.now()}` },
      );
      expect(o.status).toBe('PENDING_APPROVAL');
      return o;
    };
    orders.reject = await make('13');
    orders.stale = await make('14');
    orders.withdraw = await make('15');
    expect(page.appErrors).toEqual([]);
  });

  it('bj.manager is told at sign-in what waits for him and opens 我的审批 with its counts', async () => {
    await logout(page);
    await login(page, 'bj.manager');
    const warnings = page.getByTestId('login-warnings');
    await warnings.waitFor();
    await warnings.getByText('登录提醒').waitFor();
    // the demo task and the four new orders
    await warnings.getByTestId('warning-pendingApprovals-value').getByText('5 项单据等待您审批').waitFor();
    await warnings.getByTestId('warning-overdueReceivables').getByText('逾期应收').waitFor();
    await screenshot(page, 'apr-02-login-warnings');

    await warnings.getByTestId('warning-pendingApprovals-go').click();
    await page.waitForURL(/\/approvals\/inbox$/);
    await warnings.waitFor({ state: 'hidden' });
    await page.getByTestId('page-title').getByText('我的审批').waitFor();
    await waitCount('todo', 5);
    expect(await countOf('done')).toBe(1);
    for (const o of [orders.approve!, orders.reject!, orders.stale!, orders.withdraw!]) await inboxRow(o.number).waitFor();
    await inboxRow(orders.approve!.number).getByText('分支机构经理审批').waitFor();
    await inboxRow(orders.approve!.number).getByText('张伟').waitFor();
    await inboxRow(orders.approve!.number).getByTestId('inbox-due').waitFor();
    // the document number leads to the order
    expect(await inboxRow(orders.approve!.number).getByTestId('inbox-doc-link').getAttribute('href')).toBe(`/sales/orders/${orders.approve!.id}`);
    await screenshot(page, 'apr-03-inbox-todo');
  });

  it('approves one order with a comment and rejects another, which needs a reason', async () => {
    const dialog = page.getByTestId('decision-dialog');
    await inboxRow(orders.approve!.number).getByTestId('inbox-approve').click();
    await dialog.waitFor();
    await dialog.getByText(orders.approve!.number).waitFor();
    await input(page, 'decision-text').fill(COMMENT);
    await dialog.getByTestId('decision-confirm').click();
    await toast(`已同意 ${orders.approve!.number}`);
    await dialog.waitFor({ state: 'hidden' });
    await waitCount('todo', 4);
    await inboxRow(orders.approve!.number).waitFor({ state: 'detached' });

    await inboxRow(orders.reject!.number).getByTestId('inbox-reject').click();
    await dialog.waitFor();
    await dialog.getByText('驳回原因').waitFor();
    // no reason: refused before anything is sent
    await dialog.getByTestId('decision-confirm').click();
    await dialog.locator('.el-form-item__error', { hasText: '请填写驳回原因' }).waitFor();
    await screenshot(page, 'apr-04-reject-needs-reason');
    await input(page, 'decision-text').fill(REASON);
    await dialog.getByTestId('decision-confirm').click();
    await toast(`已驳回 ${orders.reject!.number}`);
    await dialog.waitFor({ state: 'hidden' });
    await waitCount('todo', 3);
    await waitCount('done', 3);
  });

  it('a task someone already decided is refused with a message and the list reloads', async () => {
    // decided behind the page's back (as from another tab)
    const tasks = await api<{ items: { id: string; docNumber: string }[] }>('GET', '/approvals/tasks?box=todo&pageSize=50');
    const stale = tasks.items.find((t) => t.docNumber === orders.stale!.number)!;
    await api('POST', `/approvals/tasks/${stale.id}/approve`, { comment: '已在手机上审批' });

    await inboxRow(orders.stale!.number).getByTestId('inbox-approve').click();
    const dialog = page.getByTestId('decision-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('decision-confirm').click();
    await toast('该审批任务已处理或已关闭');
    await dialog.waitFor({ state: 'hidden' });
    await inboxRow(orders.stale!.number).waitFor({ state: 'detached' });
    await waitCount('todo', 2);

    // what he decided
    await page.getByTestId('inbox-tab-done').click();
    await page.waitForURL(/box=done/);
    await inboxRow(orders.reject!.number).getByText('已驳回').waitFor();
    await inboxRow(orders.reject!.number).getByText(REASON).waitFor();
    await inboxRow(orders.approve!.number).getByText('已同意').waitFor();
    await inboxRow(orders.approve!.number).getByText(COMMENT).waitFor();
    await screenshot(page, 'apr-05-inbox-done');
    await page.getByTestId('inbox-tab-todo').click();
    await inboxRow(orders.withdraw!.number).waitFor();
  });

  it('delegates his approvals for a week and ends the delegation', async () => {
    await page.getByTestId('inbox-delegation').click();
    const dialog = page.getByTestId('delegation-dialog');
    await dialog.waitFor();
    await dialog.getByText('当前没有委托').waitFor();
    await dialog.getByTestId('delegation-add').click();
    await dialog.getByTestId('delegation-save').click();
    await dialog.locator('.el-form-item__error', { hasText: '请选择被委托人' }).waitFor();
    await pickRemote('delegation-user', 'bj.finance', '李娜');
    await dialog.getByTestId('delegation-save').click();
    await toast('委托已保存');
    const row = rowsOf('delegation-table').filter({ hasText: '李娜' });
    await row.getByText('生效中').waitFor();
    await screenshot(page, 'apr-06-delegation');
    await row.getByTestId('delegation-end').click();
    await messageBox().getByText('确定现在结束对 李娜 的委托吗？').waitFor();
    await messageBox().getByRole('button', { name: '结束委托' }).click();
    await toast('委托已结束');
    await dialog.getByText('当前没有委托').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(page.appErrors).toEqual([]);
  });

  it('bj.sales sees the news in the bell, reaches the rejected order and its approval timeline', async () => {
    await logout(page);
    await login(page, 'bj.sales');
    const badge = page.getByTestId('notification-badge');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="notification-badge"]')?.getAttribute('data-count') ?? 0) >= 3);
    await badge.locator('.el-badge__content').waitFor();
    await page.getByTestId('notification-bell').click();
    const panel = page.getByTestId('notification-panel');
    await panel.waitFor();
    await panel.getByText(`${orders.reject!.number} 被驳回`).waitFor();
    await panel.getByText(`${orders.approve!.number} 审批通过`).waitFor();
    await screenshot(page, 'apr-07-bell');

    await panel.getByTestId('notification-item').filter({ hasText: `${orders.reject!.number} 被驳回` }).click();
    await page.waitForURL(new RegExp(`/sales/orders/${orders.reject!.id}$`));
    await waitOrderStatus('已驳回');
    const approval = page.getByTestId('approval-panel');
    await approval.getByTestId('approval-status').getByText('已驳回').waitFor();
    const step = approval.getByTestId('approval-step').nth(0);
    expect(await step.getAttribute('data-state')).toBe('rejected');
    await step.getByTestId('approval-task-comment').getByText(REASON).waitFor();
    const rejected = approval.locator('[data-testid="approval-event"][data-action="REJECT"]');
    await rejected.getByText('驳回').first().waitFor();
    await rejected.getByText('王建国').waitFor();
    await rejected.getByText(REASON).waitFor();
    // nothing left to do on it
    expect(await approval.getByTestId('approval-withdraw').count()).toBe(0);
    // the order's own timeline has the rejection too
    await page.getByTestId('order-timeline').getByText('审批驳回').waitFor();
    await approval.scrollIntoViewIfNeeded();
    await screenshot(page, 'apr-08-order-rejected');
  });

  it('finds the approved order through the notification centre', async () => {
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-view-all').click();
    await page.waitForURL(/\/notifications$/);
    const item = page.getByTestId('notify-item').filter({ hasText: `${orders.approve!.number} 审批通过` });
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('false');
    // the rejection was read by opening it
    expect(await page.getByTestId('notify-item').filter({ hasText: `${orders.reject!.number} 被驳回` }).getAttribute('data-read')).toBe('true');
    await page.getByTestId('notify-filter-unread').click();
    await page.waitForURL(/unread=true/);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="notify-item"]')).every((el) => el.getAttribute('data-read') === 'false'));
    await screenshot(page, 'apr-09-notification-centre');
    // the same notices in English: worded by the page from their message keys
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-en').click();
    await page.getByTestId('notify-item').filter({ hasText: `${orders.approve!.number} approved` }).waitFor();
    expect(await page.getByTestId('notify-item').filter({ hasText: '审批通过' }).count()).toBe(0);
    await screenshot(page, 'apr-09b-notification-centre-english');
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-zh-CN').click();

    await page.getByTestId('notify-item').filter({ hasText: `${orders.approve!.number} 审批通过` }).click();
    await page.waitForURL(new RegExp(`/sales/orders/${orders.approve!.id}$`));
    await waitOrderStatus('已审核');
    const approval = page.getByTestId('approval-panel');
    await approval.getByTestId('approval-status').getByText('审批通过').waitFor();
    const approved = approval.locator('[data-testid="approval-event"][data-action="APPROVE"]');
    await approved.getByText(COMMENT).waitFor();
    await approval.locator('[data-testid="approval-event"][data-action="APPROVED"]').waitFor();
    await approval.getByTestId('approval-step').nth(0).getByText('已同意').first().waitFor();
    await approval.scrollIntoViewIfNeeded();
    await screenshot(page, 'apr-10-order-approved');
  });

  it('withdraws a pending order, which becomes a draft again', async () => {
    await page.goto(`/sales/orders/${orders.withdraw!.id}`);
    await waitOrderStatus('待审批');
    const approval = page.getByTestId('approval-panel');
    await approval.getByTestId('approval-status').getByText('审批中').waitFor();
    await approval.getByTestId('approval-withdraw').click();
    await messageBox().getByText(`确定撤回订单 ${orders.withdraw!.number} 的审批吗？`).waitFor();
    await messageBox().getByRole('button', { name: '撤回' }).click();
    await toast('已撤回，订单回到草稿状态');
    await waitOrderStatus('草稿');
    await approval.getByTestId('approval-status').getByText('已撤回').waitFor();
    await approval.locator('[data-testid="approval-event"][data-action="WITHDRAW"]').getByText('张伟').waitFor();
    await page.getByTestId('order-timeline').getByText('撤回').first().waitFor();
    await page.getByTestId('order-submit').waitFor();
    await screenshot(page, 'apr-11-withdrawn');

    // 我提交的: the demo orders still wait on others, this one no longer does
    await page.goto('/approvals/inbox?box=submitted');
    await rowsOf('inbox-table').first().waitFor();
    expect(await inboxRow(orders.withdraw!.number).count()).toBe(0);
    await screenshot(page, 'apr-12-inbox-submitted');
    expect(page.appErrors).toEqual([]);
  });

  it('an order no condition holds for is approved at once; its panel is one line until asked', async () => {
    const draft = await api<{ dealerId: string; warehouseId: string; lines: { productId: string }[] }>('GET', `/sales-orders/${orders.withdraw!.id}`);
    const small = await api<OrderRef>(
      'POST',
      '/sales-orders',
      { dealerId: draft.dealerId, warehouseId: draft.warehouseId, submit: true, lines: [{ productId: draft.lines[0].productId, qty: '2' }] },
      { 'Idempotency-Key': `e2e-approvals-small-${Date.now()}` },
    );
    expect(small.status).toBe('APPROVED');
    await page.goto(`/sales/orders/${small.id}`);
    await waitOrderStatus('已审核');
    const approval = page.getByTestId('approval-panel');
    await approval.getByTestId('approval-auto').getByText('未满足任何审批条件，提交后自动审批通过').waitFor();
    expect(await approval.getByTestId('approval-routing').count()).toBe(0);
    await approval.getByTestId('approval-toggle').click();
    await approval.getByTestId('approval-routing').waitFor();
    expect(await approval.getByTestId('approval-step').count()).toBe(2);
    await approval.locator('[data-testid="approval-event"][data-action="AUTO_APPROVE"]').waitFor();
    expect(page.appErrors).toEqual([]);
  });
});
