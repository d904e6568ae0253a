/**
 * stderr for `serve`: the lines written in one turn of the event loop (under load, the access-log lines of
 * every call answered in that turn) leave in one write instead of one each. Nothing waits longer than the
 * end of the current turn (setImmediate), a large backlog is written at once, and `flush()` writes what is
 * pending synchronously, for shutdown and for process exit. Order is kept: every serve line goes through it.
 */

/** Pending text above this size is written at once rather than at the end of the turn. */
const MAX_PENDING_CHARS = 16_384;

export interface BatchedWriter {
  write(text: string): void;
  /** Writes whatever is pending now. Safe to call any time, any number of times. */
  flush(): void;
}

export function batchedWriter(sink: (text: string) => void, maxPendingChars = MAX_PENDING_CHARS): BatchedWriter {
  let pending = '';
  let scheduled: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    sink(text);
  };
  return {
    write(text: string): void {
      pending += text;
      if (pending.length >= maxPendingChars) flush();
      else scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
