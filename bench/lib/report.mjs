/**
 * Turns measurements into the printed table and the target checks (ratios within one run, PASS/FAIL/SKIP).
 */

/** @typedef {{ name: string, value?: number, unit: string, op: '>=' | '<=' | 'info', limit?: number, status: 'PASS'|'FAIL'|'SKIP'|'INFO', note?: string }} Check */

const fmt = (value, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The first line of text, cut to max characters. */
const oneLine = (text, max) => {
  const line = String(text).split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '))
    .join('\n');
}

/**
 * The bench's exit code once it ran: 1 when a process it started is still alive, or, with --check, when a
 * target FAILs; else 0 (a run that could not measure exits 2, decided by the caller).
 * @param {{ checks: Check[], leftover: number, check: boolean }} outcome
 * @returns {0 | 1}
 */
export function exitCodeOf({ checks, leftover, check }) {
  if (leftover > 0) return 1;
  return check && checks.some((c) => c.status === 'FAIL') ? 1 : 0;
}

/** The per-scenario table. */
export function formatScenarios(scenarios) {
  const rows = [
    ['scenario', 'seq/s', 'p50 ms', 'p99 ms', '32×/s', 'p50@32', 'p99@32', 'front µs/call', 'child µs/call', 'client µs/call', 'peak RSS MB', 'other CPUs', 'errors'],
  ];
  const notes = [];
  for (const [name, s] of Object.entries(scenarios)) {
    if (s.skipped || s.error) {
      rows.push([name, ...Array(12).fill('–')]);
      notes.push(`${name}: ${s.skipped ? `skipped, ${s.skipped}` : `failed, ${oneLine(s.error, 200)}`}`);
      continue;
    }
    rows.push([
      name,
      fmt(s.sequential.perSecond),
      fmt(s.sequential.p50Ms, 3),
      fmt(s.sequential.p99Ms, 3),
      fmt(s.concurrent.perSecond),
      fmt(s.concurrent.p50Ms, 2),
      fmt(s.concurrent.p99Ms, 2),
      fmt(s.concurrent.frontCpuUs),
      fmt(s.concurrent.childCpuUs),
      name === 'direct' ? '(front)' : fmt(s.concurrent.clientCpuUs),
      s.peakRssMb === undefined ? '–' : fmt(s.peakRssMb, 1),
      fmt(s.concurrent.otherCpus, 1),
      String(s.sequential.errors + s.concurrent.errors),
    ]);
    const firstError = s.sequential.firstError ?? s.concurrent.firstError;
    if (firstError) notes.push(`${name}: first error: ${oneLine(firstError, 200)}`);
  }
  return [pad(rows), ...notes].join('\n');
}

const ok = (s) => s && !s.skipped && !s.error;

/**
 * Other processes kept at least this share of the machine's CPUs busy while a calls/s figure was measured: the
 * fronts then compete for CPU time with them, and calls/s ratios depend on how busy the machine was (a front that
 * needs more CPU per call loses more), so the note names it next to those checks; CPU per call moves far less.
 */
export const BUSY_SHARE = 0.25;

/** "machine busy: …" when the calls/s of a or b were measured while other processes used many CPUs. */
function busyNote(a, b, cpus) {
  const others = [a, b].map((s) => s?.concurrent?.otherCpus).filter((v) => typeof v === 'number' && !Number.isNaN(v));
  if (!cpus || others.length === 0 || Math.max(...others) < BUSY_SHARE * cpus) return undefined;
  return `machine busy: other processes used ${others.map((v) => fmt(v, 1)).join(' / ')} of ${cpus} CPUs`;
}

/**
 * Every target from issues 8 and 13, computed from one run, then rows for information.
 * @param {{ cpus?: number }} [machine] the CPU count, to tell when the machine was busy
 * @returns {Check[]}
 */
export function computeChecks(scenarios, gen, machine = {}) {
  const { adapter, reference, direct } = scenarios;
  const peers = ['supergateway', 'mcp-proxy'].map((n) => scenarios[n]).filter(ok);
  const fasterPeer = [...peers].sort((a, b) => b.concurrent.perSecond - a.concurrent.perSecond)[0];
  const cheaperPeer = [...peers].sort((a, b) => a.concurrent.frontCpuUs - b.concurrent.frontCpuUs)[0];
  /** What one call costs the machine, the load generator left out (the same one drives every front). */
  const machineCpu = (s) => s.concurrent.frontCpuUs + s.concurrent.childCpuUs;
  /** Everything one call costs on this machine, the load generator included. */
  const wholeCpu = (s) => s.concurrent.frontCpuUs + s.concurrent.childCpuUs + s.concurrent.clientCpuUs;
  const adapterMissing = !ok(adapter) ? (adapter?.skipped ?? adapter?.error?.split('\n')[0] ?? 'not run') : undefined;
  /** @returns {Check} */
  const check = (name, unit, op, limit, value, missing) => {
    if (missing !== undefined || value === undefined || Number.isNaN(value)) {
      return { name, unit, op, limit, status: 'SKIP', note: missing ?? 'not measured' };
    }
    const pass = op === '>=' ? value >= limit : value <= limit;
    return { name, unit, op, limit, value, status: pass ? 'PASS' : 'FAIL' };
  };
  const need = (...parts) => parts.find((p) => !ok(p.s))?.why;
  const errorFree = ok(adapter) && adapter.sequential.errors + adapter.concurrent.errors > 0 ? 'the adapter answered errors' : undefined;
  const mcp = scenarios['adapter-mcp'];
  const mcpMissing = !ok(mcp) ? (mcp?.skipped ?? mcp?.error?.split('\n')[0] ?? 'not run') : undefined;
  const mcpErrors = ok(mcp) && mcp.sequential.errors + mcp.concurrent.errors > 0 ? 'the MCP face answered errors' : undefined;
  const httpAdapter = scenarios['adapter-http'];
  const httpDirect = scenarios['http-direct'];
  const httpMissing = !ok(httpAdapter) ? (httpAdapter?.skipped ?? httpAdapter?.error?.split('\n')[0] ?? 'not run') : undefined;
  const httpErrors = ok(httpAdapter) && httpAdapter.sequential.errors + httpAdapter.concurrent.errors > 0 ? 'adapter-http answered errors' : undefined;
  const checks = [
    check('adapter / reference, calls/s at 32 callers', '×', '>=', 0.6,
      ok(adapter) && ok(reference) ? adapter.concurrent.perSecond / reference.concurrent.perSecond : undefined,
      adapterMissing ?? errorFree ?? need({ s: reference, why: 'reference did not run' })),
    check('adapter / faster peer, calls/s at 32 callers', '×', '>=', 4,
      ok(adapter) && fasterPeer ? adapter.concurrent.perSecond / fasterPeer.concurrent.perSecond : undefined,
      adapterMissing ?? errorFree ?? (fasterPeer ? undefined : 'no peer ran')),
    check('adapter / reference, front CPU per call', '×', '<=', 2.5,
      ok(adapter) && ok(reference) ? adapter.concurrent.frontCpuUs / reference.concurrent.frontCpuUs : undefined,
      adapterMissing ?? need({ s: reference, why: 'reference did not run' })),
    check('adapter p50 − direct p50, sequential', 'ms', '<=', 0.5,
      ok(adapter) && ok(direct) ? adapter.sequential.p50Ms - direct.sequential.p50Ms : undefined,
      adapterMissing ?? need({ s: direct, why: 'direct did not run' })),
    check('adapter peak RSS under the 32-caller load', 'MB', '<=', 80, ok(adapter) ? adapter.peakRssMb : undefined, adapterMissing),
    // The MCP face (issue 13): driven as the peers are, it must beat them by as much as the REST face does.
    check('MCP face / faster peer, calls/s at 32 callers', '×', '>=', 4,
      ok(mcp) && fasterPeer ? mcp.concurrent.perSecond / fasterPeer.concurrent.perSecond : undefined,
      mcpMissing ?? mcpErrors ?? (fasterPeer ? undefined : 'no peer ran')),
    check('MCP face / REST face, front CPU per call', '×', '<=', 2,
      ok(mcp) && ok(adapter) ? mcp.concurrent.frontCpuUs / adapter.concurrent.frontCpuUs : undefined,
      mcpMissing ?? adapterMissing),
    check('MCP face p50 − direct p50, sequential', 'ms', '<=', 0.6,
      ok(mcp) && ok(direct) ? mcp.sequential.p50Ms - direct.sequential.p50Ms : undefined,
      mcpMissing ?? need({ s: direct, why: 'direct did not run' })),
    // Issue 16: what counting the rate limit in Redis adds to each call, on the adapter's own CPU.
    check('rate limit in Redis − in memory, front CPU per call', 'µs', '<=', 100,
      ok(scenarios['rate-limit']) && ok(scenarios['rate-limit-redis']) ? scenarios['rate-limit-redis'].concurrent.frontCpuUs - scenarios['rate-limit'].concurrent.frontCpuUs : undefined,
      need({ s: scenarios['rate-limit'], why: 'rate-limit did not run' }, { s: scenarios['rate-limit-redis'], why: 'rate-limit-redis did not run' }) ?? errorsOf(scenarios, 'rate-limit-redis')),
    // HTTP upstreams (issue 14): `serve --url` against a raw keep-alive client, both on server-everything's
    // Streamable HTTP endpoint. Front CPU is the adapter process alone.
    check('adapter-http / http-direct, calls/s at 32 callers', '×', '>=', 0.85,
      ok(httpAdapter) && ok(httpDirect) ? httpAdapter.concurrent.perSecond / httpDirect.concurrent.perSecond : undefined,
      httpMissing ?? httpErrors ?? need({ s: httpDirect, why: 'http-direct did not run' })),
    check('adapter-http front CPU per call, 32 callers', 'µs', '<=', 150, ok(httpAdapter) ? httpAdapter.concurrent.frontCpuUs : undefined, httpMissing),
    check('adapter-http p50 − http-direct p50, sequential', 'ms', '<=', 0.5,
      ok(httpAdapter) && ok(httpDirect) ? httpAdapter.sequential.p50Ms - httpDirect.sequential.p50Ms : undefined,
      httpMissing ?? need({ s: httpDirect, why: 'http-direct did not run' })),
    check('buildSpec, 1,000 tools with $defs (first call, fresh process)', 'ms', '<=', 150, gen.buildSpec?.ms, gen.buildSpec?.skipped ?? gen.buildSpec?.error),
    check('mcp-actions --version cold start (median)', 'ms', '<=', 150, gen.coldStart?.ms, gen.coldStart?.skipped ?? gen.coldStart?.error),
    check('validate a 30-operation spec, CLI end to end (median)', 'ms', '<=', 300, gen.validate30?.ms, gen.validate30?.skipped ?? gen.validate30?.error),
    // issue 12: what --auth oauth adds to every call (a client sends the same token until it expires)
    check('verify a JWT access token per call, JWKS cached (RS256)', 'µs', '<=', 50, gen.jwtVerify?.perCallUs, gen.jwtVerify?.skipped ?? gen.jwtVerify?.error),
  ];
  const named0 = (prefix) => checks.find((c) => c.name.startsWith(prefix));
  for (const [prefix, s] of [['adapter / faster peer', adapter], ['MCP face / faster peer', mcp], ['adapter / reference, calls/s', adapter]]) {
    const c = named0(prefix);
    const other = prefix.includes('reference') ? reference : fasterPeer;
    const note = c.status === 'SKIP' ? undefined : busyNote(s, other, machine.cpus);
    if (note) c.note = note;
  }
  const baseline = (c, g) => {
    if (g?.baselineMs !== undefined && c.status !== 'SKIP') {
      c.note = `CPU ${fmt(g.cpuMs, 0)} ms; node -e 0 alone: ${fmt(g.baselineMs, 0)} ms`;
    }
  };
  const named = (prefix) => checks.find((c) => c.name.startsWith(prefix));
  baseline(named('mcp-actions --version'), gen.coldStart);
  baseline(named('validate a 30-operation'), gen.validate30);
  const buildSpecCheck = named('buildSpec, 1,000 tools');
  if (gen.buildSpec?.warmMs !== undefined && buildSpecCheck.status !== 'SKIP') {
    buildSpecCheck.note = `CPU ${fmt(gen.buildSpec.cpuMs, 0)} ms (GC threads included); warm: ${fmt(gen.buildSpec.warmMs, 0)} ms`;
  }
  const info = (name, unit, value, note) => ({ name, unit, op: 'info', value, status: value === undefined ? 'SKIP' : 'INFO', ...(note ? { note } : {}) });
  checks.push(
    info('generate openapi on server-everything, end to end (median)', 'ms', gen.generateOpenapi?.ms,
      gen.generateOpenapi?.skipped ?? gen.generateOpenapi?.error ?? (gen.generateOpenapi?.cpuMs !== undefined ? `CPU ${fmt(gen.generateOpenapi.cpuMs, 0)} ms, server included` : undefined)),
    info('adapter peak RSS − reference peak RSS (what the adapter adds)', 'MB',
      ok(adapter) && ok(reference) && adapter.peakRssMb !== undefined && reference.peakRssMb !== undefined ? adapter.peakRssMb - reference.peakRssMb : undefined,
      adapterMissing),
    info('verify a JWT access token on its first call (RS256, jose)', 'µs', gen.jwtVerify?.firstSightUs,
      gen.jwtVerify?.skipped ?? gen.jwtVerify?.error ?? (gen.jwtVerify?.firstSightUs !== undefined ? `CPU ${fmt(gen.jwtVerify.firstSightCpuUs, 0)} µs; ES256 ${fmt(gen.jwtVerify.firstSightEs256Us, 0)} µs` : undefined)),
    info('an opaque access token per call, introspection answer cached (--oauth-introspection)', 'µs', gen.jwtVerify?.perCallOpaqueUs,
      gen.jwtVerify?.skipped ?? gen.jwtVerify?.error ?? (gen.jwtVerify?.perCallOpaqueUs !== undefined
        ? `first call, introspected over loopback: ${fmt(gen.jwtVerify.firstSightOpaqueUs, 0)} µs; a JWT per call with introspection on: ${fmt(gen.jwtVerify.perCallRoutedUs, 1)} µs`
        : undefined)),
    info('nginx → 2 replicas with Redis / 1 replica in memory, calls/s at 32 callers', '×',
      ok(scenarios['nginx-2-redis']) && ok(scenarios['rate-limit']) ? scenarios['nginx-2-redis'].concurrent.perSecond / scenarios['rate-limit'].concurrent.perSecond : undefined,
      need({ s: scenarios['nginx-2-redis'], why: 'nginx-2-redis did not run' }, { s: scenarios['rate-limit'], why: 'rate-limit did not run' }) ?? errorsOf(scenarios, 'nginx-2-redis')),
    info('reference / faster peer, calls/s at 32 callers (headroom)', '×',
      ok(reference) && fasterPeer ? reference.concurrent.perSecond / fasterPeer.concurrent.perSecond : undefined,
      fasterPeer ? undefined : 'no peer ran'),
    // The MCP face beside what bounds it: the REST face over the same pipeline, the upstream driven directly,
    // and CPU per call, which a busy machine changes far less than calls/s.
    info('MCP face / REST face, calls/s at 32 callers', '×',
      ok(mcp) && ok(adapter) ? mcp.concurrent.perSecond / adapter.concurrent.perSecond : undefined, mcpMissing ?? adapterMissing),
    info('MCP face / direct (the stdio server alone), calls/s at 32 callers', '×',
      ok(mcp) && ok(direct) ? mcp.concurrent.perSecond / direct.concurrent.perSecond : undefined,
      mcpMissing ?? need({ s: direct, why: 'direct did not run' })),
    info('cheaper peer front CPU per call / MCP face front CPU per call', '×',
      ok(mcp) && cheaperPeer ? cheaperPeer.concurrent.frontCpuUs / mcp.concurrent.frontCpuUs : undefined,
      mcpMissing ?? (cheaperPeer ? undefined : 'no peer ran')),
    info('cheaper peer / MCP face, CPU per call of front + stdio server', '×',
      ok(mcp) && cheaperPeer ? machineCpu(cheaperPeer) / machineCpu(mcp) : undefined,
      mcpMissing ?? (cheaperPeer ? undefined : 'no peer ran')),
    // When every CPU is busy, calls/s go as 1 / (front + stdio server + load generator) CPU per call: even a front
    // that cost nothing would leave the MCP face's stdio server and client, so this is the most its ratio can be.
    info('ceiling of MCP face / faster peer when CPU-bound: peer front+child+client ÷ MCP child+client', '×',
      ok(mcp) && fasterPeer ? wholeCpu(fasterPeer) / (mcp.concurrent.childCpuUs + mcp.concurrent.clientCpuUs) : undefined,
      mcpMissing ?? (fasterPeer ? undefined : 'no peer ran')),
  );
  return checks;
}

/** A note when a scenario answered errors (its figures then do not count). */
function errorsOf(scenarios, name) {
  const s = scenarios[name];
  return ok(s) && s.sequential.errors + s.concurrent.errors > 0 ? `${name} answered errors` : undefined;
}

/** The targets table. */
export function formatChecks(checks) {
  const rows = [['target', 'measured', 'limit', 'result']];
  for (const c of checks) {
    const digits = c.unit === '×' ? 2 : c.unit === 'ms' && (c.value ?? 99) < 10 ? 3 : 1;
    const measured = c.value === undefined ? '–' : `${fmt(c.value, digits)} ${c.unit}`;
    const limit = c.op === 'info' ? '' : `${c.op === '>=' ? '≥' : '≤'} ${c.limit} ${c.unit}`;
    rows.push([c.name, measured, limit, c.note ? `${c.status} (${oneLine(c.note, 70)})` : c.status]);
  }
  return pad(rows);
}
