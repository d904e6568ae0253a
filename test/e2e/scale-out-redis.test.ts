/**
 * `serve --redis` through the built CLI, with a real redis-server shared by the file: two replicas share one rate
 * limit and one job store; Redis stopped and started again mid-run (readyz, 503 + Retry-After where shared state
 * is needed, one log line per transition, recovery without a restart, a job that ended during the outage kept);
 * a bad or unreachable Redis at start is one line and exit 2.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, newMark, runCli } from '../helpers/cli.js';
import { leftoverProcesses } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { request, stopChild } from './serve-helpers.js';
import { as, AS_ALICE, AS_BOB, count, LONG, sleepCall, startReplica, until, type Replica } from './scale-out-helpers.js';

const mark = newMark();
const children: ChildProcess[] = [];
let redis: RedisServer;
/** A and B count one rate limit (30/min per user) in Redis; C has none. All three share the job store. */
let a: Replica, b: Replica, c: Replica;
beforeAll(async () => {
  redis = await startRedis({ mark, persist: true });
  const replica = (args: string[]) =>
    startReplica(mark, ['--redis', redis.url, '--redis-prefix', 'e2e:', '--async-after', '200', '--log-level', 'info', ...args], [LONG], children);
  [a, b, c] = await Promise.all([replica(['--rate-limit', '30/min']), replica(['--rate-limit', '30/min']), replica([])]);
});
afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await redis?.destroy();
  expect(await leftoverProcesses([mark])).toEqual([]);
});

describe('serve --redis: replicas sharing one Redis', () => {
  it('share one rate limit: exactly N of 2N calls pass, alternating replicas; another user has a budget of their own', async () => {
    expect(a.stderr()).toContain(`shared state: rate limits and jobs in Redis at ${redis.url} (keys under "e2e:")`);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await sleepCall(i % 2 ? a.url : b.url, 0, as('carol'))).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = await sleepCall(a.url, 0, as('carol'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await sleepCall(b.url, 0, AS_BOB)).status).toBe(200);
    const ready = await request(`${a.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', redis: 'up' });
  });

  it('a job started on replica A is polled on B: 202 from the stored status while it runs, then the stored answer; only for its owner', async () => {
    const started = await sleepCall(a.url, 1500, AS_ALICE, 'cross');
    expect(started.status).toBe(202);
    const id = started.body.job.id as string;
    const running = await request(`${b.url}/jobs/${id}`, { headers: AS_ALICE });
    expect(running.status).toBe(202);
    expect(running.body.job).toMatchObject({ id, status: 'working' });
    expect(running.headers.get('retry-after')).toBe('5');
    // another user asking B for it: as if it did not exist
    expect((await request(`${b.url}/jobs/${id}`, { headers: AS_BOB })).status).toBe(404);
    let last = running;
    await until(async () => {
      await new Promise((r) => setTimeout(r, 250));
      return (last = await request(`${b.url}/jobs/${id}`, { headers: AS_ALICE })).status !== 202;
    }, 10_000, 'the job to end');
    expect(last.status).toBe(200);
    expect(last.body.result).toBe('slept 1500 ms (cross)');
    // C (no rate limit) reads the same stored answer
    expect((await request(`${c.url}/jobs/${id}`, { headers: AS_ALICE })).body).toEqual(last.body);
  });
});

describe('serve --redis: Redis stopped and started again mid-run', () => {
  it('readyz says so, shared-state routes answer 503 + Retry-After, the rest keeps working, one log line each way, and it recovers', async () => {
    const limited = a;
    const unlimited = c;
    // a job that finished before the outage, and one that finishes during it
    const before = await sleepCall(unlimited.url, 300, AS_ALICE, 'before');
    const beforeId = before.body.job.id as string;
    await until(async () => (await request(`${unlimited.url}/jobs/${beforeId}`, { headers: AS_ALICE })).status === 200, 10_000, 'the first job to end');
    const during = await sleepCall(unlimited.url, 1200, AS_ALICE, 'during');
    expect(during.status).toBe(202);
    const duringId = during.body.job.id as string;

    await redis.stop();
    await until(async () => (await request(`${limited.url}/readyz`)).body?.redis === 'down', 10_000, 'readyz to report redis down');
    const ready = await request(`${limited.url}/readyz`);
    // still 200: every replica shares this Redis, failing readiness would empty the load balancer
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', redis: 'down' });

    for (let i = 0; i < 3; i++) {
      const call = await sleepCall(limited.url, 0, as('dave'));
      expect(call.status).toBe(503);
      expect(call.headers.get('retry-after')).toBe('2');
      expect(call.body.error.type).toBe('upstream_unavailable');
      const poll = await request(`${unlimited.url}/jobs/${beforeId}`, { headers: AS_ALICE });
      expect(poll.status).toBe(503);
      expect(poll.headers.get('retry-after')).toBe('2');
    }
    // no rate limit, no job: a quick call needs no shared state and is served
    expect((await sleepCall(unlimited.url, 0)).status).toBe(200);
    expect((await request(`${limited.url}/openapi.json`)).status).toBe(200);
    // a call that has to become a job cannot be recorded: 503, cancelled upstream
    const noJob = await sleepCall(unlimited.url, 1000);
    expect(noJob.status).toBe(503);
    expect(noJob.body.error.message).toContain('job store is not reachable');
    await new Promise((r) => setTimeout(r, 1200)); // "during" ends while Redis is away

    await redis.start();
    // each replica reconnects on its own: wait for both (waiting for one, a loaded machine polled the other first)
    for (const r of [limited, unlimited]) {
      await until(async () => (await request(`${r.url}/readyz`)).body?.redis === 'up', 10_000, 'readyz to report redis up');
      expect((await request(`${r.url}/readyz`)).body.status).toBe('ready');
    }
    expect((await sleepCall(limited.url, 0, as('dave'))).status).toBe(200);
    // written before the stop (Redis saved it on SIGTERM) and read again
    expect((await request(`${unlimited.url}/jobs/${beforeId}`, { headers: AS_ALICE })).body.result).toBe('slept 300 ms (before)');
    // ended during the outage: kept by its replica and stored once Redis came back
    let late = await request(`${unlimited.url}/jobs/${duringId}`, { headers: AS_ALICE });
    await until(async () => (late = await request(`${unlimited.url}/jobs/${duringId}`, { headers: AS_ALICE })).status !== 202, 5000, 'the late job');
    expect(late.status).toBe(200);
    expect(late.body.result).toBe('slept 1200 ms (during)');

    for (const r of [limited, unlimited]) {
      expect(count(r.stderr(), 'redis unreachable')).toBe(1);
      expect(count(r.stderr(), 'redis reachable again')).toBe(1);
      // the refusals are access-log lines, without a stack or error detail per call
      expect(r.stderr()).not.toMatch(/"err":\{"message":"[^"]*(Redis|Stream isn't writeable)/);
    }
  });
});

describe('serve --redis at start', () => {
  it('a URL that is not a Redis URL: one line, exit 2, the password not echoed', async () => {
    const r = await runCli(['serve', '--port', '0', '--redis', 'http://user:s3cret@example.com', '--', process.execPath, LONG], { mark });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--redis has the scheme "http:", not redis: or rediss:');
    expect(r.stderr).not.toContain('s3cret');
  });

  it('a Redis that does not answer: one line naming where and why, exit 2, before any MCP server starts', async () => {
    const port = await freePort();
    const r = await runCli(['serve', '--port', '0', '--public-url', 'https://a.example.com', '--timeout', '1000', '--', process.execPath, LONG], {
      mark,
      env: { MCP_ACTIONS_REDIS_URL: `redis://:pw@127.0.0.1:${port}` },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`Redis at redis://:***@127.0.0.1:${port} does not answer: ECONNREFUSED 127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('connecting to');
  });
});
