import { describe, expect, it } from 'vitest';
import { baseDomain, isLocalHost, parseRawUrl } from '../../../src/validate/url-host.js';

describe('parseRawUrl keeps what the WHATWG parser normalises away', () => {
  it.each([
    ['https://API.example.com/v1', { scheme: 'https', host: 'API.example.com' }],
    ['https://api.example.com:443', { scheme: 'https', host: 'api.example.com', port: '443' }],
    ['https://user:pw@api.example.com:8443/x', { scheme: 'https', host: 'api.example.com', port: '8443' }],
    ['http://[::1]:3000/', { scheme: 'http', host: '::1', port: '3000' }],
    ['https://[2001:db8::1]/', { scheme: 'https', host: '2001:db8::1' }],
  ])('%s', (url, want) => expect(parseRawUrl(url)).toEqual(want));

  it.each(['/api', 'api.example.com', ''])('%j is not absolute', (url) => expect(parseRawUrl(url)).toBeUndefined());
});

describe('isLocalHost', () => {
  it.each(['localhost', 'LOCALHOST', 'app.localhost', 'printer.local', '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.1', '192.168.1.1', '169.254.1.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', 'intranet'])(
    '%s is local',
    (host) => expect(isLocalHost(host)).toBe(true),
  );
  it.each(['api.example.com', '8.8.8.8', '172.32.0.1', '2001:db8::1', 'my-app.fly.dev'])('%s is public', (host) => expect(isLocalHost(host)).toBe(false));
});

describe('baseDomain', () => {
  it.each([
    ['api.example.com', 'example.com'],
    ['auth.eu.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['api.example.co.uk', 'example.co.uk'],
    ['accounts.google.com', 'google.com'],
  ])('%s → %s', (host, want) => expect(baseDomain(host)).toBe(want));
});
