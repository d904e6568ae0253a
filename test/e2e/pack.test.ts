/**
 * The package as npm hands it to a user (issue 17): `npm pack` on a fresh checkout (no dist/) builds first
 * (`prepare`), and the tarball, installed with `npm install -g` (as docs/ci.md shows) into an empty folder, runs
 * `generate openapi` on the bundled demo server. The checkout is a copy of the tracked files, so packing never
 * rebuilds the dist/ that the other e2e tests are running.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mcp-actions-pack-'));
const checkout = join(work, 'checkout');
const prefix = join(work, 'global');
const user = join(work, 'user');
let packed: { filename: string; size: number; files: { path: string }[] };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** npm as the user runs it, with npm's own cache (warm after `npm ci`) and nothing of this project's config. */
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd, { npm_config_prefix: prefix });

beforeAll(async () => {
  // a fresh clone: the tracked files (less the tests), no dist/; node_modules as `npm ci` left it
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && !f.startsWith('test/'));
  for (const file of tracked) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(checkout, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  const pack = await npm(['pack', '--json', '--pack-destination', work], checkout);
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[\n'))) as (typeof packed)[])[0]!;
  mkdirSync(user);
  const install = await npm(['install', '-g', join(work, packed.filename)], user);
  expect(install.code, install.stderr).toBe(0);
}, 480_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('builds first and ships dist/, the LICENSE, the templates and the demo server; no tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/validate/openapi-31-validator.js', 'fixtures/servers/demo.mjs']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('templates/'))).toBe(true);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
    expect(packed.size).toBeGreaterThan(100_000); // the 28 kB tarball of issue 17 had no dist/
    expect(readFileSync(join(checkout, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('ships no source map that points at a file not in the package', () => {
    const pkg = join(prefix, 'lib/node_modules/mcp-actions');
    // the package's own files: not its dependencies (npm installs them under it with -g)
    const walk = (dir: string): string[] =>
      readdirSync(dir)
        .filter((n) => n !== 'node_modules')
        .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    const all = walk(pkg);
    const missing: string[] = [];
    let maps = 0;
    for (const file of all.filter((f) => f.endsWith('.js'))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, 'utf8'))?.[1];
      if (url && !url.startsWith('data:') && !existsSync(resolve(dirname(file), url))) missing.push(`${relative(pkg, file)} → ${url}`);
    }
    for (const map of all.filter((f) => f.endsWith('.map'))) {
      maps++;
      const { sources, sourceRoot } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const s of sources) if (!existsSync(resolve(dirname(map), sourceRoot ?? '', s))) missing.push(`${relative(pkg, map)} → ${s}`);
    }
    expect(maps).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('installed in an empty folder, runs generate openapi on the bundled demo server', async () => {
    const demo = join(prefix, 'lib/node_modules/mcp-actions/fixtures/servers/demo.mjs');
    const r = await run(join(prefix, 'bin/mcp-actions'), ['generate', 'openapi', '--server-url', 'https://api.example.com', '--', process.execPath, demo], user);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'fixtures/golden/demo.yaml'), 'utf8'));
    const version = await run(join(prefix, 'bin/mcp-actions'), ['--version'], user);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
