/**
 * `validate SPEC --check [target]`: regenerate the spec from the live server with the options recorded in
 * `info['x-mcp-actions']` and compare it with the file.
 */
import { extname } from 'node:path';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { listTools } from '../mcp/introspect.js';
import { describeTarget } from '../mcp/target.js';
import { buildSpec, type SpecOptions } from '../openapi/build-spec.js';
import { serializeSpec } from '../openapi/serialize.js';
import { compareWithRegenerated, recordedOptions, type DriftResult } from '../validate/drift.js';
import type { LoadedSpec } from '../validate/source-map.js';
import type { CommandIO } from './io.js';
import { loadTemplate } from './spec-options.js';
import { parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface CheckOptions extends TargetOptions {
  template?: string;
}

export interface DriftCheck {
  result: DriftResult;
  /** The command that rewrites the file from the server. */
  command: string;
}

export async function checkDrift(specPath: string, text: string, loaded: LoadedSpec, operands: string[], opts: CheckOptions, io: CommandIO): Promise<DriftCheck> {
  const options = recordedOptions(loaded.document, specPath);
  const target = await resolveTarget(opts, operands, io);
  const base = await loadTemplate(opts.template, io.cwd);
  io.stderr(`connecting to ${describeTarget(target)}…\n`);
  const catalog = await listTools(target, { timeoutMs: parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS), baseEnv: io.env });
  const { spec } = buildSpec(catalog, { ...options, ...(base ? { base } : {}) });
  const fresh = serializeSpec(spec, loaded.format);
  const result = compareWithRegenerated(specPath, { text, spec: loaded.document }, { text: fresh, spec: spec as unknown as Record<string, unknown> });
  return { result, command: generateCommandLine(options, specPath, loaded.format, operands, opts) };
}

/** `mcp-actions generate openapi <recorded flags> -o SPEC <target>`, ready to paste into a shell. */
export function generateCommandLine(o: SpecOptions, specPath: string, format: 'json' | 'yaml', operands: string[], t: CheckOptions): string {
  const args = ['mcp-actions', 'generate', 'openapi', '--server-url', o.serverUrl];
  if (o.profile && o.profile !== 'gpt-actions') args.push('--profile', o.profile);
  const auth = o.auth;
  if (auth && auth.type !== 'none') {
    args.push('--auth', auth.type);
    if (auth.type === 'api-key' && auth.apiKeyHeader && auth.apiKeyHeader !== 'X-API-Key') args.push('--api-key-header', auth.apiKeyHeader);
    if (auth.type === 'oauth' && auth.oauth) {
      args.push('--oauth-authorization-url', auth.oauth.authorizationUrl, '--oauth-token-url', auth.oauth.tokenUrl);
      if (auth.oauth.scopes.length) args.push('--oauth-scopes', auth.oauth.scopes.join(','));
    }
  }
  if (o.consequential && o.consequential !== 'annotations') args.push('--consequential', o.consequential);
  for (const g of o.include ?? []) args.push('--include', g);
  for (const g of o.exclude ?? []) args.push('--exclude', g);
  if (o.overflow && o.overflow !== 'error') args.push('--overflow', o.overflow);
  if (o.openapiVersion && o.openapiVersion !== '3.1') args.push('--openapi', o.openapiVersion);
  if (t.template) args.push('--template', t.template);
  const ext = extname(specPath).toLowerCase();
  if ((format === 'json') !== (ext === '.json')) args.push('--format', format);
  args.push('-o', specPath);
  if (t.url) args.push('--url', t.url);
  for (const h of t.header ?? []) args.push('--header', h.replace(/:.*/, ': …'));
  if (t.config) args.push('--config', t.config, ...(t.server ? ['--server', t.server] : []));
  for (const e of t.env ?? []) args.push('--env', e);
  if (operands.length) args.push('--', ...operands);
  return args.map(shellQuote).join(' ');
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
