/** serve's batched stderr: one write per event-loop turn, in order, nothing lost, flush on demand. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { batchedWriter } from '../../../src/commands/serve-log.js';

describe('batchedWriter', () => {
  it('writes the lines of one turn together, at the end of that turn', async () => {
    const writes: string[] = [];
    const w = batchedWriter((t) => writes.push(t));
    w.write('a\n');
    w.write('b\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    w.write('c\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('flush writes what is pending at once, and only once', async () => {
    const writes: string[] = [];
    const w = batchedWriter((t) => writes.push(t));
    w.write('x\n');
    w.flush();
    w.flush();
    expect(writes).toEqual(['x\n']);
    await nextTurn();
    expect(writes).toEqual(['x\n']);
  });

  it('writes a large backlog without waiting for the turn to end', () => {
    const writes: string[] = [];
    const w = batchedWriter((t) => writes.push(t), 10);
    w.write('12345\n');
    expect(writes).toEqual([]);
    w.write('67890\n');
    expect(writes).toEqual(['12345\n67890\n']);
    w.flush();
    expect(writes).toHaveLength(1);
  });
});
