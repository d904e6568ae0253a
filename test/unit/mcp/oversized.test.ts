/**
 * The id of a message too large to keep, read by streaming its bytes through IdScanner: whatever the key order,
 * whatever the piece boundaries (inside strings, escapes, the id itself), never an id nested in the result.
 */
import { describe, expect, it } from 'vitest';
import { IdScanner } from '../../../src/mcp/oversized.js';

/** Feeds `text` in pieces of `size` bytes. */
function scan(text: string, size: number) {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = new IdScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.feed(bytes, i, Math.min(bytes.length, i + size));
  return scanner.result(10);
}

const cases: [string, { given: string; want: { id?: string | number; isResponse: boolean } }][] = [
  ['id first', { given: '{"jsonrpc":"2.0","id":12,"result":{"content":[]}}', want: { id: 12, isResponse: true } }],
  ['id last (the SDK server order)', { given: '{"result":{"content":[{"type":"text","text":"a"}]},"jsonrpc":"2.0","id":3}', want: { id: 3, isResponse: true } }],
  ['nested ids are not the id', { given: '{"result":{"id":99,"items":[{"id":5}]},"id" : 4 }', want: { id: 4, isResponse: true } }],
  ['a string id with an escape', { given: '{"id":"a\\"b","error":{"code":1,"message":"x"},"jsonrpc":"2.0"}', want: { id: 'a"b', isResponse: true } }],
  ['"id" inside a string value', { given: '{"result":{"text":"\\"id\\":7, \\\\"},"id":8}', want: { id: 8, isResponse: true } }],
  ['a notification', { given: '{"jsonrpc":"2.0","method":"notifications/message","params":{"id":1}}', want: { isResponse: false } }],
  ['a server request', { given: '{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{}}', want: { id: 0, isResponse: false } }],
  ['an id that is not a number or string', { given: '{"result":{},"id":null}', want: { isResponse: true } }],
];

describe('IdScanner', () => {
  for (const [name, { given, want }] of cases) {
    it(name, () => {
      for (const size of [1, 2, 3, 7, 1000]) {
        const got = scan(given, size);
        expect({ id: got.id, isResponse: got.isResponse }, `pieces of ${size}`).toEqual({ id: want.id, isResponse: want.isResponse });
        expect(got.bytes).toBe(Buffer.byteLength(given));
      }
    });
  }

  it('a long string id is not kept (bounded memory)', () => {
    expect(scan(`{"result":{},"id":"${'x'.repeat(500)}"}`, 64).id).toBeUndefined();
  });
});
