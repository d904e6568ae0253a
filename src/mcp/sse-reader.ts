/**
 * An incremental text/event-stream reader (the WHATWG "event stream interpretation") with the bound the
 * adapter needs: the data of one event may not pass `maxMessageBytes`. A larger event is never kept: its data
 * streams through IdScanner (./oversized.ts) so the request it answers can be failed, and the stream goes on.
 * Bytes are decoded once per event (the data), never per chunk.
 */
import { IdScanner, type OversizedMessage } from './oversized.js';

export interface SseEvent {
  event: string;
  data: string;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
/** A field line other than data (event, id, retry, comments) longer than this is cut: nothing needs more. */
const MAX_OTHER_LINE = 4096;

export class SseReader {
  /** The current line, in pieces (a line may span chunks). */
  private line: Buffer[] = [];
  private lineBytes = 0;
  private lastWasCR = false;
  private data: Buffer[] = [];
  private dataBytes = 0;
  private hasData = false;
  private event = '';
  /** The event's data went over the bound: it is being scanned, not kept. */
  private scanner?: IdScanner;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onOversized: (message: OversizedMessage, event: string) => void,
  ) {}

  /** Feeds one chunk; events are dispatched as they complete. Lines end in LF, CR or CRLF. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c !== LF && c !== CR) continue;
      if (c === LF && this.lastWasCR && i === start) {
        // the LF of a CRLF (maybe split over two chunks)
        this.lastWasCR = false;
        start = i + 1;
        continue;
      }
      this.addToLine(chunk, start, i);
      this.endLine();
      this.lastWasCR = c === CR;
      start = i + 1;
    }
    if (start < chunk.length) {
      this.lastWasCR = false;
      this.addToLine(chunk, start, chunk.length);
    }
  }

  /** Bytes of a line so far; a data line over the bound switches to scanning. */
  private addToLine(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.scannerLine) {
      this.scanner!.feed(chunk, from, to);
      return;
    }
    this.line.push(chunk.subarray(from, to));
    this.lineBytes += to - from;
    if (this.dataBytes + this.lineBytes > this.maxMessageBytes + 6 && this.isDataLine()) {
      // Over the bound: what is kept goes to the scanner (minus the "data:" prefix), the rest streams to it.
      this.scanner ??= new IdScanner();
      for (const piece of this.data) this.scanner.feed(piece);
      this.data = [];
      this.dataBytes = 0;
      const joined = Buffer.concat(this.line, this.lineBytes);
      const value = valueStart(joined);
      this.scanner.feed(joined, value);
      this.line = [];
      this.lineBytes = 0;
      this.scannerLine = true;
    } else if (this.lineBytes > MAX_OTHER_LINE && !this.isDataLine()) {
      // a comment or a field nobody needs that long: keep its start only
      const joined = Buffer.concat(this.line, this.lineBytes).subarray(0, MAX_OTHER_LINE);
      this.line = [joined];
      this.lineBytes = joined.length;
    }
  }

  /** The current line is being streamed to the scanner (a data line over the bound). */
  private scannerLine = false;

  private isDataLine(): boolean {
    const first = this.line[0];
    if (!first) return false;
    const head = first.length >= 5 ? first : Buffer.concat(this.line, Math.min(this.lineBytes, 5));
    return head.length >= 4 && head[0] === 0x64 && head[1] === 0x61 && head[2] === 0x74 && head[3] === 0x61 && (head.length === 4 || head[4] === COLON);
  }

  private endLine(): void {
    if (this.scannerLine) {
      this.scannerLine = false;
      this.hasData = true;
      return;
    }
    const line = this.lineBytes === 0 ? EMPTY : this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line[0] === COLON) return; // a comment
    const colon = line.indexOf(COLON);
    const name = (colon === -1 ? line : line.subarray(0, colon)).toString('latin1');
    const value = colon === -1 ? EMPTY : line.subarray(valueStart(line));
    if (name === 'data') {
      if (this.scanner) {
        this.scanner.feed(NEWLINE);
        this.scanner.feed(value);
      } else {
        if (this.hasData) {
          this.data.push(NEWLINE);
          this.dataBytes += 1;
        }
        this.data.push(value);
        this.dataBytes += value.length;
      }
      this.hasData = true;
    } else if (name === 'event') {
      this.event = value.toString('utf8');
    }
    // id and retry: resumption is not used (an answer that was lost is failed, not replayed)
  }

  private dispatch(): void {
    const event = this.event || 'message';
    const scanner = this.scanner;
    const data = this.data;
    const dataBytes = this.dataBytes;
    const hasData = this.hasData;
    this.scanner = undefined;
    this.data = [];
    this.dataBytes = 0;
    this.hasData = false;
    this.event = '';
    if (scanner) {
      this.onOversized(scanner.result(this.maxMessageBytes), event);
      return;
    }
    if (!hasData) return;
    const text = data.length === 1 ? data[0]!.toString('utf8') : Buffer.concat(data, dataBytes).toString('utf8');
    this.onEvent({ event, data: text });
  }
}

const EMPTY = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');

/** Where a field's value starts: after the colon and one optional space. */
function valueStart(line: Buffer): number {
  const colon = line.indexOf(COLON);
  if (colon === -1) return line.length;
  return line[colon + 1] === SPACE ? colon + 2 : colon + 1;
}
