/**
 * Loads a spec (YAML or JSON: YAML 1.2 is a superset of JSON, so one parser serves both) keeping source
 * positions, and maps a JSON pointer to the line:column where that value's key (or array item) starts.
 * Pure: takes the text, does no I/O.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import { ConfigError } from '../errors.js';
import { parsePointer } from './pointer.js';

export interface Position {
  line: number;
  column: number;
}

export interface LoadedSpec {
  /** The file name used in messages. */
  file: string;
  /** The parsed document as plain JSON values. */
  document: Record<string, unknown>;
  /** Whether the text looks like JSON (starts with `{`), for re-serialising in the same format. */
  format: 'json' | 'yaml';
  /** Where the value at `pointer` is written; the closest existing ancestor when the value is absent. */
  locate(pointer: string): Position;
}

/**
 * Parses a spec; throws ConfigError (exit 2) naming the file, line and column when it cannot be parsed.
 * Plain JSON (the usual generated spec) is read with JSON.parse, and the YAML parse that maps pointers to
 * positions only happens when something asks where a value is (i.e. when there are problems to report).
 */
export function loadSpec(text: string, file: string): LoadedSpec {
  const json = parsePlainJson(text);
  if (json) {
    let positions: { doc: Document; lineCounter: LineCounter } | undefined;
    return {
      file,
      document: json,
      format: 'json',
      locate: (pointer) => {
        positions ??= parseWithPositions(text);
        return locate(positions.doc, positions.lineCounter, pointer);
      },
    };
  }
  return loadYaml(text, file);
}

let yamlModule: typeof import('yaml') | undefined;
/** The YAML parser, loaded on first use (~40 ms of CPU that a valid JSON spec does not need). */
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}

function parseWithPositions(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
}

function loadYaml(text: string, file: string): LoadedSpec {
  const { doc, lineCounter } = parseWithPositions(text);
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`cannot parse ${file}:${pos.line}:${pos.col}: ${first.message.split('\n')[0]}`, {
      hint: 'fix the YAML/JSON syntax at that position',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new ConfigError(`cannot parse ${file}: ${(error as Error).message}`, { hint: 'fix the YAML/JSON syntax', cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null || value === undefined ? 'empty' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new ConfigError(`${file} is not an OpenAPI document (its top level is ${what}, not a mapping)`, {
      hint: 'pass the path of an OpenAPI 3.1 spec in YAML or JSON',
    });
  }
  return {
    file,
    document: value as Record<string, unknown>,
    format: text.trimStart().startsWith('{') ? 'json' : 'yaml',
    locate: (pointer) => locate(doc, lineCounter, pointer),
  };
}

/** A JSON string token, and whether a `:` follows it (then it is an object key). */
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"\s*(:)?/g;

/**
 * The document when `text` is a JSON object without duplicate keys (what the YAML parser would read the same
 * way), else undefined: the YAML parser then reads it and reports any error exactly as before.
 */
function parsePlainJson(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // JSON.parse keeps the last of duplicate keys silently; the YAML parser rejects them. Valid JSON has no `"`
  // outside strings, so the string tokens are found in order, and every one followed by `:` is a key.
  let keysInText = 0;
  for (const match of text.matchAll(STRING_TOKEN)) if (match[1]) keysInText++;
  return keysInText === countKeys(value) ? (value as Record<string, unknown>) : undefined;
}

function countKeys(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  let n = 0;
  if (Array.isArray(node)) {
    for (const item of node) n += countKeys(item);
    return n;
  }
  for (const key in node) n += 1 + countKeys((node as Record<string, unknown>)[key]);
  return n;
}

function locate(doc: Document, lines: LineCounter, pointer: string): Position {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let tokens: string[];
  try {
    tokens = parsePointer(pointer);
  } catch {
    tokens = [];
  }
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const token of tokens) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === token);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = /^\d+$/.test(token) ? node.items[Number(token)] : undefined;
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function keyText(key: unknown): string | undefined {
  if (yaml().isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
