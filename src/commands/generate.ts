/** `mcp-actions generate openapi`: introspect a server and print its OpenAPI spec. */
import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ConfigError, ProblemsFoundError, UsageError } from '../errors.js';
import type { ToolCatalog } from '../mcp/catalog.js';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { listTools } from '../mcp/introspect.js';
import { describeTarget } from '../mcp/target.js';
import { buildSpec, type BuildResult, type SpecOptions } from '../openapi/build-spec.js';
import { formatNote } from '../openapi/notes.js';
import { buildSecurity } from '../openapi/security.js';
import { checkServerUrl } from '../openapi/servers.js';
import { serializeSpec } from '../openapi/serialize.js';
import { applyOAuthIssuer, type DiscoveredIssuer, type OAuthIssuerFlags } from './generate-oauth.js';
import type { CommandIO } from './io.js';
import { loadTemplate, parseSpecFlags, type SpecFlags } from './spec-options.js';
import { parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface GenerateOpenapiOptions extends TargetOptions, SpecFlags, OAuthIssuerFlags {
  output?: string;
  format?: string;
}

export function outputFormat(format: string | undefined, output: string | undefined): 'yaml' | 'json' {
  if (format !== undefined) {
    if (format === 'yaml' || format === 'json') return format;
    throw new UsageError(`--format "${format}" is not one of yaml, json`, { hint: 'e.g. --format json' });
  }
  return output !== undefined && extname(output).toLowerCase() === '.json' ? 'json' : 'yaml';
}

export interface GeneratedSpec {
  catalog: ToolCatalog;
  result: BuildResult;
  /** The options the spec was built with (the OAuth flow filled from the issuer's metadata). */
  specOptions: SpecOptions;
  /** The authorization server, when --oauth-issuer was given. */
  issuer?: DiscoveredIssuer;
}

/**
 * Discovers the OAuth issuer (--oauth-issuer), connects, lists the tools and builds the spec; notes go to stderr.
 * Shared with `generate gpt`.
 */
export async function generateSpec(operands: string[], opts: TargetOptions & SpecFlags & OAuthIssuerFlags, io: CommandIO): Promise<GeneratedSpec> {
  const specOptions = parseSpecFlags(opts);
  // fail on a bad URL, auth or issuer before spawning anything
  checkServerUrl(specOptions.serverUrl, specOptions.profile ?? 'gpt-actions');
  const issuer = await applyOAuthIssuer(specOptions, opts, io);
  buildSecurity(specOptions.auth ?? { type: 'none' });
  const base = await loadTemplate(opts.template, io.cwd);
  const target = await resolveTarget(opts, operands, io);
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  io.stderr(`connecting to ${describeTarget(target)}…\n`);
  const catalog = await listTools(target, { timeoutMs, baseEnv: io.env });
  let result: BuildResult;
  try {
    result = buildSpec(catalog, { ...specOptions, ...(base ? { base } : {}) });
  } catch (error) {
    if (error instanceof ProblemsFoundError) for (const p of error.problems) io.stderr(`error: ${p}\n`);
    throw error;
  }
  for (const note of result.notes) io.stderr(`${formatNote(note)}\n`);
  io.stderr(`${catalog.server.name} ${catalog.server.version}: ${catalog.tools.length} tools → ${result.operations.length} operations\n`);
  return { catalog, result, specOptions, ...(issuer ? { issuer } : {}) };
}

export async function generateOpenapiCommand(operands: string[], opts: GenerateOpenapiOptions, io: CommandIO): Promise<number> {
  const format = outputFormat(opts.format, opts.output);
  const { result } = await generateSpec(operands, opts, io);
  const text = serializeSpec(result.spec, format);
  if (opts.output === undefined || opts.output === '-') {
    io.stdout(text);
    return 0;
  }
  try {
    await writeFile(resolve(io.cwd, opts.output), text);
  } catch (error) {
    throw new ConfigError(`cannot write ${opts.output} (${(error as NodeJS.ErrnoException).code})`, { hint: 'check the path given to -o', cause: error });
  }
  io.stderr(`wrote ${opts.output}\n`);
  return 0;
}
