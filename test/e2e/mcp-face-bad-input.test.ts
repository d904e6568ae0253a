/**
 * Abuse of the MCP face against the built CLI (the fault server behind it), with the CLI's resident memory read
 * from /proc/<pid>/status: 10,000 sessions opened and never used, a client that never reads its event stream
 * while 60 MB of progress is sent to it. Memory stays bounded and other clients are served meanwhile.
 */
import { connect } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SERVER, openSession, rpc, rssMb, serveCli, type Served } from './mcp-face-helpers.js';

let served: Served;
let mcp: string;
beforeAll(async () => {
  served = await serveCli(['--log-level', 'warn', '--max-sessions', '200', '--max-inflight', '64'], [process.execPath, FAULT_SERVER]);
  mcp = `${served.url}/mcp`;
}, 60_000);
afterAll(async () => {
  await served?.stop();
});

const echo = async (session: string, id: string): Promise<string | undefined> =>
  (await rpc(mcp, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { id } } }, { 'mcp-session-id': session })).message?.result?.structuredContent?.id;

describe('sessions opened and never used', () => {
  it('10,000 of them: memory bounded, the session in use survives, new clients still get in', async () => {
    const mine = await openSession(mcp);
    expect(await echo(mine, 'warm')).toBe('warm');
    const before = rssMb(served.pid);
    const { origin } = new URL(mcp);
    const pool = new Pool(origin, { connections: 16, pipelining: 1 });
    const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'flood', version: '0' } } });
    let opened = 0;
    let peak = before;
    try {
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(
          Array.from({ length: 16 }, async (_, worker) => {
            for (let i = worker; i < 1000; i += 16) {
              const res = await pool.request({ path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: init });
              await res.body.text();
              if (res.statusCode === 200 && res.headers['mcp-session-id']) opened++;
            }
          }),
        );
        peak = Math.max(peak, rssMb(served.pid));
        // Between every thousand: the session in use still answers, and a newcomer can open one and use it.
        expect(await echo(mine, `still-${batch}`)).toBe(`still-${batch}`);
        const newcomer = await openSession(mcp);
        expect(await echo(newcomer, `new-${batch}`)).toBe(`new-${batch}`);
      }
    } finally {
      await pool.close();
    }
    expect(opened).toBe(10_000);
    // 200 sessions at most live at once: what 10,000 would cost is not kept.
    expect(peak - before).toBeLessThan(40);
  }, 180_000);
});

describe('a client that never reads its event stream', () => {
  it('is cut off once its buffer is full; memory stays bounded and others are served meanwhile', async () => {
    const session = await openSession(mcp);
    const before = rssMb(served.pid);
    const { hostname, port } = new URL(mcp);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'flood', arguments: { count: 3000, size: 20_000 }, _meta: { progressToken: 'p' } } });
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.pause(); // never read a byte of the answer (until the end of the test)
    socket.on('error', () => undefined);
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Mcp-Session-Id: ${session}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let peak = before;
    const other = await openSession(mcp);
    // 60 MB of progress flows through the adapter while another client keeps calling.
    for (let i = 0; i < 40; i++) {
      expect(await echo(other, `meanwhile-${i}`)).toBe(`meanwhile-${i}`);
      peak = Math.max(peak, rssMb(served.pid));
      await new Promise((r) => setTimeout(r, 50));
    }
    // The flood is over once the upstream answers its next call in order.
    await expect.poll(async () => echo(session, 'after'), { timeout: 60_000, interval: 250 }).toBe('after');
    peak = Math.max(peak, rssMb(served.pid));
    expect(peak - before).toBeLessThan(40);
    // The stuck stream was cut by the adapter (the session itself lives on, as the call above shows): reading
    // now gets what sat in the buffers, a few MB of the 60, then the end, without the call's answer.
    let received = 0;
    let tail = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-400);
    });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    await ended;
    expect(received).toBeGreaterThan(1_000_000);
    expect(received).toBeLessThan(20_000_000);
    expect(tail).not.toContain('"id":9,"result"');
  }, 120_000);
});
