/**
 * A stateful stdio server (server-memory) whose answer to one call is over --max-message-bytes: that call
 * answers 502 response_too_large, the process is kept (same pid, never 'down'), so its state is too, and
 * calls running alongside get their answers. The same for a 20 MB answer under the default bound (10 MiB):
 * skipped unread, memory bounded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SERVER, pendingRequests, startSupervised, type Supervised } from './faults-helpers.js';
import { callTool, MEMORY, stdio } from './serve-helpers.js';

describe('server-memory behind a 64 KiB message bound', () => {
  let s: Supervised;
  let scratch: string;
  let downs = 0;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'mcp-actions-oversized-'));
    s = await startSupervised(stdio(MEMORY, [], { MEMORY_FILE_PATH: join(scratch, 'memory.jsonl') }), {
      supervisor: { maxMessageBytes: 64 * 1024 },
      adapter: { limits: { maxBodyBytes: 1024 * 1024 } },
    });
    s.supervisor.on('down', () => downs++);
  });
  afterAll(async () => {
    await s?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const entity = (name: string, observation: string) => ({ entities: [{ name, entityType: 'thing', observations: [observation] }] });

  it('the oversized answer fails its own call only; the state and the bystanders survive', async () => {
    const pid = s.supervisor.info?.pid;
    expect(pid).toEqual(expect.any(Number));
    expect((await callTool(s.url, 'create_entities', entity('Ada', 'small'))).status).toBe(200);

    // create_entities echoes what it created: 200 KB of observation → an answer over 64 KiB.
    const big = callTool(s.url, 'create_entities', entity('Big', 'x'.repeat(200_000)));
    const bystanders = Array.from({ length: 10 }, (_, i) => callTool(s.url, 'search_nodes', { query: i % 2 ? 'Ada' : 'small' }));
    const answer = await big;
    expect(answer.status).toBe(502);
    expect(answer.body.error.type).toBe('response_too_large');
    expect(answer.body.error.message).toContain('over the limit of 65536 bytes for one message (--max-message-bytes)');
    for (const by of await Promise.all(bystanders)) {
      expect(by.status).toBe(200);
      expect(by.text).toContain('Ada');
    }

    // Same process, both entities still there (Big exists: observations can be added to it).
    expect(s.supervisor.info?.pid).toBe(pid);
    expect(downs).toBe(0);
    const added = await callTool(s.url, 'add_observations', { observations: [{ entityName: 'Big', contents: ['tiny'] }] });
    expect(added.status).toBe(200);
    const ada = await callTool(s.url, 'open_nodes', { names: ['Ada'] });
    expect(ada.status).toBe(200);
    expect(ada.text).toContain('small');
    // Reading the whole graph is over the bound again: 502 each time, the server stays up.
    for (let i = 0; i < 3; i++) expect((await callTool(s.url, 'read_graph', {})).status).toBe(502);
    expect(s.supervisor.info?.pid).toBe(pid);
    expect(pendingRequests(s.supervisor)).toBe(0);
  });
});

describe('a 20 MB answer under the default bound', () => {
  let s: Supervised;
  beforeAll(async () => {
    s = await startSupervised(stdio(FAULT_SERVER), { supervisor: { maxMessageBytes: 10 * 1024 * 1024 } });
  });
  afterAll(async () => {
    await s?.close();
  });
  const echo = (s: Supervised, id: string) => callTool(s.url, 'echo', { id });

  it('a 20 MB result: that call 502 (skipped unread, memory bounded), the server and concurrent calls go on', async () => {
    const pid = (await echo(s, 'pre')).body.pid;
    let downs = 0;
    const onDown = () => downs++;
    s.supervisor.on('down', onDown);
    try {
      const heap = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const big = callTool(s.url, 'huge', { bytes: 20 * 1024 * 1024 });
      const bystanders = Array.from({ length: 8 }, (_, i) => echo(s, `by${i}`));
      const answer = await big;
      expect(answer.status).toBe(502);
      expect(answer.body.error.type).toBe('response_too_large');
      expect(answer.body.error.message).toMatch(/over the limit of 10485760 bytes.*--max-message-bytes/);
      expect(performance.now() - t0).toBeLessThan(8000);
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
      for (const [i, by] of (await Promise.all(bystanders)).entries()) expect(by.body).toEqual({ id: `by${i}`, pid });
      // The same process answers: never restarted, nothing left pending.
      expect((await echo(s, 'post')).body).toEqual({ id: 'post', pid });
      expect(downs).toBe(0);
      expect(pendingRequests(s.supervisor)).toBe(0);
    } finally {
      s.supervisor.off('down', onDown);
    }
  });

});
