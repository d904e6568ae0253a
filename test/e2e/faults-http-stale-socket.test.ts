/**
 * The keep-alive race with an HTTP upstream: the server closes a connection that sat idle (its keep-alive timer) just
 * as the adapter sends the next request on it. The request never ran, so the adapter sends it again on a new
 * connection and the caller gets its answer, not a 502; the tool runs once. A connection busy a moment ago is never
 * resent on (the server may have taken the request). fixtures/servers/http-misbehave.mjs (Streamable HTTP) and
 * sse-misbehave.mjs (legacy HTTP+SSE, whose POSTs go through the same pool) with --close-idle-ms play the server.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, newMark, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { startServeCli } from './faults-helpers.js';
import { callTool, request, stopChild } from './serve-helpers.js';

const mark = newMark();
const started: { fixture?: ServerProcess; adapter?: ChildProcess }[] = [];

afterAll(async () => {
  for (const s of started) {
    if (s.adapter) await stopChild(s.adapter);
    await s.fixture?.stop();
  }
  expect(await leftoverProcesses([mark])).toEqual([]);
});

/** The fixture (closing connections idle for 1 s as a POST arrives) and `serve` in front of it. */
async function start(script: string, args: string[]): Promise<{ url: string; stats: () => Promise<{ calls: number; staleClosed: number; initializes: number }> }> {
  const entry: { fixture?: ServerProcess; adapter?: ChildProcess } = {};
  started.push(entry);
  const fixture = await startUrlServer([process.execPath, `${FIXTURES}${script}`, '--close-idle-ms', '1000'], { mark });
  entry.fixture = fixture;
  const served = await startServeCli([...args, '--url', fixture.url], { [MARK_VAR]: mark });
  entry.adapter = served.child;
  return { url: served.url, stats: async () => (await request(fixture.url.replace(/\/(mcp|sse)$/, '/stats'))).body };
}

describe('an HTTP upstream that closes idle connections as a request arrives', () => {
  it('Streamable HTTP: the request is sent again on a new connection: 200, and the tool ran once per call', async () => {
    const { url, stats } = await start('http-misbehave.mjs', []);
    const first = await callTool(url, 'echo_json', { id: 'first' });
    expect(first.status, first.text).toBe(200);
    await sleep(1300); // the adapter's connection to the server is idle past the server's 1 s
    const second = await callTool(url, 'echo_json', { id: 'second' });
    expect(second.status, second.text).toBe(200);
    expect(second.text).toContain('second');
    const after = await stats();
    expect(after.staleClosed).toBeGreaterThanOrEqual(1); // the race did happen
    expect(after.calls).toBe(2); // each call ran once
    expect(after.initializes).toBe(1); // and the session was kept (no restart)
  });

  it('legacy HTTP+SSE: the POST is sent again on a new connection: 200, and the tool ran once per call', async () => {
    const { url, stats } = await start('sse-misbehave.mjs', ['--transport', 'sse', '--ping-interval', '0']);
    const first = await callTool(url, 'echo', { id: 'first' });
    expect(first.status, first.text).toBe(200);
    await sleep(1300);
    const second = await callTool(url, 'echo', { id: 'second' });
    expect(second.status, second.text).toBe(200);
    expect(second.text).toContain('second');
    const after = await stats();
    expect(after.staleClosed).toBeGreaterThanOrEqual(1);
    expect(after.calls).toBe(2);
    expect(after.initializes).toBe(1);
  });
});
