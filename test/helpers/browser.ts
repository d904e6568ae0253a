/**
 * A headless Chromium for the browser tests, with nothing to install beyond `npm ci`:
 * - on Linux x64, the Chromium that the @sparticuz/chromium devDependency ships inside its npm package (a brotli
 *   file, with the few libraries it needs besides glibc: nss, nspr, expat), inflated once into
 *   node_modules/.cache/mcp-actions/chromium-VERSION;
 * - elsewhere (macOS, arm64: the package ships no binary for them), a system Chrome or Chromium on PATH;
 * - MCP_ACTIONS_CHROMIUM=/path/to/chrome overrides both.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ROOT } from './cli.js';

export interface Browser {
  /** Where it came from: 'package' (@sparticuz/chromium), 'system' (PATH) or 'env' (MCP_ACTIONS_CHROMIUM). */
  source: 'package' | 'system' | 'env';
  executablePath: string;
  /** Extra environment the binary needs (the packaged libraries and fonts). */
  env: Record<string, string>;
}

const PACKAGE = join(ROOT, 'node_modules/@sparticuz/chromium');
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The packaged Chromium, inflated into the cache on first use (atomically: concurrent test files may race). */
function packagedChromium(): Browser | undefined {
  if (platform() !== 'linux' || arch() !== 'x64' || !existsSync(join(PACKAGE, 'bin/chromium.br'))) return undefined;
  const { version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
  const cache = join(ROOT, 'node_modules/.cache/mcp-actions');
  const dir = join(cache, `chromium-${version}`);
  const ready = () => ['chromium', 'al2023/lib/libnss3.so', 'fontconfig/fonts.conf'].every((f) => existsSync(join(dir, f)));
  if (!ready()) {
    mkdirSync(cache, { recursive: true });
    const staging = mkdtempSync(join(cache, `chromium-${version}.partial-`));
    // The package inflates into os.tmpdir(), and inflates its libraries only where it believes it runs on
    // Amazon Linux 2023 (AWS Lambda): the child points TMPDIR at the staging folder and says so, because
    // those libraries are what let the binary start on a machine that has no Chromium of its own.
    const inflate = spawnSync(process.execPath, ['--input-type=module', '-e', "const { default: c } = await import('@sparticuz/chromium'); process.stdout.write(await c.executablePath());"], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: staging, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (inflate.status !== 0 || inflate.stdout !== join(staging, 'chromium')) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`could not inflate @sparticuz/chromium ${version} into ${staging}: ${inflate.stderr || inflate.error?.message || inflate.stdout}`);
    }
    // The package's fonts.conf looks in /tmp/fonts (Lambda's layout); without fonts a page lays out no text.
    mkdirSync(join(staging, 'fontconfig'));
    writeFileSync(
      join(staging, 'fontconfig/fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts/fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!ready()) throw error; // another test file won the race; anything else is a real failure
    }
  }
  return {
    source: 'package',
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: [join(dir, 'al2023/lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter), FONTCONFIG_PATH: join(dir, 'fontconfig') },
  };
}

function systemChromium(path = process.env.PATH ?? ''): Browser | undefined {
  for (const d of path.split(delimiter).filter(Boolean)) {
    for (const name of SYSTEM_NAMES) if (isExecutable(join(d, name))) return { source: 'system', executablePath: join(d, name), env: {} };
  }
  return undefined;
}

/** The browser the tests use; throws, saying what to do, when there is none. */
export function findChromium(): Browser {
  const fromEnv = process.env.MCP_ACTIONS_CHROMIUM;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`MCP_ACTIONS_CHROMIUM=${fromEnv} is not an executable file`);
    return { source: 'env', executablePath: fromEnv, env: {} };
  }
  const found = packagedChromium() ?? systemChromium();
  if (!found) {
    throw new Error(
      `no Chromium for the browser tests: @sparticuz/chromium ships one for Linux x64 only (this is ${platform()} ${arch()}); ` +
        `install Chrome or Chromium on PATH, or set MCP_ACTIONS_CHROMIUM to its path`,
    );
  }
  return found;
}

/** A headless browser context with a throw-away profile; `close()` removes both. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext; close: () => Promise<void> }> {
  const browser = findChromium();
  const profile = await mkdtemp(join(tmpdir(), 'mcp-actions-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: browser.executablePath,
      headless: true,
      env: { ...process.env, ...browser.env },
      args: ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return {
      browser,
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`could not start ${browser.source} Chromium at ${browser.executablePath}: ${(error as Error).message}`, { cause: error });
  }
}
