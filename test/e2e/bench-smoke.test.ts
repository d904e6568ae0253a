/**
 * Smoke test of `npm run bench` (the benchmark itself is not part of the suite): the harness starts the direct
 * and reference scenarios in --quick mode, prints the scenario and target tables, writes its results file and
 * leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const tag = `bench-smoke-${process.pid}-${Date.now()}`;

interface PhaseResult {
  calls: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  frontCpuUs: number;
}
interface Results {
  settings: { quick: boolean; scenarios: string[] };
  scenarios: Record<string, { sequential: PhaseResult; concurrent: PhaseResult }>;
  checks: { name: string; status: string }[];
  processes: { pid: number; start: string }[];
}

function startTime(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** PIDs of live processes whose environment carries the tag (fronts inherit the bench's environment). */
function taggedProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(tag)) found.push(Number(entry));
    } catch {
      // not ours or gone
    }
  }
  return found;
}

describe('npm run bench --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-bench-smoke-'));
  const out = join(dir, 'results.json');
  let run: { code: number | null; stdout: string; stderr: string; ms: number };

  beforeAll(async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick', '--check', '--out', out], {
      cwd: root,
      env: { ...process.env, MCP_ACTIONS_BENCH_TAG: tag },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    const code = await new Promise<number | null>((done) => child.once('close', done));
    clearTimeout(timer);
    run = { code, stdout, stderr, ms: Date.now() - started };
  }, 90_000);

  afterAll(() => {
    for (const pid of taggedProcesses()) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within its time budget', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // A guard against --quick turning into the full bench (minutes), not a speed claim: the bound leaves room
    // for a loaded 2-core machine (it took 20.4 s with other suites running beside it).
    expect(run.ms).toBeLessThan(75_000);
  });

  it('prints the scenario table and the target table', () => {
    expect(run.stdout).toMatch(/^scenario\s+seq\/s\s+p50 ms/m);
    expect(run.stdout).toMatch(/^direct\s+[\d,]+\s+\d+\.\d{3}/m);
    expect(run.stdout).toMatch(/^reference\s+[\d,]+\s+\d+\.\d{3}/m);
    expect(run.stdout).toMatch(/^adapter \/ reference, calls\/s at 32 callers\s.*SKIP/m);
    expect(run.stdout).toMatch(/^\d+ PASS · \d+ FAIL · \d+ SKIP$/m);
  });

  it('writes results with real calls and no errors for both scenarios', () => {
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.settings).toMatchObject({ quick: true, scenarios: ['direct', 'reference'] });
    for (const name of ['direct', 'reference']) {
      const scenario = results.scenarios[name];
      expect(scenario, name).toBeDefined();
      for (const phase of [scenario!.sequential, scenario!.concurrent]) {
        expect(phase.calls).toBeGreaterThan(10);
        expect(phase.errors).toBe(0);
        expect(phase.p50Ms).toBeGreaterThan(0);
        expect(phase.frontCpuUs).toBeGreaterThan(0);
      }
    }
  });

  it('leaves no process behind', () => {
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    // the direct stdio child, the reference front and the reference's stdio child
    expect(results.processes.length).toBeGreaterThanOrEqual(3);
    const alive = results.processes.filter((p) => startTime(p.pid) === p.start);
    expect(alive).toEqual([]);
    expect(taggedProcesses()).toEqual([]);
  });
});
