/**
 * A real nginx (hash $http_authorization consistent; test/helpers/nginx.ts, the config of docs/scale-out.md) in
 * front of three `serve --redis` replicas of the built CLI, sharing one real redis-server:
 * - per-user affinity: each user's calls land on one replica, where their per-user server-memory keeps its
 *   graph; a replica that leaves moves only its users, whose upstream starts again elsewhere without that state
 *   (unless it is kept on storage every replica shares);
 * - a replica killed mid-load: every acknowledged job (202) still ends with an answer read through the
 *   survivors (its result, or 503 "start it again" once the dead replica's lease ran out), job polls (GET) never
 *   fail, a POST in flight on the killed replica answers nginx's 502 and is not retried elsewhere.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMark } from '../helpers/cli.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { leftoverProcesses } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { MEMORY, request, stopChild, type Answer } from './serve-helpers.js';
import { as, LONG, startReplica, until, USERS, type Replica, type User } from './scale-out-helpers.js';

/** The affinity test's users (each start costs a server-memory process). */
const AFFINITY_USERS = USERS.slice(0, 4);

const mark = newMark();
const children: ChildProcess[] = [];
const proxies: Nginx[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'mcp-actions-scale-'));
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ mark });
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all(children.map(stopChild));
  await redis?.destroy();
  rmSync(scratch, { recursive: true, force: true });
  expect(await leftoverProcesses([mark])).toEqual([]);
});

async function behindNginx(count: number, args: (i: number) => string[], server: string[]): Promise<{ replicas: Replica[]; nginx: Nginx }> {
  const replicas = await Promise.all(Array.from({ length: count }, (_, i) => startReplica(mark, ['--redis', redis.url, '--log-level', 'warn', ...args(i)], server, children)));
  const nginx = await startNginx({ mark, replicas: replicas.map((r) => r.port) });
  proxies.push(nginx);
  return { replicas, nginx };
}

const post = (base: string, tool: string, args: unknown, user: User): Promise<Answer> => request(`${base}/tools/${tool}`, { method: 'POST', json: args, headers: as(user) });
const replicaOf = (a: Answer): string => a.headers.get('x-replica') ?? '(none)';
const killed = (r: Replica) => new Promise<void>((resolve) => (r.child.exitCode !== null ? resolve() : (r.child.once('exit', () => resolve()), r.child.kill('SIGKILL'))));

describe('nginx, hash $http_authorization consistent, three replicas', () => {
  it("per-user affinity: a user's calls stay on one replica with their state; a replica that leaves moves only its users, state lost unless shared", async () => {
    const dirs = [0, 1, 2].map((i) => join(scratch, `replica-${i}`));
    for (const d of dirs) mkdirSync(d);
    // --user-env picks each user's file: a directory per replica (state local to it), or one every replica shares
    const { replicas, nginx } = await behindNginx(3, (i) => ['--per-user', '--redis-prefix', 'affinity:', '--user-env', `MEMORY_FILE_PATH=${dirs[i]}/{user}.jsonl`], [MEMORY]);
    const home = new Map<User, string>();
    for (const user of AFFINITY_USERS) {
      const created = await post(nginx.url, 'create_entities', { entities: [{ name: `Note_${user}`, entityType: 'note', observations: [`${user} wrote this`] }] }, user);
      expect(created.status, created.text).toBe(200);
      home.set(user, replicaOf(created));
      for (let i = 0; i < 2; i++) {
        const graph = await post(nginx.url, 'read_graph', {}, user);
        expect(graph.status).toBe(200);
        expect(replicaOf(graph)).toBe(home.get(user));
        expect(graph.text).toContain(`Note_${user}`);
        for (const other of AFFINITY_USERS) if (other !== user) expect(graph.text).not.toContain(`Note_${other}`);
      }
    }
    // the replica of alice leaves
    const gone = home.get('alice')!;
    const victim = replicas.find((r) => gone.endsWith(`:${r.port}`))!;
    await killed(victim);
    for (const user of AFFINITY_USERS) {
      const graph = await post(nginx.url, 'read_graph', {}, user);
      expect(graph.status, graph.text).toBe(200);
      if (home.get(user) === gone) {
        // started again on another replica: a new server-memory, whose file lives elsewhere
        expect(replicaOf(graph)).not.toBe(gone);
        expect(graph.text).not.toContain(`Note_${user}`);
      } else {
        // consistent hashing moves nobody else
        expect(replicaOf(graph)).toBe(home.get(user));
        expect(graph.text).toContain(`Note_${user}`);
      }
    }
    // the POST nginx could not deliver to the dead replica (connection refused: never sent) went to the next one
    expect(nginx.accessLog()).toMatch(new RegExp(`^200 127\\.0\\.0\\.1:${victim.port}, 127\\.0\\.0\\.1:\\d+ 502, 200 POST /tools/read_graph$`, 'm'));
  });

  it('state on storage every replica shares survives a replica leaving', async () => {
    const shared = join(scratch, 'shared-2');
    mkdirSync(shared);
    const { replicas, nginx } = await behindNginx(2, () => ['--per-user', '--redis-prefix', 'shared:', '--user-env', `MEMORY_FILE_PATH=${shared}/{user}.jsonl`], [MEMORY]);
    const created = await post(nginx.url, 'create_entities', { entities: [{ name: 'Kept_Note', entityType: 'note', observations: ['survives'] }] }, 'carol');
    expect(created.status, created.text).toBe(200);
    const victim = replicas.find((r) => replicaOf(created).endsWith(`:${r.port}`))!;
    await killed(victim);
    const graph = await post(nginx.url, 'read_graph', {}, 'carol');
    expect(graph.status, graph.text).toBe(200);
    expect(replicaOf(graph)).not.toBe(replicaOf(created));
    expect(graph.text).toContain('Kept_Note');
  });
});

describe('nginx in front of three replicas: one killed mid-load', () => {
  it('loses no acknowledged job, job polls never fail, and the survivors keep answering; an in-flight POST on the dead replica is a 502, not retried', async () => {
    const { replicas, nginx } = await behindNginx(3, () => ['--redis-prefix', 'kill:', '--async-after', '800', '--job-lease', '1500'], [LONG]);
    // wave 1: one job per user, each acknowledged (202) after 800 ms
    const wave1 = await Promise.all(USERS.map((user) => post(nginx.url, 'sleep', { ms: 2500, tag: `w1-${user}` }, user).then((a) => ({ user, a }))));
    for (const { a } of wave1) expect(a.status, a.text).toBe(202);
    const victimAddr = replicaOf(wave1.find((w) => w.user === 'alice')!.a);
    const victim = replicas.find((r) => victimAddr.endsWith(`:${r.port}`))!;
    // wave 2: while these POSTs wait for their 202, alice's replica is killed
    const wave2 = USERS.map((user) => post(nginx.url, 'sleep', { ms: 2500, tag: `w2-${user}` }, user).then((a) => ({ user, a })));
    await new Promise((r) => setTimeout(r, 300));
    await killed(victim);
    const second = await Promise.all(wave2);
    const onVictim = (user: User) => wave1.find((w) => w.user === user)!.a.headers.get('x-replica') === victimAddr;
    for (const { user, a } of second) {
      if (onVictim(user)) {
        // sent to the replica that died: nginx does not pass a POST it sent on to another (the tool may have run)
        expect(a.status, a.text).toBe(502);
        expect(replicaOf(a)).toBe(victimAddr);
      } else expect(a.status, a.text).toBe(202);
    }
    // every acknowledged job ends with an answer, read through whichever replica nginx picks
    const acknowledged = [...wave1, ...second].filter(({ a }) => a.status === 202);
    const polls: Answer[] = [];
    const finals = await Promise.all(
      acknowledged.map(async ({ user, a }) => {
        let last = a;
        await until(async () => {
          last = await request(`${nginx.url}/jobs/${a.body.job.id}`, { headers: as(user) });
          polls.push(last);
          return last.status !== 202;
        }, 15_000, `job of ${user}`);
        return { user, started: a, last };
      }),
    );
    expect(finals.length).toBeGreaterThanOrEqual(USERS.length + 2);
    for (const { user, started, last } of finals) {
      if (replicaOf(started) === victimAddr) {
        expect(last.status, last.text).toBe(503);
        expect(last.body.error.message).toContain('stopped before it finished');
        expect(last.headers.get('retry-after')).toBe('5');
      } else {
        expect(last.status, `${user}: ${last.text}`).toBe(200);
        expect(last.body.result).toMatch(/^slept 2500 ms \(w[12]-/);
      }
    }
    // no poll failed: only 202 while running, and the job's own final answer
    for (const p of polls) expect([200, 202, 503]).toContain(p.status);
    for (const p of polls.filter((x) => x.status === 503)) expect(p.body.error.message).toContain('stopped before it finished');
    // the survivors keep answering, for every user
    for (const user of USERS) {
      const quick = await post(nginx.url, 'sleep', { ms: 0 }, user);
      expect(quick.status, quick.text).toBe(200);
      expect(replicaOf(quick)).not.toBe(victimAddr);
    }
  });
});
