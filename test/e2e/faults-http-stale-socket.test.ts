/**
 * The keep-alive race with an HTTP upstream: the server closes a connection that sat idle (its keep-alive timer) just
 * as the adapter sends the next request on it. The request never ran, so the adapter sends it again on a new
 * connection and the caller gets its answer, not a 502; the tool runs once. A connection busy a moment ago is never
 * resent on (the server may have taken the request). fixtures/servers/http-misbehave.mjs --close-idle-ms plays the server.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, newMark, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { startServeCli } from './faults-helpers.js';
import { callTool, request, stopChild } from './serve-helpers.js';

const mark = newMark();
let fixture: ServerProcess & { url: string };
let adapter: ChildProcess;
let url = '';

beforeAll(async () => {
  fixture = await startUrlServer([process.execPath, `${FIXTURES}http-misbehave.mjs`, '--close-idle-ms', '1000'], { mark });
  ({ child: adapter, url } = await startServeCli(['--url', fixture.url], { [MARK_VAR]: mark }));
});

afterAll(async () => {
  if (adapter) await stopChild(adapter);
  await fixture?.stop();
  expect(await leftoverProcesses([mark])).toEqual([]);
});

const stats = async () => (await request(fixture.url.replace(/\/mcp$/, '/stats'))).body as { calls: number; staleClosed: number; initializes: number };

describe('an HTTP upstream that closes idle connections as a request arrives', () => {
  it('the request is sent again on a new connection: 200, and the tool ran once per call', async () => {
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
});
