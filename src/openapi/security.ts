/**
 * Security schemes: exactly one, applied globally (ChatGPT: "Found multiple security schemes, only 1 is
 * supported"). `none` emits no scheme at all.
 * @see platform-facts.md "Auth: None | API key (Basic, Bearer, Custom header) | OAuth"
 */
import type { SecurityRequirementObject, SecuritySchemeObject } from 'openapi3-ts/oas31';
import { ConfigError } from '../errors.js';

export interface AuthOptions {
  type: 'none' | 'api-key' | 'bearer' | 'basic' | 'oauth';
  /** Default `X-API-Key`. */
  apiKeyHeader?: string;
  oauth?: { authorizationUrl: string; tokenUrl: string; scopes: string[] };
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface SecurityParts {
  schemes: Record<string, SecuritySchemeObject>;
  security?: SecurityRequirementObject[];
}

/** The one scheme and the global requirement for `auth`; ConfigError for unusable values. */
export function buildSecurity(auth: AuthOptions): SecurityParts {
  switch (auth.type) {
    case 'none':
      return { schemes: {} };
    case 'api-key': {
      const name = auth.apiKeyHeader ?? DEFAULT_API_KEY_HEADER;
      if (!HEADER_NAME.test(name)) {
        throw new ConfigError(`--api-key-header "${name}" is not a valid HTTP header name`, { hint: 'e.g. --api-key-header X-API-Key' });
      }
      return { schemes: { apiKey: { type: 'apiKey', in: 'header', name } }, security: [{ apiKey: [] }] };
    }
    case 'bearer':
      return { schemes: { bearerAuth: { type: 'http', scheme: 'bearer' } }, security: [{ bearerAuth: [] }] };
    case 'basic':
      return { schemes: { basicAuth: { type: 'http', scheme: 'basic' } }, security: [{ basicAuth: [] }] };
    case 'oauth': {
      const o = auth.oauth;
      if (!o || !o.authorizationUrl || !o.tokenUrl) {
        throw new ConfigError('--auth oauth needs --oauth-authorization-url and --oauth-token-url', {
          hint: 'e.g. --oauth-authorization-url https://auth.example.com/authorize --oauth-token-url https://auth.example.com/token',
        });
      }
      for (const [flag, url] of [['--oauth-authorization-url', o.authorizationUrl], ['--oauth-token-url', o.tokenUrl]] as const) {
        // Plain http on a loopback address: a local authorization server while testing (never one ChatGPT can use).
        if (!/^https:\/\/[^\s/]+/i.test(url) && !/^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url)) {
          throw new ConfigError(`${flag} "${url}" is not an https URL`, { hint: 'ChatGPT only talks to https endpoints' });
        }
      }
      const scopes: Record<string, string> = {};
      for (const s of [...new Set(o.scopes)].sort()) scopes[s] = s;
      return {
        schemes: {
          oauth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: o.authorizationUrl, tokenUrl: o.tokenUrl, scopes } } },
        },
        security: [{ oauth2: Object.keys(scopes) }],
      };
    }
    default:
      throw new ConfigError(`--auth "${String((auth as { type: unknown }).type)}" is not one of none, api-key, bearer, basic, oauth`, {
        hint: 'e.g. --auth bearer',
      });
  }
}
