/**
 * The stdio transport against real child processes: line framing across chunk boundaries, CRLF and blank
 * lines, non-JSON lines, the per-message size bound (skipped, not fatal), exit status, corked writes, and the close sequence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonRpcMessage } from '../../../src/mcp/json-rpc.js';
import { StdioTransport } from '../../../src/mcp/stdio-transport.js';

const started: StdioTransport[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.close()));
});

/** A child that writes `pieces` to stdout one by one, 20 ms apart, then waits for stdin to close (or exits with `exitCode`). */
function writer(pieces: string[], options: { exitCode?: number; maxMessageBytes?: number } = {}) {
  const script = `
    const pieces = ${JSON.stringify(pieces)};
    process.stdin.on('end', () => process.exit(0)).resume();
    let i = 0;
    const next = () => {
      if (i < pieces.length) { process.stdout.write(pieces[i++]); setTimeout(next, 20); }
      else ${options.exitCode === undefined ? 'setInterval(() => {}, 1000)' : `process.exit(${options.exitCode})`};
    };
    next();`;
  const transport = new StdioTransport({ command: process.execPath, args: ['-e', script], maxMessageBytes: options.maxMessageBytes });
  started.push(transport);
  const messages: unknown[] = [];
  const errors: string[] = [];
  let closed = 0;
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e.message);
  transport.onclose = () => closed++;
  return { transport, messages, errors, closed: () => closed };
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('StdioTransport', () => {
  it('frames messages split across writes, several per write, with CRLF and blank lines', async () => {
    const w = writer(['{"jsonrpc":"2.0","id":1,', '"result":{"a":"é"}}\n{"jsonrpc":"2.0","met', 'hod":"x"}\r\n\n', '{"jsonrpc":"2.0","id":2,"result":{}}\n']);
    await w.transport.start();
    await until(() => w.messages.length === 3);
    expect(w.messages).toEqual([
      { jsonrpc: '2.0', id: 1, result: { a: 'é' } },
      { jsonrpc: '2.0', method: 'x' },
      { jsonrpc: '2.0', id: 2, result: {} },
    ]);
    expect(w.errors).toEqual([]);
  });

  it('a line that is not JSON is reported and skipped; the next line still arrives', async () => {
    const w = writer(['Server starting on stdio...\n', '{"jsonrpc":"2.0","method":"after"}\n']);
    await w.transport.start();
    await until(() => w.messages.length === 1);
    expect(w.errors).toEqual(['the server wrote a line that is not JSON on stdout: Server starting on stdio...']);
    expect(w.messages).toEqual([{ jsonrpc: '2.0', method: 'after' }]);
  });

  it('a message over maxMessageBytes arriving in pieces is skipped (its id reported), the connection goes on', async () => {
    const w = writer(
      [`{"result":{"x":"${'y'.repeat(3000)}`, `${'z'.repeat(3000)}\\"}"},"jsonrpc":"2.0","id":7}\n{"jsonrpc":"2.0","method":"after"}\n`],
      { maxMessageBytes: 4096 },
    );
    const skipped: unknown[] = [];
    w.transport.onoversized = (m) => skipped.push(m);
    await w.transport.start();
    await until(() => w.messages.length === 1);
    expect(skipped).toEqual([{ id: 7, isResponse: true, bytes: 6045, limit: 4096 }]);
    expect(w.messages).toEqual([{ jsonrpc: '2.0', method: 'after' }]);
    expect(w.closed()).toBe(0);
    expect(w.errors).toEqual([]);
  });

  it('a complete line over the bound in one chunk is skipped as well; without a handler it is an error', async () => {
    const w = writer([`{"jsonrpc":"2.0","id":"s-1","error":{"code":1,"message":"${'y'.repeat(5000)}"}}\n{"jsonrpc":"2.0","id":2,"result":{}}\n`], { maxMessageBytes: 4096 });
    await w.transport.start();
    await until(() => w.messages.length === 1);
    expect(w.errors).toEqual(['skipped a message of 5060 bytes from the server, over the limit of 4096 bytes']);
    expect(w.messages).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
    expect(w.closed()).toBe(0);
  });

  it('keeps how the child ended', async () => {
    const w = writer(['{"jsonrpc":"2.0","method":"bye"}\n'], { exitCode: 3 });
    await w.transport.start();
    await until(() => w.closed() > 0);
    expect(w.transport.exit).toEqual({ code: 3, signal: null });
    expect(w.messages).toHaveLength(1);
  });

  it('start() rejects with ENOENT for a missing command', async () => {
    const transport = new StdioTransport({ command: 'definitely-not-a-command-mcp-actions' });
    transport.onerror = () => {};
    await expect(transport.start()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('messages sent in one turn reach the child together and in order (an echo server)', async () => {
    const script = "process.stdin.on('data', (d) => process.stdout.write(d))";
    const transport = new StdioTransport({ command: process.execPath, args: ['-e', script] });
    started.push(transport);
    const got: JsonRpcMessage[] = [];
    transport.onmessage = (m) => got.push(m);
    await transport.start();
    await Promise.all(Array.from({ length: 50 }, (_, i) => transport.send({ jsonrpc: '2.0', id: i, method: 'm' })));
    await until(() => got.length === 50);
    expect(got.map((m) => (m as { id: number }).id)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('close() stops a child that ignores stdin closing and SIGTERM (SIGKILL after 2 + 2 s)', async () => {
    const script = "process.on('SIGTERM', () => {}); process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000)";
    const transport = new StdioTransport({ command: process.execPath, args: ['-e', script] });
    await transport.start();
    const t0 = Date.now();
    await transport.close();
    await until(() => transport.exit !== undefined);
    expect(transport.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3900);
  }, 10_000);
});
