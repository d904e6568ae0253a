/**
 * What every JobStore must do, as a suite any implementation runs (memory here; Redis with issue 16):
 * `jobStoreContract('redis', (limits) => new RedisJobStore(…, limits))`. Real time, short TTLs: a store
 * that expires by its server's clock (Redis PEXPIRE) cannot take a fake one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JobStoreFullError, type JobStore, type JobStoreLimits, type NewJob } from '../../../../src/adapter/store/job-store.js';

const job = (id: string, owner = 'cred:alice'): NewJob => ({ id, owner, tool: 'slow', pollAfterS: 5 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function jobStoreContract(name: string, make: (limits: JobStoreLimits) => JobStore | Promise<JobStore>): void {
  describe(`JobStore contract: ${name}`, () => {
    const open: JobStore[] = [];
    const store = async (limits: JobStoreLimits = {}) => {
      const s = await make(limits);
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('creates a working job, records progress, completes it with the exact answer', async () => {
      const s = await store();
      const created = await s.create({ ...job('j1'), progress: { message: 'queued' } });
      expect(created).toMatchObject({ id: 'j1', owner: 'cred:alice', tool: 'slow', state: 'working', pollAfterS: 5, progress: { message: 'queued' } });
      expect(created.expiresAt).toBeGreaterThan(created.createdAt);
      expect(await s.progress('j1', { progress: 2, total: 4, message: 'half' })).toBe(true);
      expect((await s.get('j1'))?.progress).toEqual({ progress: 2, total: 4, message: 'half' });
      const answer = { status: 422, json: '{"error":{"type":"tool_error","message":"no"}}', headers: { 'X-A': '1' } };
      expect(await s.complete('j1', answer)).toBe(true);
      const done = await s.get('j1');
      expect(done).toMatchObject({ state: 'done', response: answer });
      // JSON-serialisable: what a shared store would hold
      expect(JSON.parse(JSON.stringify(done))).toEqual(done);
      // done is final
      expect(await s.progress('j1', { progress: 3 })).toBe(false);
      expect(await s.complete('j1', { status: 200, json: '{}' })).toBe(false);
      expect((await s.get('j1'))?.response).toEqual(answer);
    });

    it('an unknown id is undefined / false; an expired job is gone; expire forgets at once', async () => {
      const s = await store({ ttlMs: 150 });
      expect(await s.get('nope')).toBeUndefined();
      expect(await s.progress('nope', { progress: 1 })).toBe(false);
      expect(await s.complete('nope', { status: 200, json: '{}' })).toBe(false);
      await s.create(job('a'));
      await s.complete('a', { status: 200, json: '{"result":"x"}' });
      await s.create(job('b'));
      await s.expire('b');
      expect(await s.get('b')).toBeUndefined();
      expect(await s.get('a')).toBeDefined();
      await sleep(300);
      expect(await s.get('a')).toBeUndefined();
    });

    it('a job left working longer than runningTtlMs is dropped (its replica died)', async () => {
      const s = await store({ runningTtlMs: 150 });
      await s.create(job('w'));
      await sleep(300);
      expect(await s.get('w')).toBeUndefined();
      expect(await s.complete('w', { status: 200, json: '{}' })).toBe(false);
    });

    it('renew sets the lease of working jobs and names them; done and unknown jobs are left out', async () => {
      const s = await store();
      await s.create({ ...job('r1'), leaseUntil: 1000 });
      await s.create(job('r2'));
      await s.create(job('r3'));
      await s.complete('r3', { status: 200, json: '{}' });
      expect((await s.get('r1'))?.leaseUntil).toBe(1000);
      expect((await s.get('r2'))?.leaseUntil).toBeUndefined();
      expect((await s.renew(['r1', 'r2', 'r3', 'nope'], 5000)).sort()).toEqual(['r1', 'r2']);
      expect((await s.get('r1'))?.leaseUntil).toBe(5000);
      expect((await s.get('r2'))?.leaseUntil).toBe(5000);
      expect((await s.get('r3'))?.leaseUntil).toBeUndefined();
      expect(await s.renew([], 1)).toEqual([]);
    });

    it('returned records are copies: changing one does not change the store', async () => {
      const s = await store();
      const r = await s.create(job('c'));
      r.owner = 'someone-else';
      const got = await s.get('c');
      got!.progress = { message: 'forged' };
      expect(await s.get('c')).toMatchObject({ owner: 'cred:alice' });
      expect((await s.get('c'))?.progress).toBeUndefined();
    });

    it('the count bound drops the oldest finished jobs first and refuses when only working jobs remain', async () => {
      const s = await store({ maxJobs: 3 });
      await s.create(job('1'));
      await s.complete('1', { status: 200, json: '{"n":1}' });
      await s.create(job('2'));
      await s.complete('2', { status: 200, json: '{"n":2}' });
      await s.create(job('3'));
      await s.create(job('4')); // drops 1, the oldest finished
      expect(await s.get('1')).toBeUndefined();
      expect(await s.get('2')).toBeDefined();
      await s.create(job('5')); // drops 2
      expect(await s.get('2')).toBeUndefined();
      await expect(s.create(job('6'))).rejects.toBeInstanceOf(JobStoreFullError); // 3, 4, 5 all working
      expect(await s.get('3')).toBeDefined();
    });

    it('the byte bound drops the oldest finished answers first and refuses one that can never fit', async () => {
      const s = await store({ maxBytes: 1000 });
      const body = (n: number) => ({ status: 200, json: JSON.stringify({ result: 'x'.repeat(n) }) });
      for (const id of ['a', 'b', 'c']) await s.create(job(id));
      await s.complete('a', body(400));
      await s.complete('b', body(400));
      await s.complete('c', body(400)); // a goes
      expect(await s.get('a')).toBeUndefined();
      expect((await s.get('b'))?.state).toBe('done');
      expect((await s.get('c'))?.state).toBe('done');
      await s.create(job('big'));
      await expect(s.complete('big', body(2000))).rejects.toBeInstanceOf(JobStoreFullError);
      expect((await s.get('big'))?.state).toBe('working');
    });
  });
}
