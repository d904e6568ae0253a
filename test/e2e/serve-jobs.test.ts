/**
 * Long-running tools through the built CLI: a task-required tool (server-everything's simulate-research-query)
 * answers 202 at once and is polled with get_job; a slow tool answers 202 after --async-after and then its result;
 * stopping the adapter cancels running jobs upstream (notifications/cancelled and tasks/cancel, as the fixture
 * records them) and exits 0; --no-async keeps the 504.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callTool, EVERYTHING, request, stopChild, type Answer } from './serve-helpers.js';

const LONG = 'fixtures/servers/long-running.mjs';
const EXTENSION = 'fixtures/servers/tasks-extension.mjs';
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-jobs-'));
afterAll(async () => {
  await Promise.all(children.map(stopChild));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[], server: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--log-level', 'warn', ...args, '--', process.execPath, ...server], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, exit, stderr: () => err };
}

/** Polls get_job (GET /jobs/{id}) until it stops answering 202; returns every answer. */
async function poll(url: string, id: string, limitMs = 30_000): Promise<Answer[]> {
  const answers: Answer[] = [];
  const deadline = Date.now() + limitMs;
  for (;;) {
    const a = await request(`${url}/jobs/${id}`);
    answers.push(a);
    if (a.status !== 202 || Date.now() > deadline) return answers;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function expectJob(a: Answer, url: string): string {
  expect(a.status).toBe(202);
  expect(a.body).toEqual({ job: { id: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), status: 'working', poll_after_s: 5, ...(a.body.job.progress ? { progress: expect.any(Object) } : {}) } });
  expect(a.headers.get('location')).toBe(`${url}/jobs/${a.body.job.id}`);
  expect(a.headers.get('retry-after')).toBe('5');
  return a.body.job.id as string;
}

describe('serve: jobs', () => {
  it('simulate-research-query (task-required) is an operation: 202 at once, then get_job gives the research report', async () => {
    // get_job long-polls up to --async-after: 1 s here, so the polls see the task's progress on the way
    const s = await serve(['--async-after', '1000'], [EVERYTHING, 'stdio']);
    const spec = (await request(`${s.url}/openapi.json`)).body;
    expect(spec.paths['/tools/simulate-research-query'].post.responses['202']).toBeDefined();
    expect(spec.paths['/jobs/{id}'].get.operationId).toBe('get_job');
    const started = performance.now();
    const first = await callTool(s.url, 'simulate-research-query', { topic: 'tides' });
    expect(performance.now() - started).toBeLessThan(3000);
    const id = expectJob(first, s.url);
    const answers = await poll(s.url, id);
    const last = answers.at(-1)!;
    expect(last.status).toBe(200);
    expect(last.body.result).toContain('# Research Report: tides');
    expect(last.body.result).toContain('Stage 4: Generating report');
    // the task's status messages showed up as the job's progress
    const messages = answers.filter((a) => a.status === 202).map((a) => a.body.job.progress?.message);
    expect(messages.some((m) => typeof m === 'string' && /\.\.\.$/.test(m))).toBe(true);
    // a finished job stays readable (until --job-ttl)
    expect((await request(`${s.url}/jobs/${id}`)).body).toEqual(last.body);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('a slow tool answers 202 after --async-after, shows progress, then its result; --no-async keeps the 504', async () => {
    const s = await serve(['--async-after', '300'], [LONG]);
    const first = await callTool(s.url, 'sleep', { ms: 2500, tag: 'slow' });
    const id = expectJob(first, s.url);
    await new Promise((r) => setTimeout(r, 600));
    const mid = await request(`${s.url}/jobs/${id}`);
    expect(mid.status).toBe(202);
    expect(mid.body.job.progress).toMatchObject({ progress: expect.any(Number), total: 25, message: expect.stringMatching(/^step \d+ of 25$/) });
    const last = (await poll(s.url, id)).at(-1)!;
    expect(last).toMatchObject({ status: 200, body: { result: 'slept 2500 ms (slow)' } });
    // a quick call is still answered in its own request
    expect(await callTool(s.url, 'sleep', { ms: 10 })).toMatchObject({ status: 200, body: { result: 'slept 10 ms' } });
    // unknown and malformed ids: 404 in the error shape
    expect((await request(`${s.url}/jobs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await request(`${s.url}/jobs/..%2F..%2Fetc`)).body.error.type).toBe('not_found');
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);

    const sync = await serve(['--no-async', '--call-timeout', '500'], [LONG]);
    const late = await callTool(sync.url, 'sleep', { ms: 3000 });
    expect(late.status).toBe(504);
    expect((await request(`${sync.url}/openapi.json`)).body.paths['/jobs/{id}']).toBeUndefined();
    expect((await request(`${sync.url}/jobs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    sync.child.kill('SIGTERM');
    expect(await sync.exit).toBe(0);
  });

  it('input_required is a clear job error; a task-required tool of the fixture runs as a job too', async () => {
    const s = await serve([], [LONG]);
    const asked = await callTool(s.url, 'ask_user', {});
    const done = (await poll(s.url, expectJob(asked, s.url))).at(-1)!;
    expect(done.status).toBe(422);
    expect(done.body.error).toEqual({ type: 'input_required', message: expect.stringContaining('stopped to ask the user for input ("Which city do you mean?")') });
    const brewed = (await poll(s.url, expectJob(await callTool(s.url, 'brew', { ms: 500 }), s.url))).at(-1)!;
    expect(brewed).toMatchObject({ status: 200, body: { result: 'brewed for 500 ms' } });
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('the 2026-07-28 tasks extension: a task the server chose to make is polled to its result', async () => {
    const s = await serve(['--async-after', '300'], [EXTENSION]);
    const job = await callTool(s.url, 'distill', { ms: 1200 });
    const last = (await poll(s.url, expectJob(job, s.url))).at(-1)!;
    expect(last).toMatchObject({ status: 200, body: { result: 'distilled for 1200 ms' } });
    const failed = await callTool(s.url, 'distill', { ms: 50, fail: true });
    expect(failed).toMatchObject({ status: 422, body: { error: { type: 'tool_error', message: 'the still exploded' } } });
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('stopping the adapter while jobs run cancels them upstream (notifications/cancelled, tasks/cancel) and exits 0', async () => {
    const record = join(dir, 'cancelled.log');
    const s = await serve(['--async-after', '200'], [LONG], { LONG_RUNNING_RECORD: record });
    expectJob(await callTool(s.url, 'sleep', { ms: 60_000, tag: 'plain' }), s.url);
    expectJob(await callTool(s.url, 'brew', { ms: 60_000 }), s.url);
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toContain('cancelled 2 running jobs upstream');
    const lines = readFileSync(record, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual(['cancelled sleep plain', expect.stringMatching(/^task-cancelled \S+$/)]);

    const ext = join(dir, 'cancelled-ext.log');
    const e = await serve(['--async-after', '200'], [EXTENSION], { LONG_RUNNING_RECORD: ext });
    expectJob(await callTool(e.url, 'distill', { ms: 60_000 }), e.url);
    e.child.kill('SIGTERM');
    expect(await e.exit).toBe(0);
    expect(readFileSync(ext, 'utf8')).toMatch(/^task-cancelled \S+\n$/);
  });
});

describe('docs/long-running.md', () => {
  it('every shell example runs through the built CLI and answers 200', async () => {
    const { readFile } = await import('node:fs/promises');
    const { runCli, newMark } = await import('../helpers/cli.js');
    const doc = await readFile('docs/long-running.md', 'utf8');
    const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      // the examples are `mcp-actions …` with single-quoted JSON and no other shell syntax
      const argv = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      expect(argv[0]).toBe('mcp-actions');
      const run = await runCli(argv.slice(1), { mark: newMark() });
      expect(run.code, `${command}\n${run.stderr}`).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe('200');
    }
  });
});
