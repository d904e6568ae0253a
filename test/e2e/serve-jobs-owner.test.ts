/**
 * A job belongs to the identity that started it: another caller's token reads (and cancels) nothing, and gets
 * the same 404 as for an unknown id. Two verified identities need an authenticator that tells callers apart
 * (OAuth, per user): here a two-token one, through the Authenticator seam, in process.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/adapter/http-error.js';
import { digestKey, type Authenticator } from '../../src/adapter/identity/identity.js';
import { JobRunner } from '../../src/adapter/jobs/job-runner.js';
import { MemoryJobStore } from '../../src/adapter/store/memory-job-store.js';
import { callTool, request, startAdapter, stdio, type Running } from './serve-helpers.js';

const tokens: Record<string, string> = { 'token-alice': 'alice', 'token-bob': 'bob' };
const twoUsers: Authenticator = {
  type: 'bearer',
  authenticate(req: IncomingMessage) {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens[token]) throw new HttpError(401, 'unauthorized', 'send a known bearer token', { headers: { 'WWW-Authenticate': 'Bearer' } });
    return { key: digestKey('oauth', tokens[token]!), kind: 'oauth', subject: tokens[token] };
  },
};
const as = (token: string) => ({ authorization: `Bearer ${token}` });

let run: Running;
let runner: JobRunner;
beforeAll(async () => {
  runner = new JobRunner({ store: new MemoryJobStore(), asyncAfterMs: 200 });
  run = await startAdapter(stdio('fixtures/servers/long-running.mjs'), { authenticator: twoUsers, jobs: runner, limits: { callTimeoutMs: 5000 } });
});
afterAll(async () => {
  await runner.stop();
  await run.close();
});

describe('job ownership', () => {
  it("another caller's token gets 404 for the job, cannot cancel it, and the owner still gets the result", async () => {
    const started = await callTool(run.url, 'sleep', { ms: 1200, tag: 'alice' }, as('token-alice'));
    expect(started.status).toBe(202);
    const id = started.body.job.id as string;
    const stranger = await request(`${run.url}/jobs/${id}`, { headers: as('token-bob') });
    const unknown = await request(`${run.url}/jobs/${'B'.repeat(32)}`, { headers: as('token-bob') });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.type).toBe('not_found');
    // nothing tells an existing job of someone else from an id that was never issued
    expect(stranger.body.error.message).toBe(unknown.body.error.message.replace('B'.repeat(32), id));
    expect((await request(`${run.url}/jobs/${id}`, { method: 'DELETE', headers: as('token-bob') })).status).toBe(404);
    expect((await request(`${run.url}/jobs/${id}`)).status).toBe(401);
    let mine = await request(`${run.url}/jobs/${id}`, { headers: as('token-alice') });
    while (mine.status === 202) mine = await request(`${run.url}/jobs/${id}`, { headers: as('token-alice') });
    expect(mine).toMatchObject({ status: 200, body: { result: 'slept 1200 ms (alice)' } });
    expect((await request(`${run.url}/jobs/${id}`, { headers: as('token-bob') })).status).toBe(404);
  });

  it('the owner can cancel a running job (DELETE): it is cancelled upstream and gone', async () => {
    const started = await callTool(run.url, 'sleep', { ms: 30_000, tag: 'doomed' }, as('token-bob'));
    const id = started.body.job.id as string;
    expect(runner.size).toBe(1);
    const cancelled = await request(`${run.url}/jobs/${id}`, { method: 'DELETE', headers: as('token-bob') });
    expect(cancelled).toMatchObject({ status: 200, body: { job: { id, status: 'cancelled' } } });
    expect(runner.size).toBe(0);
    expect((await request(`${run.url}/jobs/${id}`, { headers: as('token-bob') })).status).toBe(404);
  });
});
