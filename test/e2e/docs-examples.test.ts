/**
 * Every shell example in README.md and docs/*.md runs, as written, in a scratch folder that looks like a user's
 * project: `mcp-actions` on PATH (the built CLI), `fixtures/` and `node_modules/` of this repository, `server.js`
 * (the demo server), `openapi.yaml` and `base/openapi.yaml` (the demo's golden spec), and the config files the
 * docs show (```jsonc blocks starting with `// NAME`). Each command must exit 0 (or the code its block's
 * `<!-- example: exits N -->` marker says), and the output a transcript shows must be in what it printed.
 * The only liberties taken, so that no example needs the internet:
 * - a target URL (`--url URL`, `inspect URL`, `"url"` in a config file) ending in /mcp or /sse reaches a local
 *   stand-in instead: mcp-proxy in front of the demo server, which serves both;
 * - `serve … &` listens on a free port instead of 8080, and the commands after it call that port;
 * - `npx -y PKG …` runs PKG's bin from node_modules, which is what npx does for an installed package, without
 *   npm's two seconds of start-up (on a busy machine they ate the 30 s connect timeout): the packages the
 *   examples name must be devDependencies.
 * A block that cannot run here (a tunnel to the internet, a paid API, npm itself) says why in a
 * `<!-- example: not run: REASON -->` marker; the runner refuses a marker without a reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, ROOT, freePort, newMark, startProcess, waitForPort, type ServerProcess } from '../helpers/cli.js';
import { readDocFiles, readExamples, type DocExample } from '../helpers/doc-examples.js';
import { MARK_VAR, leftoverProcesses } from '../helpers/processes.js';

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');
const EXAMPLES = PAGES.flatMap((page) => readExamples(page, text(page)));
const FILES = PAGES.flatMap((page) => readDocFiles(page, text(page)));

const mark = newMark();
const scratch: string[] = [];
let standIn: ServerProcess | undefined;
let standInOrigin = '';

beforeAll(async () => {
  const port = await freePort();
  standIn = startProcess([join(ROOT, 'node_modules/.bin/mcp-proxy'), '--port', String(port), '--host', '127.0.0.1', '--', process.execPath, join(FIXTURES, 'demo.mjs')], { mark });
  await waitForPort(port, { proc: standIn });
  standInOrigin = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  await standIn?.stop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  expect(await leftoverProcesses([mark])).toEqual([]);
});

/** Points a target URL that ends in /mcp or /sse at the local stand-in. */
function toStandIn(s: string): string {
  return s
    .replace(/(--url[ =]|\binspect )https?:\/\/[^\s"'/]+(\/(?:mcp|sse))(?=[\s"']|$)/g, (_m, pre: string, path: string) => `${pre}${standInOrigin}${path}`)
    .replace(/("url":\s*")https?:\/\/[^"/]+(\/(?:mcp|sse))"/g, (_m, pre: string, path: string) => `${pre}${standInOrigin}${path}"`);
}

/** A stand-in for curl on machines without it: -s, -X, -H, -d and the URL, enough for the docs. */
const CURL = `#!/usr/bin/env node
const a = process.argv.slice(2); const headers = {}; let method, body, url;
for (let i = 0; i < a.length; i++) {
  if (a[i] === '-s') continue;
  else if (a[i] === '-X') method = a[++i];
  else if (a[i] === '-H') { const h = a[++i]; headers[h.slice(0, h.indexOf(':'))] = h.slice(h.indexOf(':') + 1).trim(); }
  else if (a[i] === '-d') body = a[++i];
  else url = a[i];
}
const res = await fetch(url, { method: method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
process.stdout.write(await res.text());
`;

/** `npx [-y] PKG ARGS…` for an installed PKG: its bin, run by node, signals passed on. */
const NPX = `#!/usr/bin/env node
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const args = process.argv.slice(2).filter((a) => a !== '-y' && a !== '--yes');
const [pkg, ...rest] = args;
const dir = join(process.cwd(), 'node_modules', pkg);
let bin;
try {
  ({ bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
} catch {
  process.stderr.write('docs-examples: the example runs npx ' + pkg + ', which is not installed here: add it to devDependencies, or mark the block <!-- example: not run: REASON -->\\n');
  process.exit(127);
}
const file = typeof bin === 'string' ? bin : bin[pkg.split('/').pop()] ?? Object.values(bin)[0];
const child = spawn(process.execPath, [join(dir, file), ...rest], { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
`;

function makeScratch(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-docs-'));
  scratch.push(dir);
  for (const name of ['fixtures', 'examples', 'node_modules']) symlinkSync(join(ROOT, name), join(dir, name));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-examples', private: true, type: 'module' }));
  copyFileSync(join(FIXTURES, 'demo.mjs'), join(dir, 'server.js'));
  mkdirSync(join(dir, 'base'));
  // the demo's spec as `generate openapi --server-url https://notes.example.com` writes it, the URL the docs use
  const spec = readFileSync(join(ROOT, 'fixtures/golden/demo.yaml'), 'utf8').replaceAll('https://api.example.com', 'https://notes.example.com');
  for (const name of ['openapi.yaml', 'base/openapi.yaml']) writeFileSync(join(dir, name), spec);
  for (const file of FILES) {
    mkdirSync(dirname(join(dir, file.name)), { recursive: true });
    writeFileSync(join(dir, file.name), toStandIn(file.content));
  }
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'mcp-actions'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  writeFileSync(join(bin, 'npx'), NPX);
  writeFileSync(join(bin, 'package.json'), '{"type": "commonjs"}'); // the scratch folder's package.json says module
  for (const name of ['mcp-actions', 'npx']) chmodSync(join(bin, name), 0o755);
  const hasCurl = (process.env.PATH ?? '').split(':').some((p) => {
    try {
      return readdirSync(p).includes('curl');
    } catch {
      return false;
    }
  });
  if (!hasCurl) {
    writeFileSync(join(bin, 'curl'), CURL);
    chmodSync(join(bin, 'curl'), 0o755);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: dir,
    NO_COLOR: '1',
    TOKEN: 'docs-example-token',
    API_KEY: 'docs-example-key',
    MCP_ACTIONS_API_KEY: 'docs-example-secret',
    [MARK_VAR]: mark,
  };
  return { dir, env };
}

interface Ran {
  code: number | null;
  out: string;
}

function runShell(command: string, dir: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, out });
    });
  });
}

/** Starts `command &`; resolves with the URL it prints once it listens. */
async function startBackground(command: string, dir: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 90 s: ${out}`)), 90_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      const m = /https?:\/\/\S+/.exec(s);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${out}`));
    });
  });
  return { child, url };
}

async function stopBackground(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

/** Runs one example's commands in order; returns what went wrong, if anything. */
async function runExample(example: DocExample, dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const background: ChildProcess[] = [];
  let served: string | undefined;
  try {
    for (const { command, output } of example.commands) {
      let line = toStandIn(command);
      if (served) line = line.replace(/http:\/\/127\.0\.0\.1:(?:8080|<port>)/g, served);
      const where = `${example.file}:${example.line}: ${command}`;
      const bg = /^(.*?)\s&\s*(?:#.*)?$/.exec(line);
      if (bg) {
        try {
          const started = await startBackground(bg[1]!.replace(/--port 8080\b/, '--port 0'), dir, env);
          background.push(started.child);
          served = started.url;
        } catch (error) {
          problems.push(`${where}\n  ${(error as Error).message}`);
        }
        continue;
      }
      const ran = await runShell(line, dir, env);
      if (ran.code !== example.exitCode) {
        problems.push(`${where}\n  exited ${ran.code}, the docs expect ${example.exitCode}:\n${ran.out.trim().replace(/^/gm, '    ')}`);
        continue;
      }
      const printed = new Set(ran.out.split('\n').map((l) => l.trimEnd()));
      for (const expected of output) {
        if (expected.includes('…')) continue; // an elided line
        if (!printed.has(expected.trimEnd())) problems.push(`${where}\n  the docs show "${expected}", which it did not print:\n${ran.out.trim().replace(/^/gm, '    ')}`);
      }
    }
  } finally {
    await Promise.all(background.map(stopBackground));
  }
  return problems;
}

describe('the docs examples', () => {
  it('are found: shell blocks in README.md and docs/, each run or marked with why not', () => {
    const run = EXAMPLES.filter((e) => e.notRun === undefined);
    expect(run.length).toBeGreaterThan(20);
    expect(run.flatMap((e) => e.commands).length).toBeGreaterThan(40);
    expect(EXAMPLES.filter((e) => e.file === 'README.md' && e.notRun === undefined).length).toBeGreaterThan(5);
    for (const e of EXAMPLES) expect(e.commands.length, `${e.file}:${e.line} has no command`).toBeGreaterThan(0);
  });

  describe.concurrent('every shell example runs', () => {
    for (const page of PAGES.filter((p) => EXAMPLES.some((e) => e.file === p && e.notRun === undefined))) it(page, async () => {
      const { dir, env } = makeScratch();
      const problems: string[] = [];
      for (const example of EXAMPLES.filter((e) => e.file === page && e.notRun === undefined)) {
        problems.push(...(await runExample(example, dir, env)));
      }
      expect(problems.join('\n\n')).toBe('');
    }, 600_000);
  });
});
