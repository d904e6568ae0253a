/**
 * Rules about the document version and `servers`.
 * @see platform-facts.md "Importer since ~2025-08 rejects 3.0.x", "servers: missing …; several -> first kept;
 *      http vs https / port / uppercase host -> None of the provided servers is under the root origin".
 */
import { isObject, toPointer } from '../pointer.js';
import type { Finding, Rule, RuleContext } from '../types.js';
import { isLocalHost, parseRawUrl } from '../url-host.js';

const ACCEPTED_VERSIONS = ['3.1.0', '3.1.1'];

/** Each server URL with its pointer. */
function serverUrls(ctx: RuleContext): { url: string; pointer: string }[] {
  const servers = ctx.spec['servers'];
  if (!Array.isArray(servers)) return [];
  return servers.flatMap((s, i) =>
    isObject(s) && typeof s['url'] === 'string' ? [{ url: s['url'], pointer: toPointer(['servers', i, 'url']) }] : [],
  );
}

/** Servers whose URL is absolute and parseable; the others are reported by server-url. */
function eachParsedServer(ctx: RuleContext, test: (raw: NonNullable<ReturnType<typeof parseRawUrl>>, url: string) => string | undefined): Finding[] {
  return serverUrls(ctx).flatMap(({ url, pointer }) => {
    const raw = parseRawUrl(url);
    if (!raw || url.includes('{')) return [];
    const message = test(raw, url);
    return message ? [{ pointer, message }] : [];
  });
}

export const serverRules: Rule[] = [
  {
    id: 'openapi-version',
    severity: 'error',
    description: '`openapi` is 3.1.0 or 3.1.1',
    hint: 'set `openapi: 3.1.0` (the GPT builder rejects 3.0.x: "Input should be \'3.1.1\' or \'3.1.0\'")',
    check: (ctx) => {
      const v = ctx.spec['openapi'];
      if (typeof v === 'string' && ACCEPTED_VERSIONS.includes(v)) return [];
      return [{ pointer: '/openapi', message: `openapi is ${JSON.stringify(v ?? null)}; the GPT builder accepts only 3.1.0 and 3.1.1` }];
    },
  },
  {
    id: 'servers-missing',
    severity: 'error',
    description: '`servers` lists a server',
    hint: 'add `servers: [{ url: https://api.example.com }]` (the public HTTPS URL of the adapter)',
    check: (ctx) => {
      const servers = ctx.spec['servers'];
      if (Array.isArray(servers) && servers.length > 0) return [];
      return [{ pointer: Array.isArray(servers) ? '/servers' : '', message: 'no server URL: the GPT builder says "Could not find a valid URL in `servers`"' }];
    },
  },
  {
    id: 'servers-multiple',
    severity: 'error',
    description: 'exactly one server',
    hint: 'keep only the public URL of the adapter in `servers`',
    check: (ctx) => {
      const servers = ctx.spec['servers'];
      if (!Array.isArray(servers) || servers.length <= 1) return [];
      return [{ pointer: '/servers/1', message: `${servers.length} servers; ChatGPT keeps only the first one` }];
    },
  },
  {
    id: 'server-url',
    severity: 'error',
    description: 'the server URL is absolute, without {variables}',
    hint: 'write the full URL, e.g. https://api.example.com',
    check: (ctx) =>
      serverUrls(ctx).flatMap(({ url, pointer }) => {
        if (url.includes('{')) return [{ pointer, message: `server URL "${url}" uses server variables; ChatGPT needs a concrete URL` }];
        const raw = parseRawUrl(url);
        if (!raw || raw.host === '') return [{ pointer, message: `server URL "${url}" is not an absolute URL` }];
        return [];
      }),
  },
  {
    id: 'server-https',
    severity: 'error',
    description: 'the server URL is https',
    hint: 'serve the adapter behind TLS on port 443 and use its https:// URL',
    check: (ctx) => eachParsedServer(ctx, (raw, url) => (raw.scheme.toLowerCase() === 'https' ? undefined : `server URL "${url}" is not https`)),
  },
  {
    id: 'server-host-lowercase',
    severity: 'error',
    description: 'the server host is lowercase',
    hint: 'write the host in lowercase',
    check: (ctx) =>
      eachParsedServer(ctx, (raw, url) => (raw.host === raw.host.toLowerCase() ? undefined : `server URL "${url}" has an uppercase host`)),
  },
  {
    id: 'server-port',
    severity: 'error',
    description: 'the server URL has no port',
    hint: 'remove the port: ChatGPT calls https on 443 only',
    check: (ctx) => eachParsedServer(ctx, (raw, url) => (raw.port === undefined ? undefined : `server URL "${url}" has a port`)),
  },
  {
    id: 'server-local',
    severity: 'error',
    description: 'the server is publicly reachable (not localhost or a private address)',
    hint: 'expose the adapter on a public https URL (a tunnel or a deployment) and use that',
    check: (ctx) =>
      eachParsedServer(ctx, (raw, url) => (isLocalHost(raw.host) ? `server URL "${url}" is not reachable from ChatGPT` : undefined)),
  },
];
