/**
 * CallToolResult → HTTP answer (DESIGN.md "Responses"): structuredContent is the body; text is joined into
 * `result`; images, audio and resources are described (type, MIME type, size, URI), never dumped as base64;
 * `isError` is a 422. Bodies longer than the response budget are cut with a clear marker. Pure.
 */
import type { FileRef } from './files.js';
import { errorBody } from './http-error.js';

/** The parts of an MCP CallToolResult the mapping reads (structurally typed: no SDK import needed). */
export interface ToolResultLike {
  content?: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
}

/** A non-text content item, described instead of inlined. */
export interface ContentDescription {
  type: string;
  mimeType?: string;
  /** Bytes of the payload (decoded size for base64 data). */
  size?: number;
  uri?: string;
  name?: string;
  description?: string;
  /** The text of an embedded text resource. */
  text?: string;
}

export interface MappedResponse {
  status: number;
  body: unknown;
  /** `body` serialised, exactly what goes on the wire. */
  json: string;
}

export const DEFAULT_MAX_RESPONSE_CHARS = 100_000;

/** Separator between text items of one result. */
export const TEXT_SEPARATOR = '\n';

export function truncationMarker(shown: number, total: number, limit: number): string {
  return `\n[truncated by mcp-actions: showing ${shown} of ${total} characters; responses are limited to ${limit} characters (--max-response-chars)]`;
}

/** Appended to `result` when the list of non-text items was cut. */
export function itemsMarker(shown: number, total: number, limit: number): string {
  return `\n[truncated by mcp-actions: showing ${shown} of ${total} content items; responses are limited to ${limit} characters (--max-response-chars)]`;
}

/** Deepest structuredContent the adapter serialises and validates (both recurse); deeper is a 502. */
export const MAX_RESULT_DEPTH = 128;

/** True when arrays/objects nest deeper than `max`. Iterative: it must not overflow on what it guards against. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function badGateway(type: 'response_too_large' | 'upstream_error', message: string): MappedResponse {
  const body = errorBody(type, message);
  return { status: 502, body, json: JSON.stringify(body) };
}

/**
 * Maps a tool result to status + body. `maxChars` bounds the serialised body. `files` (GPT profile) become the
 * body's `openaiFileResponse` (results without structured content only); with `inlineOnly`, undefined comes back
 * when the answer would not fit whole (the caller then sends the files as download URLs instead).
 */
export function mapToolResult(result: ToolResultLike, maxChars?: number): MappedResponse;
export function mapToolResult(result: ToolResultLike, maxChars: number, files: readonly FileRef[], inlineOnly?: boolean): MappedResponse | undefined;
export function mapToolResult(result: ToolResultLike, maxChars = DEFAULT_MAX_RESPONSE_CHARS, files?: readonly FileRef[], inlineOnly = false): MappedResponse | undefined {
  const items = Array.isArray(result.content) ? result.content : [];
  if (result.isError === true) {
    const text = joinText(items);
    const message = text === '' ? 'the tool reported an error without a message' : text;
    return fitError(message, maxChars);
  }
  const structured = result.structuredContent;
  if (structured !== undefined && structured !== null && typeof structured === 'object' && !Array.isArray(structured)) {
    if (nestsDeeperThan(structured, MAX_RESULT_DEPTH)) {
      return badGateway('upstream_error', `the tool answered structured content nested deeper than ${MAX_RESULT_DEPTH} levels, which the adapter does not pass on`);
    }
    let body = structured;
    let json = JSON.stringify(structured);
    if (json.includes('"data":"') || json.includes('"blob":"')) {
      body = omitBinary(structured, 0) as object;
      json = JSON.stringify(body);
    }
    if (json.length <= maxChars) return { status: 200, body, json };
    return badGateway(
      'response_too_large',
      `the tool answered ${json.length} characters of structured content, over the limit of ${maxChars}; ask for less (a narrower query or a smaller page)`,
    );
  }
  const text = joinText(items);
  const content = describeContent(items);
  if (files?.length && inlineOnly) {
    const body = { result: text, ...(content.length ? { content } : {}), openaiFileResponse: files };
    const json = JSON.stringify(body);
    return json.length <= maxChars ? { status: 200, body, json } : undefined;
  }
  return fitText(text, content, maxChars, files);
}

/**
 * Structured content may embed content blocks with base64 payloads (`{type: 'image', data, mimeType}`,
 * `{uri, blob}`): their payload string is replaced by a short description, so the body keeps its schema
 * (still a string) but never carries a blob. Returns a copy; the input is not changed.
 */
export function omitBinary(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => omitBinary(v, depth + 1));
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const mime = typeof obj.mimeType === 'string' ? obj.mimeType : 'binary';
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (typeof v === 'string' && ((key === 'data' && (obj.type === 'image' || obj.type === 'audio')) || (key === 'blob' && typeof obj.uri === 'string'))) {
      out[key] = `[${mime}, ${base64Size(v)} bytes of base64 data omitted by mcp-actions]`;
    } else out[key] = omitBinary(v, depth + 1);
  }
  return out;
}

/** Joins the text items of a result (the `result` string). */
export function joinText(items: readonly unknown[]): string {
  let out = '';
  let first = true;
  for (const item of items) {
    const c = item as { type?: unknown; text?: unknown };
    if (c && c.type === 'text' && typeof c.text === 'string') {
      out = first ? c.text : out + TEXT_SEPARATOR + c.text;
      first = false;
    }
  }
  return out;
}

/** Describes every non-text content item. */
export function describeContent(items: readonly unknown[]): ContentDescription[] {
  const out: ContentDescription[] = [];
  for (const item of items) {
    const c = item as Record<string, unknown>;
    if (!c || typeof c !== 'object' || c.type === 'text') continue;
    out.push(describeItem(c));
  }
  return out;
}

function describeItem(c: Record<string, unknown>): ContentDescription {
  const type = typeof c.type === 'string' ? c.type : 'unknown';
  const d: ContentDescription = { type };
  if (type === 'image' || type === 'audio') {
    if (typeof c.mimeType === 'string') d.mimeType = c.mimeType;
    if (typeof c.data === 'string') d.size = base64Size(c.data);
    return d;
  }
  if (type === 'resource_link') {
    if (typeof c.uri === 'string') d.uri = c.uri;
    if (typeof c.name === 'string') d.name = c.name;
    if (typeof c.mimeType === 'string') d.mimeType = c.mimeType;
    if (typeof c.size === 'number') d.size = c.size;
    if (typeof c.description === 'string') d.description = c.description;
    return d;
  }
  if (type === 'resource' && c.resource && typeof c.resource === 'object') {
    const r = c.resource as Record<string, unknown>;
    if (typeof r.uri === 'string') d.uri = r.uri;
    if (typeof r.mimeType === 'string') d.mimeType = r.mimeType;
    if (typeof r.text === 'string') {
      d.size = Buffer.byteLength(r.text, 'utf8');
      d.text = r.text;
    } else if (typeof r.blob === 'string') {
      d.size = base64Size(r.blob);
    }
  }
  return d;
}

/** Decoded byte length of a base64 string, without decoding it. */
export function base64Size(data: string): number {
  let len = data.length;
  while (len > 0 && (data.charCodeAt(len - 1) === 61 /* = */ || data.charCodeAt(len - 1) <= 32)) len--;
  return Math.floor((len * 3) / 4);
}

/** Room kept for one truncation marker (its text, its JSON escaping and the numbers in it). */
const MARKER_ROOM = 200;

function fitText(text: string, content: ContentDescription[], maxChars: number, files?: readonly FileRef[]): MappedResponse {
  type Body = { result: string; content?: ContentDescription[]; openaiFileResponse?: readonly FileRef[] };
  const make = (result: string, items: ContentDescription[]): Body => {
    const made: Body = items.length ? { result, content: items } : { result };
    if (files?.length) made.openaiFileResponse = files;
    return made;
  };
  let body: Body = make(text, content);
  const json = JSON.stringify(body);
  if (json.length <= maxChars) return { status: 200, body, json };
  // Too long: drop embedded resource texts first, then cut the list of items (it alone may be millions of
  // characters: 100,000 resource links), then cut the result text.
  for (const d of content) delete d.text;
  let items = content;
  let note = '';
  if (content.length > 0) {
    const textRoom = Math.min(JSON.stringify(text).length, Math.floor(maxChars / 2));
    const filesRoom = files?.length ? JSON.stringify(files).length + 32 : 0;
    const budget = Math.max(0, maxChars - textRoom - filesRoom - 2 * MARKER_ROOM - 32);
    let used = 0;
    let k = 0;
    while (k < content.length) {
      const size = JSON.stringify(content[k]).length + 1;
      if (used + size > budget) break;
      used += size;
      k += 1;
    }
    if (k < content.length) {
      items = content.slice(0, k);
      note = itemsMarker(k, content.length, maxChars);
    }
  }
  body = make(text + note, items);
  let out = JSON.stringify(body);
  if (out.length <= maxChars) return { status: 200, body, json: out };
  const total = text.length;
  const overhead = JSON.stringify(make(note, items)).length;
  let keep = Math.max(0, maxChars - overhead - truncationMarker(total, total, maxChars).length - 16);
  for (;;) {
    body = make(text.slice(0, keep) + truncationMarker(keep, total, maxChars) + note, items);
    out = JSON.stringify(body);
    if (out.length <= maxChars) return { status: 200, body, json: out };
    if (keep === 0) break;
    // JSON escaping made it longer than its length: shrink by the excess and retry.
    keep = Math.max(0, keep - (out.length - maxChars));
  }
  // Only a limit smaller than the markers themselves gets here: no items, no text, the markers alone.
  body = { result: truncationMarker(0, total, maxChars) + itemsMarker(0, content.length, maxChars) };
  return { status: 200, body, json: JSON.stringify(body) };
}

function fitError(message: string, maxChars: number): MappedResponse {
  let body = errorBody('tool_error', message);
  let json = JSON.stringify(body);
  if (json.length > maxChars) {
    const total = message.length;
    let keep = Math.max(0, maxChars - 200);
    for (;;) {
      body = errorBody('tool_error', message.slice(0, keep) + truncationMarker(keep, total, maxChars));
      json = JSON.stringify(body);
      if (json.length <= maxChars || keep === 0) break;
      keep = Math.max(0, keep - (json.length - maxChars));
    }
  }
  return { status: 422, body, json };
}
