/**
 * HangupSignal: the adapter's cheap stand-in for an AbortSignal. Its own behaviour, and the contract it relies
 * on: the MCP SDK's `client.request({ signal })` cancels with it (rejects and sends notifications/cancelled).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { HangupSignal } from '../../../src/adapter/hangup-signal.js';

describe('HangupSignal', () => {
  it('starts unaborted and throwIfAborted does nothing', () => {
    const signal = new HangupSignal();
    expect(signal.aborted).toBe(false);
    expect(signal.reason).toBeUndefined();
    expect(() => signal.throwIfAborted()).not.toThrow();
  });

  it('abort sets the reason, calls onabort and each listener once, and throwIfAborted throws the reason', () => {
    const signal = new HangupSignal();
    const calls: string[] = [];
    const fn = (event: Event) => calls.push(`fn:${event.type}`);
    signal.addEventListener('abort', fn);
    signal.addEventListener('abort', fn); // the same listener twice counts once, as on EventTarget
    signal.addEventListener('abort', { handleEvent: (event) => calls.push(`object:${event.type}`) });
    signal.addEventListener('other', () => calls.push('other'));
    signal.onabort = () => calls.push('onabort');
    const reason = new Error('gone');
    signal.abort(reason);
    signal.abort(new Error('again'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(calls).toEqual(['onabort', 'fn:abort', 'object:abort']);
    expect(() => signal.throwIfAborted()).toThrow('gone');
  });

  it('removeEventListener removes', () => {
    const signal = new HangupSignal();
    let called = 0;
    const fn = () => called++;
    signal.addEventListener('abort', fn);
    signal.removeEventListener('abort', fn);
    signal.abort('x');
    expect(called).toBe(0);
  });

  it('cancels an SDK request: the call rejects and the server sees notifications/cancelled', async () => {
    const server = new McpServer({ name: 'slow', version: '1' });
    let serverSawAbort: (reason: unknown) => void = () => {};
    const aborted = new Promise((resolve) => (serverSawAbort = resolve));
    server.registerTool('wait', { description: 'waits until cancelled' }, (extra) =>
      new Promise((resolve) => {
        extra.signal.addEventListener('abort', () => {
          serverSawAbort(extra.signal.reason);
          resolve({ content: [{ type: 'text', text: 'cancelled' }] });
        });
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      const signal = new HangupSignal();
      const call = client.request({ method: 'tools/call', params: { name: 'wait', arguments: {} } }, CallToolResultSchema, {
        signal: signal.asAbortSignal(),
        timeout: 10_000,
      });
      setTimeout(() => signal.abort(new Error('the HTTP client closed the connection')), 20);
      await expect(call).rejects.toThrow('the HTTP client closed the connection');
      await expect(aborted).resolves.toContain('the HTTP client closed the connection');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
