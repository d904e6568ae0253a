/**
 * A message over `--max-message-bytes`, read without keeping it: its bytes stream through a small JSON scanner
 * that remembers only the top-level `id` (and which top-level keys it had), so the one request it answers can be
 * failed while the connection goes on. Whatever the key order: the SDK's servers write `{"result":…,"jsonrpc":
 * "2.0","id":3}` (the id last), others write it first. Memory: a few bytes, whatever the message's size.
 */
import type { RequestId } from './json-rpc.js';

/** What a transport reports about a message it skipped for its size. */
export interface OversizedMessage {
  /** The message's top-level id, when it had a readable one (a number, or a string of at most 128 bytes). */
  id?: RequestId;
  /** True when it had a top-level "result" or "error": the answer to one of our requests. */
  isResponse: boolean;
  /** Its size in bytes, as far as it was read (all of it for stdio; up to the cut for HTTP). */
  bytes: number;
  /** The bound it went over. */
  limit: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_CAPTURE = 130;

/**
 * Streams the bytes of one JSON message (in pieces, as they arrive) and keeps its top-level id. Strings are
 * skipped with indexOf, so a 20 MB base64 text costs a few milliseconds.
 */
export class IdScanner {
  bytes = 0;
  private depth = 0;
  private inString = false;
  /** The byte before this piece ended an odd run of backslashes inside a string. */
  private escaped = false;
  /** At depth 1, before a key's string (after `{` or `,`). */
  private expectKey = false;
  /** The bytes of the string or value being kept: a top-level key, or the id's value. */
  private capture?: number[];
  private capturing: 'key' | 'id' | undefined;
  private lastKey = '';
  private idRaw?: string;
  private hasResult = false;

  feed(buffer: Buffer, from = 0, to = buffer.length): void {
    this.bytes += to - from;
    let i = from;
    while (i < to) {
      if (this.inString) {
        i = this.inStringFrom(buffer, i, to);
        continue;
      }
      const c = buffer[i]!;
      if (this.capturing === 'id' && this.depth === 1 && (c === 0x2c || c === 0x7d)) this.endId();
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) this.startCapture('key');
        else if (this.depth === 1 && this.lastKey === 'id' && this.capturing === undefined && this.idRaw === undefined) this.startCapture('id');
        if (this.capturing === 'id') this.capture!.push(c);
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
        this.expectKey = this.depth === 1 && c === 0x7b;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
      } else if (this.depth === 1 && c === 0x2c) {
        this.expectKey = true;
        this.lastKey = '';
      } else if (this.depth === 1 && c === 0x3a) {
        this.expectKey = false;
      } else if (this.depth === 1 && this.lastKey === 'id' && this.idRaw === undefined && c > 0x20) {
        // A number (or true/false/null) as the id: kept until the `,` or `}` that ends it.
        if (this.capturing !== 'id') this.startCapture('id');
        if (this.capture!.length < MAX_CAPTURE) this.capture!.push(c);
      }
      i++;
    }
  }

  /** Inside a string: up to its closing quote (or the end of the piece). Returns where to go on. */
  private inStringFrom(buffer: Buffer, i: number, to: number): number {
    if (this.escaped) {
      this.escaped = false;
      if (this.capture && this.capture.length < MAX_CAPTURE) this.capture.push(buffer[i]!);
      return i + 1;
    }
    let quote = buffer.indexOf(QUOTE, i);
    if (quote === -1 || quote >= to) quote = to;
    // Backslashes right before the quote (or the end of the piece): an odd run escapes it.
    let run = 0;
    while (quote - run - 1 >= i && buffer[quote - run - 1] === BACKSLASH) run++;
    if (this.capture) for (let k = i; k < quote && this.capture.length < MAX_CAPTURE; k++) this.capture.push(buffer[k]!);
    if (quote === to) {
      this.escaped = run % 2 === 1;
      return to;
    }
    if (run % 2 === 1) {
      if (this.capture && this.capture.length < MAX_CAPTURE) this.capture.push(QUOTE);
      return quote + 1;
    }
    this.inString = false;
    if (this.capturing === 'key') {
      const key = Buffer.from(this.capture!).toString('utf8');
      this.lastKey = key;
      if (key === 'result' || key === 'error') this.hasResult = true;
      this.capture = undefined;
      this.capturing = undefined;
    } else if (this.capturing === 'id') {
      this.capture!.push(QUOTE);
      this.endId();
    }
    return quote + 1;
  }

  private startCapture(what: 'key' | 'id'): void {
    this.capturing = what;
    this.capture = [];
  }

  private endId(): void {
    const raw = this.capture && this.capture.length < MAX_CAPTURE ? Buffer.from(this.capture).toString('utf8') : undefined;
    this.idRaw = raw ?? '';
    this.capture = undefined;
    this.capturing = undefined;
  }

  /** The message as far as it was read. */
  result(limit: number): OversizedMessage {
    if (this.capturing === 'id') this.endId();
    let id: RequestId | undefined;
    if (this.idRaw) {
      try {
        const value: unknown = JSON.parse(this.idRaw);
        if (typeof value === 'number' || typeof value === 'string') id = value;
      } catch {
        // not a readable id: the message is skipped without matching a request
      }
    }
    return { ...(id !== undefined ? { id } : {}), isResponse: this.hasResult, bytes: this.bytes, limit };
  }
}

/** Scans one complete message that is already in memory (a line that arrived in one piece). */
export function scanOversized(buffer: Buffer, from: number, to: number, limit: number): OversizedMessage {
  const scanner = new IdScanner();
  scanner.feed(buffer, from, to);
  return scanner.result(limit);
}
