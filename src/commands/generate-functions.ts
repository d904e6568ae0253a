/** `mcp-actions generate functions`: a server's tools as OpenAI function tools (JSON on stdout). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { buildFunctionTools, type ChatFunctionTool, type FunctionApi, type ResponsesFunctionTool } from '../functions/build-tools.js';
import type { FunctionNote } from '../functions/strict-keywords.js';
import { formatNote } from '../openapi/notes.js';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { listTools } from '../mcp/introspect.js';
import { describeTarget } from '../mcp/target.js';
import type { CommandIO } from './io.js';
import { parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface GenerateFunctionsOptions extends TargetOptions {
  api?: string;
  strict?: boolean;
  nameMap?: string;
  include?: string[];
  exclude?: string[];
}

export async function generateFunctionsCommand(operands: string[], opts: GenerateFunctionsOptions, io: CommandIO): Promise<number> {
  const api: FunctionApi = opts.api === 'responses' ? 'responses' : 'chat';
  const target = await resolveTarget(opts, operands, io);
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  io.stderr(`connecting to ${describeTarget(target)}…\n`);
  const catalog = await listTools(target, { timeoutMs, baseEnv: io.env });
  const result = buildFunctionTools(catalog, { api, strict: opts.strict === true, include: opts.include, exclude: opts.exclude });
  printNotes(result.notes, io);
  // "$encoded" can never be a function name (^[a-zA-Z0-9_-]{1,64}$): toMcpCall reads it from the same file
  const routing = Object.keys(result.encoded).length ? { ...result.nameMap, $encoded: result.encoded } : result.nameMap;
  const map = `${JSON.stringify(routing, null, 2)}\n`;
  if (opts.nameMap !== undefined) {
    await writeNameMap(resolve(io.cwd, opts.nameMap), map, opts.nameMap);
    io.stderr(`name map written to ${opts.nameMap}\n`);
  } else {
    io.stderr(`name map (function name → MCP tool name${routing === result.nameMap ? '' : '; "$encoded": the fields to decode'}):\n${map}`);
  }
  io.stdout(`${JSON.stringify(result.tools, null, 2)}\n`);
  io.stderr(`${summaryLine(result.tools, api, opts.strict === true)}\n`);
  const encodedNote = encodedLine(result.encoded, opts.nameMap);
  if (encodedNote) io.stderr(`${encodedNote}\n`);
  return 0;
}

/** The last stderr line, counted from the tools printed: `61 Chat Completions function tools: 55 strict, 6 not strict …`. */
export function summaryLine(tools: ReadonlyArray<ChatFunctionTool | ResponsesFunctionTool>, api: FunctionApi, strict: boolean): string {
  const head = `${tools.length} ${api === 'chat' ? 'Chat Completions' : 'Responses API'} function tools`;
  if (!strict) return head;
  const strictCount = tools.filter((t) => ('function' in t ? t.function.strict : t.strict) === true).length;
  const loose = tools.length - strictCount;
  return `${head}: ${strictCount} strict${loose ? `, ${loose} not strict (the warnings above say why)` : ''}`;
}

/** The line after the summary when some strict arguments are encoded: how many, and where the decoder finds them. */
export function encodedLine(encoded: Readonly<Record<string, unknown>>, nameMapFile: string | undefined): string | undefined {
  const count = Object.keys(encoded).length;
  if (count === 0) return undefined;
  const where = nameMapFile === undefined ? 'the name map above' : nameMapFile;
  return `${count} of them take some arguments encoded (strings holding JSON, key/value lists): "$encoded" in ${where} says which; toMcpCall decodes them`;
}

async function writeNameMap(path: string, text: string, given: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot write --name-map ${given} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'check that the directory exists and is writable',
      cause: error,
    });
  }
}

/** Warnings and errors one per line; info notes (renames, hinted keywords) counted, listed only when few. */
export function printNotes(notes: FunctionNote[], io: CommandIO): void {
  const info = notes.filter((n) => n.level === 'info');
  const shown = info.length <= 10 ? notes : notes.filter((n) => n.level !== 'info');
  for (const n of shown) io.stderr(`${formatNote(n)}\n`);
  if (shown.length < notes.length) io.stderr(`(${info.length} info notes not shown)\n`);
}
