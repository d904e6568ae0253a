/**
 * The browser tests need nothing beyond `npm ci` (issue 17): with no Chromium on PATH, the browser helper finds
 * the one the @sparticuz/chromium devDependency ships, and it starts with only glibc from the system.
 */
import { spawnSync } from 'node:child_process';
import { arch, platform } from 'node:os';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium, launchBrowser } from './browser.js';

const linuxX64 = platform() === 'linux' && arch() === 'x64';
const savedPath = process.env.PATH;
const savedOverride = process.env.MCP_ACTIONS_CHROMIUM;

/** PATH with node on it and nothing else: no chromium, chrome or google-chrome. */
function withoutSystemBrowser(): void {
  process.env.PATH = dirname(process.execPath);
  delete process.env.MCP_ACTIONS_CHROMIUM;
}

afterEach(() => {
  process.env.PATH = savedPath;
  if (savedOverride === undefined) delete process.env.MCP_ACTIONS_CHROMIUM;
  else process.env.MCP_ACTIONS_CHROMIUM = savedOverride;
});

describe('the browser for the tests', () => {
  it('with no Chromium on PATH, is the one from the npm package (Linux x64), or the error says what to install', async () => {
    withoutSystemBrowser();
    if (!linuxX64) {
      expect(() => findChromium()).toThrow(/ships one for Linux x64 only .*install Chrome or Chromium on PATH, or set MCP_ACTIONS_CHROMIUM/);
      return;
    }
    const found = findChromium();
    expect(found.source).toBe('package');
    expect(found.executablePath).toMatch(/node_modules\/\.cache\/mcp-actions\/chromium-143\.[\d.]+\/chromium$/);
    // it needs no library from the system beyond glibc and libgcc_s (which node needs too)
    const ldd = spawnSync('/usr/bin/ldd', [found.executablePath], { env: { ...process.env, ...found.env }, encoding: 'utf8' });
    expect(ldd.status, ldd.error?.message ?? ldd.stderr).toBe(0);
    const libs = ldd.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    expect(libs.filter((l) => l.includes('not found'))).toEqual([]);
    const base = new Set(['linux-vdso.so.1', 'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libgcc_s.so.1']);
    const fromSystem = libs.filter((l) => !l.includes('ld-linux') && !base.has(l.split(' ')[0]!) && !l.includes(`${dirname(found.executablePath)}/`));
    expect(fromSystem).toEqual([]);
    expect(libs.some((l) => l.startsWith('libnss3.so => ') && l.includes(dirname(found.executablePath)))).toBe(true);
    const { context, close } = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.setContent('<main><h1>no system chromium</h1></main>');
      expect(await page.locator('h1').innerText()).toBe('no system chromium');
    } finally {
      await close();
    }
  }, 240_000);

  it('MCP_ACTIONS_CHROMIUM overrides it, and a wrong path is named', () => {
    process.env.MCP_ACTIONS_CHROMIUM = '/nonexistent/chrome';
    expect(() => findChromium()).toThrow('MCP_ACTIONS_CHROMIUM=/nonexistent/chrome is not an executable file');
    process.env.MCP_ACTIONS_CHROMIUM = process.execPath;
    expect(findChromium()).toEqual({ source: 'env', executablePath: process.execPath, env: {} });
  });
});
