/**
 * The event-stream reader: events split anywhere across chunks, LF / CR / CRLF line ends (a CRLF split over two
 * chunks too), comments and multi-line data; an event over the bound is never kept, only its id is read.
 */
import { describe, expect, it } from 'vitest';
import type { OversizedMessage } from '../../../src/mcp/oversized.js';
import { SseReader, type SseEvent } from '../../../src/mcp/sse-reader.js';

function read(text: string, size: number, max = 1000) {
  const events: SseEvent[] = [];
  const over: OversizedMessage[] = [];
  const reader = new SseReader(max, (e) => events.push(e), (m) => over.push(m));
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return { events, over };
}

const stream = [
  ': a comment\n\n',
  'event: message\ndata: {"id":1}\n\n',
  'data: {"é":2}\r\n\r\n',
  'data: line one\rdata: line two\r\r',
  'id: 7\nretry: 10\ndata:{"x":3}\n\n',
  'event: endpoint\ndata: /messages?s=1\n\n',
].join('');

describe('SseReader', () => {
  for (const size of [1, 2, 3, 5, 8, 13, 1000]) {
    it(`reads the same events in chunks of ${size}`, () => {
      expect(read(stream, size).events).toEqual([
        { event: 'message', data: '{"id":1}' },
        { event: 'message', data: '{"é":2}' },
        { event: 'message', data: 'line one\nline two' },
        { event: 'message', data: '{"x":3}' },
        { event: 'endpoint', data: '/messages?s=1' },
      ]);
    });
  }

  it('an event over the bound is reported with its id and not kept; the next one arrives', () => {
    for (const size of [7, 64, 5000]) {
      const big = `data: {"result":{"text":"${'x'.repeat(3000)}"},"jsonrpc":"2.0","id":42}\n\ndata: {"id":43}\n\n`;
      const { events, over } = read(big, size);
      expect(over).toEqual([{ id: 42, isResponse: true, bytes: expect.any(Number), limit: 1000 }]);
      expect(over[0]!.bytes).toBeGreaterThan(3000);
      expect(events).toEqual([{ event: 'message', data: '{"id":43}' }]);
    }
  });
});
