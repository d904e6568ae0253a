/**
 * GET /docs in a real headless browser (the Chromium of the @sparticuz/chromium devDependency, or a system one: see
 * test/helpers/browser.ts, through playwright-core): Swagger UI, served from the
 * swagger-ui-dist package with no CDN, lists every tool of the server.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { request, startAdapter, stdio, type Running } from './serve-helpers.js';

let run: Running;
let context: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  run = await startAdapter(stdio('fixtures/servers/demo.mjs'));
  ({ context, close: closeBrowser } = await launchBrowser());
}, 240_000);

afterAll(async () => {
  await closeBrowser?.();
  await run?.close();
});

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
    await page.close();
  });
});
