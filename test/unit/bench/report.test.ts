/**
 * The target table of `npm run bench` (bench/lib/report.mjs): the issue 13 ratios come from the figures of one
 * run, a busy machine is named next to the calls/s ratios (never changing PASS/FAIL), and the rows that show
 * what bounds the MCP face (REST face, direct, CPU per call) are computed from the same figures.
 */
import { describe, expect, it } from 'vitest';
import { computeChecks, formatChecks, formatScenarios, type PhaseFigures, type Scenario } from '../../../bench/lib/report.mjs';

function scenario(perSecond: number, frontCpuUs: number, childCpuUs: number, otherCpus = 0, p50Ms = 0.5): Scenario {
  const phase: PhaseFigures = { calls: 1000, errors: 0, perSecond, p50Ms, p99Ms: 2, frontCpuUs, childCpuUs, clientCpuUs: 50, otherCpus };
  return { sequential: { ...phase }, concurrent: { ...phase }, peakRssMb: 60 };
}

const gen = { buildSpec: { skipped: 'test' }, coldStart: { skipped: 'test' }, validate30: { skipped: 'test' }, generateOpenapi: { skipped: 'test' } };

function run(others: { mcp?: number; peer?: number } = {}) {
  return computeChecks(
    {
      direct: scenario(6000, 40, 50, 0, 0.2),
      adapter: scenario(3000, 100, 60, 0, 0.6),
      'adapter-mcp': scenario(2500, 90, 60, others.mcp ?? 0, 0.7),
      supergateway: scenario(500, 600, 150, others.peer ?? 0),
      'mcp-proxy': scenario(600, 700, 140, 0),
    },
    gen,
    { cpus: 2 },
  );
}
const find = (checks: ReturnType<typeof run>, prefix: string) => checks.find((c) => c.name.startsWith(prefix))!;

describe('bench report: issue 13 checks', () => {
  it('compares the MCP face with the faster peer (calls/s), the REST face (CPU) and direct (p50)', () => {
    const checks = run();
    expect(find(checks, 'MCP face / faster peer')).toMatchObject({ value: 2500 / 600, status: 'PASS' });
    expect(find(checks, 'MCP face / REST face, front CPU')).toMatchObject({ value: 0.9, status: 'PASS' });
    expect(find(checks, 'MCP face p50 − direct p50').value).toBeCloseTo(0.5, 10);
    expect(find(checks, 'MCP face / faster peer').note).toBeUndefined();
  });

  it('shows what bounds the MCP face: the REST face, the stdio server alone, CPU per call against the cheaper peer', () => {
    const checks = run();
    expect(find(checks, 'MCP face / REST face, calls/s')).toMatchObject({ value: 2500 / 3000, status: 'INFO' });
    expect(find(checks, 'MCP face / direct')).toMatchObject({ value: 2500 / 6000, status: 'INFO' });
    // the cheaper peer is supergateway (600 µs front CPU), not mcp-proxy (the faster one in calls/s)
    expect(find(checks, 'cheaper peer front CPU per call')).toMatchObject({ value: 600 / 90, status: 'INFO' });
    expect(find(checks, 'cheaper peer / MCP face, CPU per call of front')).toMatchObject({ value: 750 / 150, status: 'INFO' });
    // mcp-proxy (the faster peer) costs 700 + 140 + 50 µs per call; the MCP face's stdio server and client 60 + 50
    expect(find(checks, 'ceiling of MCP face / faster peer')).toMatchObject({ value: 890 / 110, status: 'INFO' });
  });

  it('names a busy machine next to the calls/s ratio, and keeps the verdict the numbers give', () => {
    const busy = run({ peer: 1.6 });
    expect(find(busy, 'MCP face / faster peer').status).toBe('PASS');
    expect(find(busy, 'MCP face / faster peer').note).toBeUndefined(); // the busy peer is not the faster one
    const busyMcp = run({ mcp: 1.2 });
    expect(find(busyMcp, 'MCP face / faster peer')).toMatchObject({ status: 'PASS', note: 'machine busy: other processes used 1.2 / 0.0 of 2 CPUs' });
    expect(find(run({ mcp: 0.4 }), 'MCP face / faster peer').note).toBeUndefined(); // under a quarter of the CPUs
    expect(formatChecks(busyMcp)).toContain('PASS (machine busy: other processes used 1.2 / 0.0 of 2 CPUs)');
  });

  it('prints the other CPUs of each scenario in the table', () => {
    const table = formatScenarios({ 'adapter-mcp': scenario(2500, 90, 60, 1.25) });
    expect(table.split('\n')[0]).toContain('other CPUs');
    expect(table.split('\n')[1]).toMatch(/\s1\.3\s+0$/);
  });
});
