/**
 * Option parsing shared by `serve` and `call`: numbers with their defaults, and the inbound auth secret from
 * the environment.
 */
import { splitSecrets, type AdapterAuth } from '../adapter/identity/static-auth.js';
import { UsageError } from '../errors.js';
import type { AuthOptions } from '../openapi/build-spec.js';

export const DEFAULT_API_KEY_ENV = 'MCP_ACTIONS_API_KEY';

/** An integer flag within bounds, or the fallback when absent. */
export function parseIntFlag(value: string | number | undefined, flag: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} "${value}" is not an integer between ${min} and ${max}`, { hint: `e.g. ${flag} ${fallback}` });
  }
  return n;
}

/** The adapter's inbound auth: the spec's scheme plus the secret read from `envVar`. */
export function resolveInboundAuth(auth: AuthOptions | undefined, envVar: string | undefined, env: Record<string, string | undefined>): AdapterAuth {
  const type = auth?.type ?? 'none';
  if (type === 'none') return { type: 'none' };
  if (type === 'oauth') {
    // No static secret: OAuth tokens are checked against the issuer (serve-oauth.ts).
    throw new UsageError('--auth oauth takes no static secret', { hint: 'give the authorization server with --oauth-issuer https://…' });
  }
  const name = envVar ?? DEFAULT_API_KEY_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--api-key-env "${name}" is not an environment variable name`, {
      hint: 'pass the NAME of the variable that holds the secret, never the secret itself',
    });
  }
  const secret = env[name];
  if (!secret || splitSecrets(secret).length === 0) {
    const example = type === 'basic' ? 'user:password' : 'a long random string';
    throw new UsageError(`--auth ${type} needs a secret in the environment variable ${name}, which is ${secret === undefined ? 'not set' : 'empty'}`, {
      hint: `export ${name}=<${example}> (or name another variable with --api-key-env)`,
    });
  }
  if (type === 'basic' && !splitSecrets(secret).every((line) => line.includes(':'))) {
    throw new UsageError(`--auth basic needs ${name} to hold "user:password" (one per line)`, { hint: `export ${name}=alice:$(openssl rand -hex 16)` });
  }
  if (type === 'api-key') return { type, header: auth?.apiKeyHeader ?? 'X-API-Key', secret };
  return { type, secret };
}

/** `--allowed-host` values: host names (a port is allowed and ignored), never URLs or patterns. */
export function parseAllowedHosts(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  for (const value of values) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?)(:\d{1,5})?$/.test(value)) {
      throw new UsageError(`--allowed-host "${value}" is not a host name`, { hint: 'give the name clients put in the Host header, e.g. --allowed-host mcp.internal (no scheme, no path, no wildcard)' });
    }
  }
  return values;
}
