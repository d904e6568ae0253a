/**
 * The flags that shape a spec, shared by every command that builds one (`generate openapi`, `serve`), so
 * the same flags give the same spec everywhere. Declares them on a commander command and turns their
 * values into SpecOptions (without `serverUrl` and `base`, which each command resolves itself).
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { AuthOptions, SpecOptions } from '../openapi/build-spec.js';
import { collect } from './shared.js';

export interface SpecFlags {
  profile?: string;
  /** `false` when a command also declares `--no-auth` and it was given. */
  auth?: string | boolean;
  apiKeyHeader?: string;
  oauthAuthorizationUrl?: string;
  oauthTokenUrl?: string;
  oauthScope?: string[];
  consequential?: string;
  include?: string[];
  exclude?: string[];
  overflow?: string;
  openapiVersion?: string;
  base?: string;
  failOnShorten?: boolean;
}

export type SpecShape = Omit<SpecOptions, 'serverUrl' | 'base'>;

export function addSpecFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--profile <profile>', 'gpt-actions: ChatGPT\'s limits and rules; generic: any OpenAPI client').choices(['gpt-actions', 'generic']).default('gpt-actions'))
    .addOption(new Option('--auth <type>', 'security scheme of the spec').choices(['none', 'api-key', 'bearer', 'basic', 'oauth']))
    .option('--api-key-header <name>', 'header that carries the API key with --auth api-key', 'X-API-Key')
    .option('--oauth-authorization-url <url>', 'OAuth authorization URL with --auth oauth')
    .option('--oauth-token-url <url>', 'OAuth token URL with --auth oauth')
    .option('--oauth-scope <scope>', 'OAuth scope (repeatable)', collect)
    .addOption(new Option('--consequential <mode>', 'x-openai-isConsequential: from tool annotations, or for all/none').choices(['annotations', 'all', 'none']).default('annotations'))
    .option('--include <glob>', 'only tools whose name matches (repeatable)', collect)
    .option('--exclude <glob>', 'leave out tools whose name matches (repeatable)', collect)
    .addOption(new Option('--overflow <mode>', 'over 30 tools: fail, or reach the rest through one generic operation').choices(['error', 'generic']).default('error'))
    .addOption(new Option('--openapi-version <v>', 'OpenAPI version of the output').choices(['3.1', '3.0']).default('3.1'))
    .option('--base <file>', 'a YAML/JSON template merged under the spec (info, servers, …)')
    .option('--fail-on-shorten', 'fail (exit 1) instead of shortening texts over ChatGPT\'s limits');
}

/** Flag values → SpecOptions (pure). */
export function specShapeFromFlags(flags: SpecFlags): SpecShape {
  // commander gives true when a command also declares --no-auth and neither flag was passed
  const type = typeof flags.auth === 'string' ? flags.auth : 'none';
  let auth: AuthOptions;
  if (type === 'api-key') auth = { type, apiKeyHeader: flags.apiKeyHeader ?? 'X-API-Key' };
  else if (type === 'oauth') {
    auth = {
      type,
      oauth: { authorizationUrl: flags.oauthAuthorizationUrl ?? '', tokenUrl: flags.oauthTokenUrl ?? '', scopes: flags.oauthScope ?? [] },
    };
  } else if (type === 'none' || type === 'bearer' || type === 'basic') auth = { type };
  else throw new UsageError(`--auth "${type}" is not one of none, api-key, bearer, basic, oauth`, { hint: 'e.g. --auth bearer' });
  return {
    profile: (flags.profile ?? 'gpt-actions') as SpecShape['profile'],
    auth,
    consequential: (flags.consequential ?? 'annotations') as SpecShape['consequential'],
    ...(flags.include?.length ? { include: flags.include } : {}),
    ...(flags.exclude?.length ? { exclude: flags.exclude } : {}),
    overflow: (flags.overflow ?? 'error') as SpecShape['overflow'],
    openapiVersion: (flags.openapiVersion ?? '3.1') as SpecShape['openapiVersion'],
    ...(flags.failOnShorten ? { failOnShorten: true } : {}),
  };
}
