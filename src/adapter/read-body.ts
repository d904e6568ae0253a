/**
 * Reading a JSON request body without body-parser: a byte limit (413), JSON content types only (415, so a
 * JSON body sent as text/plain never runs a tool with no arguments), a nesting-depth cap and no
 * `__proto__`/`constructor` keys (400). An empty body (JSON content type still required) is `{}` (tools without
 * parameters).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

export const DEFAULT_MAX_BODY_BYTES = 100_000;
export const MAX_JSON_DEPTH = 64;

export interface ReadBody {
  value: unknown;
  bytes: number;
}

const EMPTY: ReadBody = Object.freeze({ value: undefined, bytes: 0 }) as ReadBody;

/** True for application/json and any application/*+json, with or without parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export function readJsonBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<ReadBody> {
  const lengthHeader = req.headers['content-length'];
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const hasBody = declared !== undefined ? declared > 0 : req.headers['transfer-encoding'] !== undefined;
  // Even an empty body needs the JSON type: a page may POST an empty or text/plain body cross-site without a
  // CORS preflight, and must not run a tool that takes no arguments that way.
  if (!isJsonContentType(req.headers['content-type'])) {
    return Promise.reject(
      new HttpError(415, 'unsupported_media_type', `the body must be JSON, even when empty: send it with "Content-Type: application/json" (got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no Content-Type'})`),
    );
  }
  if (!hasBody) return Promise.resolve(EMPTY);
  if (declared !== undefined && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (done) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      try {
        finish(undefined, { value: parseJson(text), bytes: size });
      } catch (error) {
        finish(error);
      }
    };
    const onError = (error: Error) => finish(new HttpError(400, 'invalid_json', `the request body could not be read: ${error.message}`));
    const onAborted = () => finish(new HttpError(400, 'invalid_json', 'the client closed the connection before the body was complete'));
    function finish(error: unknown, value?: ReadBody) {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        req.resume(); // drain what is left so the answer can be read by the client
        reject(error);
      } else resolve(value!);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the request body is larger than ${maxBytes} bytes (--max-body); send fewer or shorter arguments`);
}

/** JSON.parse with the hostile-input checks. Throws HttpError 400. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  const scan = scanJson(text, MAX_JSON_DEPTH);
  if (scan.tooDeep) {
    throw new HttpError(400, 'invalid_json', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON (${error instanceof Error ? error.message : String(error)}); send the tool's arguments as a JSON object`);
  }
  if ((text.includes('__proto__') || text.includes('constructor') || text.includes('prototype')) && hasForbiddenKey(value, 0)) {
    throw new HttpError(400, 'invalid_arguments', 'the keys "__proto__", "constructor" and "prototype" are not allowed in arguments');
  }
  // JSON.parse turns 1e400 (or 400 digits) into Infinity, which JSON.stringify sends upstream as null: refuse it.
  // Only a 3-digit exponent or a 309-digit run can overflow a double, so most bodies skip the walk.
  if (scan.mayOverflow) {
    const at = nonFinitePath(value, '', 0);
    if (at !== undefined) {
      throw new HttpError(400, 'invalid_arguments', `the number at "${at || '/'}" is too large to be represented (it would become Infinity); send a finite number, or a string`, {
        details: [{ path: at, message: 'must be a finite number' }],
      });
    }
  }
  return value;
}

/** JSON pointer of the first non-finite number in a parsed value, or undefined. */
function nonFinitePath(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nonFinitePath(value[i], `${path}/${i}`, depth + 1);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = nonFinitePath((value as Record<string, unknown>)[key], `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (at !== undefined) return at;
  }
  return undefined;
}

/**
 * One linear pass outside strings, no recursion, no regular expression (a backtracking one over 100 kB of
 * digits takes half a second): bracket depth over `max`, and whether a number could overflow a double (a
 * mantissa of 309+ digits, or an exponent of 3+ digits).
 */
function scanJson(text: string, max: number): { tooDeep: boolean; mayOverflow: boolean } {
  let depth = 0;
  let inString = false;
  let digits = 0;
  let afterExponent = false;
  let mayOverflow = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c >= 48 && c <= 57) {
      if (++digits >= 309 || (afterExponent && digits >= 3)) mayOverflow = true;
      continue;
    }
    digits = 0;
    if (c === 101 || c === 69 /* e E */) {
      afterExponent = true;
      continue;
    }
    if (afterExponent && (c === 43 || c === 45) /* + - */) continue;
    afterExponent = false;
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return { tooDeep: true, mayOverflow };
    } else if (c === 125 || c === 93) depth--;
  }
  return { tooDeep: false, mayOverflow };
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function hasForbiddenKey(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) return value.some((v) => hasForbiddenKey(v, depth + 1));
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) return true;
    if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
