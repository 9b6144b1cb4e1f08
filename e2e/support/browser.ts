import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/**
 * Browser-test helpers: Playwright (playwright-core) driving the system's Chromium (Debian's
 * `chromium` package; never a downloaded browser).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '../artifacts/screenshots');
export const DEMO_PASSWORD = 'Demo#2026';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface TrackedPage extends Page {
  /** uncaught exceptions and console errors seen so far (API 4xx answers excluded) */
  readonly appErrors: string[];
}

/** A fresh context (own storage) with a desktop viewport, Chinese locale and Beijing time. */
export async function newPage(browser: Browser, baseUrl: string): Promise<TrackedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = (await context.newPage()) as TrackedPage;
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  Object.defineProperty(page, 'appErrors', { value: errors });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // the browser logs failed requests (expected 4xx in negative paths) as console errors
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return page;
}

/** Saves e2e/artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // let transitions and toasts settle so the picture shows the steady screen
  await page.waitForTimeout(350);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * The text box of a form field by its data-testid, whether the id sits on the <input> itself
 * (Element Plus passes attributes of el-input to the native input) or on a wrapper.
 */
export function input(page: Page, testId: string): Locator {
  return page.locator(`input[data-testid="${testId}"], textarea[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

/** Logs in through the login form and waits for the console layout. */
export async function login(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.getByTestId('user-menu').waitFor();
}

/** Logs out through the user menu and waits for the login page. */
export async function logout(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await page.waitForURL((url) => url.pathname.startsWith('/login'));
  await page.getByTestId('login-submit').waitFor();
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface PageCallOptions {
  body?: unknown;
  /** undefined: the page's own session (the web app keeps its access token in localStorage); null: no session */
  token?: string | null;
  headers?: Record<string, string>;
}

/** The API over the page's connection, whatever it answers (for the bad paths a journey checks on the way). */
export async function pageCall<T = unknown>(page: Page, method: string, path: string, opts: PageCallOptions = {}): Promise<ApiAnswer<T>> {
  const bearer = opts.token === undefined ? await page.evaluate(() => localStorage.getItem('drp.accessToken')) : opts.token;
  const res = await page.request.fetch(`/api${path}`, {
    method,
    headers: { ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), 'Content-Type': 'application/json', ...opts.headers },
    data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status(), body: (text ? JSON.parse(text) : null) as T };
}

/** The API over the page's connection for a call that must succeed: its body, else an error naming the status. */
export async function pageApi<T = unknown>(page: Page, method: string, path: string, opts: PageCallOptions = {}): Promise<T> {
  const res = await pageCall<T>(page, method, path, opts);
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Element Plus pieces a spec waits on, for the page it has now (`page` is assigned in beforeAll). */
export function elementUi(page: () => Page) {
  return {
    /**
     * The confirmation box on screen. A box that is fading out (its overlay in the leave
     * transition) is left out: right after one box closes and the next opens, both are visible
     * for a moment and their texts would match twice.
     */
    messageBox: (): Locator => page().locator('.el-overlay.is-message-box:not(.fade-in-linear-leave-active) .el-message-box:visible'),
    /** waits for a toast with this text */
    toast: (text: string | RegExp): Promise<void> => page().locator('.el-message', { hasText: text }).first().waitFor(),
    /** the body rows of the table with this test id */
    rowsOf: (testId: string): Locator => page().locator(`[data-testid="${testId}"] .el-table__body-wrapper .el-table__row`),
    dropdownsClosed,
    pickOption,
    pickRemote,
  };

  /** waits until no select dropdown shows (a closing one would take the next pick) */
  function dropdownsClosed(): Promise<unknown> {
    return page().waitForFunction(() => Array.from(document.querySelectorAll('.el-select-dropdown__item')).every((el) => !(el as HTMLElement).checkVisibility()));
  }

  /** picks an option of the open single select (its popper is teleported to <body>) and waits for it to close */
  async function pickOption(text: string | RegExp): Promise<void> {
    await page().locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
    await dropdownsClosed();
  }

  /**
   * A searching picker: open it first and let its first page load (opening searches with an
   * empty query, which would otherwise overtake the typed one), then type and pick.
   */
  async function pickRemote(testId: string, query: string, option: string | RegExp): Promise<void> {
    const box = page().locator(`[data-testid="${testId}"] input`).first();
    await box.click();
    await page().locator('.el-select-dropdown__item:visible').first().waitFor();
    await box.fill(query);
    await page().waitForFunction(
      (q) => {
        const items = Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((el) => (el as HTMLElement).checkVisibility());
        return items.length > 0 && items.every((el) => el.textContent?.includes(q));
      },
      query,
    );
    await pickOption(option);
  }
}
