/** The session table: owner binding, the cap and who gets evicted, idle expiry; and the response cap. */
import { afterEach, describe, expect, it } from 'vitest';
import { HangupSignal } from '../../../../src/adapter/hangup-signal.js';
import { fitCallResult } from '../../../../src/adapter/mcp-face/fit-result.js';
import { SessionTable } from '../../../../src/adapter/mcp-face/sessions.js';

const tables: SessionTable[] = [];
const table = (maxSessions: number, idleMs = 60_000) => {
  const t = new SessionTable({ maxSessions, idleMs });
  tables.push(t);
  return t;
};
afterEach(() => {
  for (const t of tables.splice(0)) t.closeAll('test over');
});

describe('SessionTable', () => {
  it('ids are long, random and visible ASCII; another owner cannot use one', () => {
    const t = table(10);
    const a = t.open('streamable', 'id:alice', '2025-11-25')!;
    const b = t.open('streamable', 'id:alice', '2025-11-25')!;
    expect(a.id).toMatch(/^[\x21-\x7e]{32}$/);
    expect(a.id).not.toBe(b.id);
    expect(t.get(a.id, 'id:alice')).toBe(a);
    expect(t.get(a.id, 'id:mallory')).toBeUndefined();
    expect(t.get('guess', 'id:alice')).toBeUndefined();
  });

  it('at the cap, evicts a session never used after initialize before one in use, oldest first', () => {
    const t = table(3);
    const used = t.open('streamable', 'a', 'v')!;
    used.used = true;
    const idle1 = t.open('streamable', 'b', 'v')!;
    const idle2 = t.open('streamable', 'c', 'v')!;
    idle1.lastUsed -= 10;
    used.lastUsed -= 1000; // the least recently used, but in use: kept
    const fresh = t.open('streamable', 'd', 'v')!;
    expect(fresh).toBeDefined();
    expect(t.get(idle1.id, 'b')).toBeUndefined();
    expect(idle1.closed).toBe(true);
    expect(t.get(used.id, 'a')).toBe(used);
    expect(t.get(idle2.id, 'c')).toBe(idle2);
    expect(t.size).toBe(3);
  });

  it('never evicts a busy session (a call running or a stream open); when all are busy, refuses', () => {
    const t = table(2);
    const a = t.open('streamable', 'a', 'v')!;
    const b = t.open('streamable', 'b', 'v')!;
    a.inflight.set('n:1', new HangupSignal());
    b.inflight.set('n:1', new HangupSignal());
    expect(t.open('streamable', 'c', 'v')).toBeUndefined();
    b.inflight.clear();
    expect(t.open('streamable', 'c', 'v')).toBeDefined();
    expect(t.get(a.id, 'a')).toBe(a);
  });

  it('10,000 sessions opened and never used push each other out, not the one in use', () => {
    const t = table(100);
    const mine = t.open('streamable', 'me', 'v')!;
    mine.used = true;
    for (let i = 0; i < 10_000; i++) {
      expect(t.open('streamable', 'flood', 'v')).toBeDefined();
      if (i % 1000 === 0) mine.touch();
    }
    expect(t.size).toBe(100);
    expect(t.get(mine.id, 'me')).toBe(mine);
    expect(t.dropped).toBe(9_901);
  });

  it('expires idle sessions, but not busy ones; closing aborts what they run', () => {
    const t = table(10, 1000);
    const idle = t.open('streamable', 'a', 'v')!;
    const busy = t.open('streamable', 'b', 'v')!;
    const call = new HangupSignal();
    busy.inflight.set('n:1', call);
    idle.lastUsed -= 5000;
    busy.lastUsed -= 5000;
    t.sweep();
    expect(t.get(idle.id, 'a')).toBeUndefined();
    expect(t.get(busy.id, 'b')).toBe(busy);
    t.delete(busy);
    expect(call.aborted).toBe(true);
  });
});

describe('fitCallResult (--max-response-chars on the MCP face)', () => {
  it('leaves a result under the cap as it is', () => {
    const result = { content: [{ type: 'text', text: 'hi' }] };
    expect(fitCallResult(result, 1000)).toEqual({ result, json: JSON.stringify(result) });
  });
  it('replaces base64 payloads with a description first', () => {
    const image = { type: 'image', data: 'A'.repeat(4000), mimeType: 'image/png' };
    const { result, json } = fitCallResult({ content: [{ type: 'text', text: 'see' }, image] }, 1000);
    expect(json.length).toBeLessThanOrEqual(1000);
    expect(result.content).toEqual([{ type: 'text', text: 'see' }, { type: 'text', text: expect.stringMatching(/^\[image: image\/png, 3000 bytes omitted by mcp-actions/) }]);
  });
  it('then cuts text from the end, with the REST face\'s marker', () => {
    const { result, json } = fitCallResult({ content: [{ type: 'text', text: 'a'.repeat(500) }, { type: 'text', text: 'é"\\'.repeat(3000) }] }, 2000);
    expect(json.length).toBeLessThanOrEqual(2000);
    const items = result.content as { text: string }[];
    expect(items[0]!.text).toBe('a'.repeat(500));
    expect(items[1]!.text).toMatch(/\[truncated by mcp-actions: showing \d+ of 9000 characters/);
  });
  it('structured content over the cap becomes a tool error saying so', () => {
    const big = { rows: Array.from({ length: 500 }, (_, i) => ({ i })) };
    const { result } = fitCallResult({ content: [{ type: 'text', text: JSON.stringify(big) }], structuredContent: big }, 1000);
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/over the limit of 1000 \(--max-response-chars\)/);
  });
});
