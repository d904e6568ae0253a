/**
 * GET /docs in a real headless browser (the Chromium of the @sparticuz/chromium devDependency, or a system one: see
 * test/helpers/browser.ts, through playwright-core): Swagger UI, served from the
 * swagger-ui-dist package with no CDN, lists every tool of the server.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { request, startAdapter, stdio, type Running } from './serve-helpers.js';

let run: Running;
let publicRun: Running;
let context: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  run = await startAdapter(stdio('fixtures/servers/demo.mjs'));
  publicRun = await startAdapter(stdio('fixtures/servers/demo.mjs'), { specOptions: { profile: 'generic', serverUrl: PUBLIC } });
  ({ context, close: closeBrowser } = await launchBrowser());
}, 240_000);

afterAll(async () => {
  await closeBrowser?.();
  await run?.close();
  await publicRun?.close();
});

const PUBLIC = 'https://mcp-actions-public.example.com';

/** The "Servers" list of the Swagger UI page. */
async function serverChoices(page: Page): Promise<string[]> {
  await page.waitForSelector('.servers select', { timeout: 20_000 });
  return page.locator('.servers select option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
}

describe('/docs', () => {
  it('serves the page and its assets locally, with a strict CSP', async () => {
    const page = await request(`${run.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/https?:\/\//);
    const bundle = await request(`${run.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    expect((await request(`${run.url}/docs/package.json`)).status).toBe(404);
  });

  it('lists every tool in a real browser, loading nothing from elsewhere', async () => {
    const page = await context!.newPage();
    const origins = new Set<string>();
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) origins.add(new URL(r.url()).origin);
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${run.url}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    const tools = run.upstream.catalog.tools.map((t) => `/tools/${t.name}`);
    expect(tools.length).toBe(5);
    expect(paths.map((p) => p.replace(/\u200b/g, '').trim()).sort()).toEqual(tools.sort());
    const title = await page.locator('.info .title').innerText();
    expect(title).toContain('Demo notes & weather');
    expect([...origins]).toEqual([run.url]);
    expect(errors).toEqual([]);
    expect(await serverChoices(page)).toEqual([run.url]); // the spec's server is this address: listed once
    await page.close();
  });

  it('with --public-url, "Try it out" offers the local address first and calls it; the public URL comes second', async () => {
    const page = await context!.newPage();
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') calls.push(r.url());
    });
    await page.goto(`${publicRun.url}/docs`);
    expect(await serverChoices(page)).toEqual([publicRun.url, PUBLIC]);
    const op = page.locator('.opblock-post', { has: page.locator('.opblock-summary-path', { hasText: 'get_forecast' }) });
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('textarea.body-param__text').fill('{"city": "Lisbon"}');
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 20_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(calls).toEqual([`${publicRun.url}/tools/get_forecast`]);
    await page.close();
  });
});
