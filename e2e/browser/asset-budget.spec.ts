import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { input, launchBrowser, DEMO_PASSWORD } from '../support/browser';

/**
 * The JS budget of the first screens (issue #12, "Speed a person feels"): a real Chromium loads
 * /login and the dealer mall's first screen, each in a fresh context (empty cache), and the
 * encoded size of every JavaScript answer (what went over the wire, after brotli/gzip) is summed.
 * Each must stay under 250 KB. A size budget, not a timing: it fails when a change pulls a large
 * library (all of Element Plus, ECharts, every page) into the first screen, or when the server
 * stops compressing.
 */
const BUDGET = 250 * 1024;

interface JsAnswer {
  url: string;
  encoding: string;
  /** body bytes as sent (compressed) */
  wire: number;
  /** body bytes once decoded */
  size: number;
}

/** Files this small are sent as they are (compressing them would not pay). */
const SMALL = 1024;

describe('JS on the wire for the first screens', () => {
  let server: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function freshContext(storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<BrowserContext> {
    return browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState });
  }

  /** Records the JS answers of `page` from now on: their on-the-wire body size and encoding. */
  function recordJs(page: Page): () => Promise<JsAnswer[]> {
    const pending: Promise<JsAnswer | null>[] = [];
    page.on('response', (res: Response) => {
      const type = res.request().resourceType();
      if (type !== 'script' && !/\.m?js(\?|$)/.test(res.url())) return;
      pending.push(
        res.finished().then(async () => {
          const sizes = await res.request().sizes();
          const size = (await res.body()).length;
          return { url: new URL(res.url()).pathname, encoding: (await res.headerValue('content-encoding')) ?? 'identity', wire: sizes.responseBodySize, size };
        }),
      );
    });
    return async () => (await Promise.all(pending)).filter((a): a is JsAnswer => !!a);
  }

  function report(name: string, answers: JsAnswer[]): number {
    const total = answers.reduce((s, a) => s + a.wire, 0);
    const decoded = answers.reduce((s, a) => s + a.size, 0);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const lines = answers.sort((a, b) => b.wire - a.wire).map((a) => `  ${kb(a.wire).padStart(9)} ${a.encoding.padEnd(8)} (${kb(a.size)}) ${a.url}`);
    console.log(`${name}: ${answers.length} JS files, ${kb(total)} on the wire (${kb(decoded)} decoded)\n${lines.join('\n')}`);
    return total;
  }

  it('the login page loads less than 250 KB of JS, compressed', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    const jsOf = recordJs(page);
    await page.goto('/login');
    await input(page, 'login-username').waitFor();
    await page.waitForLoadState('networkidle');
    const answers = await jsOf();
    const total = report('/login', answers);
    expect(answers.length).toBeGreaterThan(0);
    // every script worth it came compressed (Chromium asks for br and gzip)
    expect(answers.filter((a) => a.size > SMALL && a.encoding !== 'br' && a.encoding !== 'gzip')).toEqual([]);
    expect(total).toBeLessThan(BUDGET);
    await context.close();
  });

  it("the mall's first screen loads less than 250 KB of JS, compressed", async () => {
    // a dealer signs in once; the budget is for opening the mall afterwards with an empty cache
    const signIn = await freshContext();
    const loginPage = await signIn.newPage();
    await loginPage.goto('/login');
    await input(loginPage, 'login-username').fill('bj.dealer1');
    await input(loginPage, 'login-password').fill(DEMO_PASSWORD);
    await loginPage.getByTestId('login-submit').click();
    await loginPage.waitForURL((url) => url.pathname === '/mall');
    await loginPage.getByTestId('mall-home').waitFor();
    const state = await signIn.storageState();
    await signIn.close();

    const context = await freshContext(state);
    const page = await context.newPage();
    const jsOf = recordJs(page);
    await page.goto('/mall');
    await page.getByTestId('mall-home').waitFor();
    await page.getByTestId('mall-tabbar').waitFor();
    await page.waitForLoadState('networkidle');
    const answers = await jsOf();
    const total = report('/mall', answers);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.size > SMALL && a.encoding !== 'br' && a.encoding !== 'gzip')).toEqual([]);
    expect(total).toBeLessThan(BUDGET);
    await context.close();
  });

  it('serves a hashed asset with a long cache, the right encoding for each client, and Vary', async () => {
    const html = await (await fetch(`${server.baseUrl}/login`)).text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const url = `${server.baseUrl}${script}`;
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    const body = Buffer.from(await plain.arrayBuffer());
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(url, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      // fetch decodes: the same bytes as the plain file
      expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    }
    // index.html is revalidated (a new build takes effect at once)
    const index = await fetch(`${server.baseUrl}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });
});
