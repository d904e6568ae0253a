/**
 * What one connection may ask of the adapter (src/adapter/socket-limits.ts), on a real node:http server:
 * requests per connection, unanswered pipelined requests, and answers the client does not read.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../src/adapter/listen.js';

let running: Listening | undefined;
afterEach(async () => {
  running?.server.closeAllConnections();
  await running?.close();
  running = undefined;
});

/** Resolves when the server side of the next connection closes. */
function serverSideClosed(server: Listening['server']): Promise<number> {
  const opened = performance.now();
  return new Promise((resolve) => server.once('connection', (s: Socket) => s.once('close', () => resolve(performance.now() - opened))));
}

function request(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

describe('socket limits', () => {
  it('answers requests past maxRequestsPerSocket with 503 in the error shape, and closes after the last one', async () => {
    running = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1', { maxRequestsPerSocket: 3 });
    const socket = connect(running.port, '127.0.0.1');
    socket.on('connect', () => socket.write(request('/').repeat(5)));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(text.split('HTTP/1.1 200 OK').length - 1).toBe(3);
    expect(text).toMatch(/Connection: close/i);
    // Whatever node:http had read past the limit is refused in the JSON shape, never run.
    for (const part of text.split('HTTP/1.1 503').slice(1)) expect(part).toContain('"type":"overloaded"');
  });

  it('cuts a connection that pipelines more than maxPipelined unanswered requests', async () => {
    let ran = 0;
    running = await listen(
      (_req, res) => {
        ran += 1;
        setTimeout(() => res.end('ok'), 200);
      },
      0,
      '127.0.0.1',
      { maxPipelined: 4 },
    );
    const closed = serverSideClosed(running.server);
    const socket = connect(running.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(request('/').repeat(100)));
    expect(await closed).toBeLessThan(5000);
    expect(ran).toBe(4);
    socket.destroy();
  });

  it('ends a connection whose complete answer is not read at all, not one that reads slowly', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61); // more than the kernel's socket buffers hold
    running = await listen((_req, res) => res.end(big), 0, '127.0.0.1', { stallMs: 500 });
    // Never reads: cut once nothing has moved for a whole stallMs.
    const closedIdle = serverSideClosed(running.server);
    const idle = connect(running.port, '127.0.0.1');
    idle.on('error', () => undefined);
    idle.pause();
    idle.on('connect', () => idle.write(request('/big')));
    expect(await closedIdle).toBeLessThan(5000);
    idle.destroy();
    // Reads 1 MB every 200 ms: the answer takes several stallMs, and arrives whole.
    const slow = connect(running.port, '127.0.0.1');
    slow.pause();
    slow.on('connect', () => slow.write(request('/big')));
    let got = 0;
    let thisTick = 0;
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      slow.once('error', reject);
      slow.once('close', () => reject(new Error(`the slow reader was cut after ${got} bytes`)));
      slow.on('data', (chunk: Buffer) => {
        got += chunk.length;
        thisTick += chunk.length;
        if (thisTick >= 1024 * 1024) slow.pause();
        if (got >= big.length) {
          clearInterval(tick);
          resolve();
        }
      });
      const tick = setInterval(() => {
        thisTick = 0;
        slow.resume();
      }, 200);
    });
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(got).toBeGreaterThanOrEqual(big.length);
    slow.destroy();
  }, 60_000);
});
