import { describe, expect, it } from 'vitest';
import { createRequestGuard, hostName, type GuardOptions } from '../../../src/adapter/guards.js';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('hostName', () => {
  it.each([
    ['localhost:8080', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:8080', '::1'],
    ['[::1]', '::1'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['api.example.com.', 'api.example.com'],
    ['api.example.com.:443', 'api.example.com'],
    ['::1', '::1'],
  ])('%s → %s', (value, want) => expect(hostName(value)).toBe(want));
});

describe('createRequestGuard', () => {
  const table: [string, { given: { options?: GuardOptions; method?: string; headers: Record<string, string> }; want: number | 'ok' }][] = [
    // Host: loopback names and IP literals pass; a domain only when it is ours.
    ['loopback name', { given: { method: 'GET', headers: { host: 'localhost:8080' } }, want: 'ok' }],
    ['loopback v4', { given: { method: 'GET', headers: { host: '127.0.0.1:8080' } }, want: 'ok' }],
    ['loopback v6', { given: { method: 'GET', headers: { host: '[::1]:8080' } }, want: 'ok' }],
    ['other IP literal (a rebinding page never sends one)', { given: { method: 'GET', headers: { host: '10.0.0.7:8080' } }, want: 'ok' }],
    ['no Host (HTTP/1.0)', { given: { method: 'GET', headers: {} }, want: 'ok' }],
    ['rebinding domain', { given: { method: 'GET', headers: { host: 'rebind.attacker.example:8080' } }, want: 403 }],
    ['rebinding domain on POST', { given: { method: 'POST', headers: { host: 'rebind.attacker.example', ...JSON_TYPE } }, want: 403 }],
    ['lookalike of localhost', { given: { method: 'GET', headers: { host: 'localhost.attacker.example' } }, want: 403 }],
    ['the public URL host', { given: { options: { publicUrl: 'https://api.example.com/base' }, method: 'GET', headers: { host: 'api.example.com' } }, want: 'ok' }],
    ['the public URL host, other case and trailing dot', { given: { options: { publicUrl: 'https://api.example.com' }, method: 'GET', headers: { host: 'API.Example.COM.:443' } }, want: 'ok' }],
    ['a subdomain of the public host', { given: { options: { publicUrl: 'https://example.com' }, method: 'GET', headers: { host: 'evil.example.com' } }, want: 403 }],
    ['an --allowed-host', { given: { options: { allowedHosts: ['mcp.internal'] }, method: 'GET', headers: { host: 'mcp.internal:8080' } }, want: 'ok' }],
    ['an --allowed-host given with a port', { given: { options: { allowedHosts: ['mcp.internal:9000'] }, method: 'GET', headers: { host: 'mcp.internal' } }, want: 'ok' }],
    ['not the --allowed-host', { given: { options: { allowedHosts: ['mcp.internal'] }, method: 'GET', headers: { host: 'mcp.internal.attacker.example' } }, want: 403 }],
    // Origin: absent passes; our own origin passes; others only with --cors.
    ['no Origin (ChatGPT, curl)', { given: { method: 'POST', headers: { host: '127.0.0.1:8080', ...JSON_TYPE } }, want: 'ok' }],
    ['same origin (Swagger UI at /docs)', { given: { method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080', ...JSON_TYPE } }, want: 'ok' }],
    ['same host, other port', { given: { method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:9999', ...JSON_TYPE } }, want: 403 }],
    ['foreign origin, POST', { given: { method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://evil.example', ...JSON_TYPE } }, want: 403 }],
    ['foreign origin, GET', { given: { method: 'GET', headers: { host: '127.0.0.1:8080', origin: 'https://evil.example' } }, want: 403 }],
    ['foreign origin, preflight', { given: { method: 'OPTIONS', headers: { host: '127.0.0.1:8080', origin: 'https://evil.example' } }, want: 403 }],
    ['opaque origin "null" (sandboxed frame, file://)', { given: { method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'null', ...JSON_TYPE } }, want: 403 }],
    ['a --cors origin', { given: { options: { cors: ['https://app.example.com'] }, method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://app.example.com', ...JSON_TYPE } }, want: 'ok' }],
    ['a --cors origin given with a trailing slash', { given: { options: { cors: ['https://app.example.com/'] }, method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://app.example.com', ...JSON_TYPE } }, want: 'ok' }],
    ['not the --cors origin', { given: { options: { cors: ['https://app.example.com'] }, method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://app.example.com.evil.example', ...JSON_TYPE } }, want: 403 }],
    ['--cors *', { given: { options: { cors: ['*'] }, method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://anything.example', ...JSON_TYPE } }, want: 'ok' }],
    ['--cors * still checks Host', { given: { options: { cors: ['*'] }, method: 'POST', headers: { host: 'rebind.attacker.example', origin: 'http://rebind.attacker.example', ...JSON_TYPE } }, want: 403 }],
    ['the public origin', { given: { options: { publicUrl: 'https://api.example.com' }, method: 'POST', headers: { host: '127.0.0.1:8080', origin: 'https://api.example.com', ...JSON_TYPE } }, want: 'ok' }],
    // POST content types a page may send without a preflight.
    ['POST, no Content-Type (empty body)', { given: { method: 'POST', headers: { host: '127.0.0.1' } }, want: 415 }],
    ['POST text/plain', { given: { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'text/plain;charset=UTF-8' } }, want: 415 }],
    ['POST form', { given: { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/x-www-form-urlencoded' } }, want: 415 }],
    ['POST multipart', { given: { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'Multipart/Form-Data; boundary=x' } }, want: 415 }],
    ['POST JSON', { given: { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json; charset=utf-8' } }, want: 'ok' }],
    ['GET without Content-Type', { given: { method: 'GET', headers: { host: '127.0.0.1' } }, want: 'ok' }],
    ['DELETE without Content-Type (never a simple request)', { given: { method: 'DELETE', headers: { host: '127.0.0.1' } }, want: 'ok' }],
  ];
  it.each(table)('%s', (_name, { given, want }) => {
    const refused = createRequestGuard(given.options).check(given.method, given.headers);
    expect(refused ? refused.status : 'ok').toBe(want);
  });

  it('names the cause and the fix', () => {
    const guard = createRequestGuard();
    expect(guard.check('GET', { host: 'rebind.attacker.example:8080' })?.message).toMatch(/Host "rebind\.attacker\.example:8080".*--allowed-host rebind\.attacker\.example/);
    expect(guard.check('POST', { host: '127.0.0.1', origin: 'https://evil.example', 'content-type': 'application/json' })?.message).toContain('--cors https://evil.example');
    expect(guard.check('POST', { host: '127.0.0.1' })?.message).toContain('Content-Type: application/json');
    expect(guard.check('GET', { host: 'x'.repeat(5000) + '.example' })!.message.length).toBeLessThan(500);
  });
});
