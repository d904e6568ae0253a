/**
 * The spec flags shared by `generate openapi`, `generate gpt` (and `serve`): parsing them into
 * SpecOptions with one-line errors, and loading the template merged under the spec.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyModule } from '../lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');
import { ConfigError, UsageError } from '../errors.js';
import type { AuthOptions, SpecOptions } from '../openapi/build-spec.js';

export interface SpecFlags {
  serverUrl?: string;
  profile?: string;
  auth?: string;
  apiKeyHeader?: string;
  oauthAuthorizationUrl?: string;
  oauthTokenUrl?: string;
  oauthScopes?: string;
  consequential?: string;
  include?: string[];
  exclude?: string[];
  overflow?: string;
  openapi?: string;
  template?: string;
  failOnShorten?: boolean;
  /** commander's --no-async: false when given. */
  async?: boolean;
  files?: string;
}

/** The template shipped with the package. */
export const DEFAULT_TEMPLATE = fileURLToPath(new URL('../../templates/openapi.base.yaml', import.meta.url));

function oneOf<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${value}" is not one of ${choices.join(', ')}`, { hint: `e.g. ${flag} ${fallback}` });
}

/** Flags → SpecOptions (without the template, see loadTemplate). */
export function parseSpecFlags(flags: SpecFlags): SpecOptions {
  if (!flags.serverUrl) {
    throw new UsageError('--server-url is required', {
      hint: 'pass the public https URL where the adapter (mcp-actions serve) will answer, e.g. --server-url https://api.example.com',
    });
  }
  const auth: AuthOptions = { type: oneOf('--auth', flags.auth, ['none', 'api-key', 'bearer', 'basic', 'oauth'] as const, 'none') };
  if (flags.apiKeyHeader !== undefined) {
    if (auth.type !== 'api-key') throw new UsageError('--api-key-header only applies to --auth api-key', { hint: 'add --auth api-key' });
    auth.apiKeyHeader = flags.apiKeyHeader;
  }
  const oauthFlags = [flags.oauthAuthorizationUrl, flags.oauthTokenUrl, flags.oauthScopes].some((v) => v !== undefined);
  if (oauthFlags && auth.type !== 'oauth') throw new UsageError('the --oauth-* flags only apply to --auth oauth', { hint: 'add --auth oauth' });
  if (auth.type === 'oauth') {
    auth.oauth = {
      authorizationUrl: flags.oauthAuthorizationUrl ?? '',
      tokenUrl: flags.oauthTokenUrl ?? '',
      scopes: (flags.oauthScopes ?? '').split(/[\s,]+/).filter(Boolean),
    };
  }
  const options: SpecOptions = {
    serverUrl: flags.serverUrl,
    profile: oneOf('--profile', flags.profile, ['gpt-actions', 'generic'] as const, 'gpt-actions'),
    auth,
    consequential: oneOf('--consequential', flags.consequential, ['annotations', 'all', 'none'] as const, 'annotations'),
    overflow: oneOf('--overflow', flags.overflow, ['error', 'generic'] as const, 'error'),
    openapiVersion: oneOf('--openapi', flags.openapi, ['3.1', '3.0'] as const, '3.1'),
  };
  if (flags.include?.length) options.include = flags.include;
  if (flags.exclude?.length) options.exclude = flags.exclude;
  if (flags.failOnShorten) options.failOnShorten = true;
  options.jobs = flags.async !== false;
  options.files = oneOf('--files', flags.files, ['auto', 'none'] as const, 'auto');
  return options;
}

/** Reads and parses a YAML/JSON template; the default one may be missing, a given one may not. */
export async function loadTemplate(path: string | undefined, cwd: string): Promise<Record<string, unknown> | undefined> {
  const file = path === undefined ? DEFAULT_TEMPLATE : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (path === undefined) return undefined;
    throw new ConfigError(`cannot read the template ${path} (${(error as NodeJS.ErrnoException).code})`, { hint: 'check the path given to --template', cause: error });
  }
  // The bundled template (and any other made only of comments) is an empty document: no need to load the YAML
  // parser, which `serve` would then keep for its whole life (issue 8 bounds its resident memory).
  if (onlyComments(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch (error) {
    throw new ConfigError(`the template ${path ?? file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: 'fix the file or pass another --template', cause: error });
  }
  if (parsed === null || parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`the template ${path ?? file} is not a mapping`, { hint: 'a template is a partial OpenAPI document, e.g. "info: { contact: { email: … } }"' });
  }
  return parsed as Record<string, unknown>;
}

/** True when every line is blank or a YAML comment: the document is empty (null). */
export function onlyComments(text: string): boolean {
  return text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line));
}
