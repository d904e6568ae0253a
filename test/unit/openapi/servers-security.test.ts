import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { buildSecurity } from '../../../src/openapi/security.js';
import { checkServerUrl } from '../../../src/openapi/servers.js';

describe('checkServerUrl', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com/v1/mcp/', 'https://api.example.com/v1/mcp'],
  ])('gpt-actions accepts %s', (url, want) => expect(checkServerUrl(url, 'gpt-actions')).toBe(want));

  it.each([
    ['http://api.example.com', /is not https/],
    ['https://api.example.com:8443', /has a port/],
    ['https://api.example.com:443', /has a port/],
    ['https://API.example.com', /uppercase host.*https:\/\/api\.example\.com/],
    ['https://localhost', /is local/],
    ['https://127.0.0.1', /is local/],
    ['https://[::1]', /is local/],
    ['https://dev.localhost', /is local/],
    ['not a url', /is not a URL/],
    ['ftp://api.example.com', /not an http\(s\) URL/],
    ['https://api.example.com/?a=1', /query or fragment/],
    ['https://user:pw@api.example.com', /credentials/],
  ])('gpt-actions rejects %s with the reason (exit 2)', (url, reason) => {
    let error: unknown;
    try { checkServerUrl(url, 'gpt-actions'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UsageError);
    expect(`${(error as UsageError).message}; ${(error as UsageError).hint}`).toMatch(reason);
    expect((error as UsageError).exitCode).toBe(2);
  });

  it('the generic profile accepts local http URLs with a port', () => {
    expect(checkServerUrl('http://127.0.0.1:8080/', 'generic')).toBe('http://127.0.0.1:8080');
  });
});

describe('buildSecurity', () => {
  it.each([
    [{ type: 'none' as const }, {}, undefined],
    [{ type: 'api-key' as const }, { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } }, [{ apiKey: [] }]],
    [{ type: 'api-key' as const, apiKeyHeader: 'X-Token' }, { apiKey: { type: 'apiKey', in: 'header', name: 'X-Token' } }, [{ apiKey: [] }]],
    [{ type: 'bearer' as const }, { bearerAuth: { type: 'http', scheme: 'bearer' } }, [{ bearerAuth: [] }]],
    [{ type: 'basic' as const }, { basicAuth: { type: 'http', scheme: 'basic' } }, [{ basicAuth: [] }]],
    [
      { type: 'oauth' as const, oauth: { authorizationUrl: 'https://a.example.com/authorize', tokenUrl: 'https://a.example.com/token', scopes: ['b', 'a', 'b'] } },
      { oauth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://a.example.com/authorize', tokenUrl: 'https://a.example.com/token', scopes: { a: 'a', b: 'b' } } } } },
      [{ oauth2: ['a', 'b'] }],
    ],
  ])('%j → exactly one scheme', (auth, schemes, security) => {
    expect(buildSecurity(auth)).toEqual({ schemes, ...(security ? { security } : {}) });
  });

  it.each([
    [{ type: 'api-key' as const, apiKeyHeader: 'Bad Header' }, /not a valid HTTP header name/],
    [{ type: 'oauth' as const }, /needs --oauth-authorization-url and --oauth-token-url/],
    [{ type: 'oauth' as const, oauth: { authorizationUrl: 'http://a.example.com', tokenUrl: 'https://a.example.com/t', scopes: [] } }, /is not an https URL/],
  ])('rejects %j', (auth, message) => {
    expect(() => buildSecurity(auth)).toThrow(ConfigError);
    expect(() => buildSecurity(auth)).toThrow(message);
  });
});
