/**
 * Load: 200 concurrent keep-alive connections for 10 s (MCP_ACTIONS_LOAD_SECONDS to change it) against the
 * adapter with its default limits, a mix of good and bad calls. Every request gets its own answer (good calls
 * echo a unique id, unknown tools name their own path), only 2xx/4xx/503 are seen, nothing is pending
 * afterwards and the heap is back near where it started.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAULT_SERVER, pendingRequests, startSupervised, type Supervised } from './faults-helpers.js';
import { stdio } from './serve-helpers.js';

const SECONDS = Number(process.env.MCP_ACTIONS_LOAD_SECONDS ?? 10);
const CONNECTIONS = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let s: Supervised;
beforeAll(async () => {
  s = await startSupervised(stdio(FAULT_SERVER), { adapter: { limits: { callTimeoutMs: 10_000 } } });
});
afterAll(async () => {
  await s?.close();
});

type Kind = 'good' | 'invalid' | 'badjson' | 'unknown' | 'text';
const KINDS: Kind[] = ['good', 'good', 'good', 'invalid', 'good', 'badjson', 'good', 'unknown', 'good', 'text'];
const WANT: Record<Exclude<Kind, 'good'>, [number, string]> = {
  invalid: [400, 'invalid_arguments'],
  badjson: [400, 'invalid_json'],
  unknown: [404, 'not_found'],
  text: [415, 'unsupported_media_type'],
};

it(`holds ${CONNECTIONS} concurrent connections for ${SECONDS} s: nothing lost, nothing mixed up`, { timeout: (SECONDS + 30) * 1000 }, async () => {
  // Warm up (JIT, validators, sockets) before the baseline.
  for (let i = 0; i < 20; i++) await fetch(`${s.url}/tools/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"id":"w${i}"}` }).then((r) => r.text());
  const before = heap();
  const pool = new Pool(s.url, { connections: CONNECTIONS, pipelining: 1 });
  const counts = new Map<string, number>();
  const problems: string[] = [];
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  let sent = 0;
  let answered = 0;
  const deadline = performance.now() + SECONDS * 1000;

  const worker = async (w: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const kind = KINDS[(w + n) % KINDS.length]!;
      const id = `w${w}-n${n}`;
      const path = kind === 'unknown' ? `/tools/nope-${id}` : '/tools/echo';
      const body = kind === 'good' ? `{"id":"${id}"}` : kind === 'invalid' ? `{"id":"${id}","extra":1}` : kind === 'badjson' ? `{"id":"${id}"` : `{"id":"${id}"}`;
      const type = kind === 'text' ? 'text/plain' : 'application/json';
      sent++;
      let status: number;
      let json: { id?: string; error?: { type: string; message: string } };
      let retryAfter: unknown;
      try {
        const res = await pool.request({ path, method: 'POST', headers: { 'content-type': type }, body });
        status = res.statusCode;
        retryAfter = res.headers['retry-after'];
        json = (await res.body.json()) as typeof json;
      } catch (error) {
        problems.push(`${id}: ${(error as Error).message}`);
        continue;
      }
      answered++;
      count(`${kind} ${status}`);
      if (status >= 500 && status !== 503) problems.push(`${id}: ${status}`);
      if (status === 503) {
        if (json.error?.type !== 'overloaded' || !retryAfter) problems.push(`${id}: 503 without overloaded + Retry-After`);
      } else if (kind === 'good') {
        if (status !== 200 || json.id !== id) problems.push(`${id}: got ${status} ${JSON.stringify(json).slice(0, 80)}`);
      } else {
        const [want, wantType] = WANT[kind];
        if (status !== want || json.error?.type !== wantType) problems.push(`${id} (${kind}): got ${status} ${json.error?.type}`);
        if (kind === 'unknown' && !json.error?.message.includes(`nope-${id}`)) problems.push(`${id}: 404 names another path`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  await pool.close();

  expect(problems.slice(0, 10)).toEqual([]);
  expect(answered).toBe(sent);
  expect(counts.get('good 200') ?? 0).toBeGreaterThan(CONNECTIONS);
  for (const kind of Object.keys(WANT)) expect(counts.get(`${kind} ${WANT[kind as keyof typeof WANT][0]}`) ?? 0).toBeGreaterThan(0);
  expect(pendingRequests(s.supervisor)).toBe(0);
  expect(s.limiter.load).toEqual({ active: 0, queued: 0 });
  const after = heap();
  console.log(`load: ${sent} requests in ${SECONDS} s over ${CONNECTIONS} connections (${Math.round(sent / SECONDS)}/s);`, Object.fromEntries([...counts].sort()), `heap ${Math.round(before / 1e6)} → ${Math.round(after / 1e6)} MB`);
  expect(after - before).toBeLessThan(20 * 1024 * 1024);
});
