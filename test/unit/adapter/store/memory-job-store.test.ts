import { describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../../../src/adapter/store/memory-job-store.js';
import { jobStoreContract } from './job-store-contract.js';

jobStoreContract('memory', (limits) => new MemoryJobStore(limits));

describe('MemoryJobStore', () => {
  it('counts the bytes of finished answers and gives them back when jobs go', async () => {
    let now = 1000;
    const s = new MemoryJobStore({ ttlMs: 100, now: () => now });
    await s.create({ id: 'a', owner: 'anonymous', tool: 't', pollAfterS: 1 });
    await s.complete('a', { status: 200, json: '{"result":"héllo"}' });
    expect(s.size).toEqual({ jobs: 1, bytes: Buffer.byteLength('{"result":"héllo"}') });
    now += 101;
    expect(await s.get('a')).toBeUndefined();
    expect(s.size).toEqual({ jobs: 0, bytes: 0 });
    await s.close();
  });
});
