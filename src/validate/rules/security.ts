/**
 * Rules about authentication: one scheme, of a kind ChatGPT supports, with OAuth URLs on the API's domain.
 * @see platform-facts.md "Auth: None | API key (Basic, Bearer, Custom header) | OAuth …; One scheme per action;
 *      OAuth domains must match API domain (except Google/Microsoft/Adobe)".
 */
import { isObject, toPointer } from '../pointer.js';
import type { Finding, Rule, RuleContext } from '../types.js';
import { baseDomain, parseRawUrl } from '../url-host.js';

const OAUTH_EXEMPT = ['google.com', 'googleapis.com', 'microsoft.com', 'microsoftonline.com', 'live.com', 'windows.net', 'adobe.com', 'adobelogin.com', 'adobe.io'];

function schemes(ctx: RuleContext): [string, Record<string, unknown>][] {
  const c = ctx.spec['components'];
  const s = isObject(c) ? c['securitySchemes'] : undefined;
  return isObject(s) ? Object.entries(s).filter((e): e is [string, Record<string, unknown>] => isObject(e[1])) : [];
}

function unsupported(scheme: Record<string, unknown>): string | undefined {
  const type = scheme['type'];
  if (type === 'apiKey') return scheme['in'] === 'header' ? undefined : `an API key in ${String(scheme['in'])} (only a header is supported)`;
  if (type === 'http') {
    const s = String(scheme['scheme'] ?? '').toLowerCase();
    return s === 'bearer' || s === 'basic' ? undefined : `HTTP "${s}" auth (only basic and bearer are supported)`;
  }
  if (type === 'oauth2') {
    const flows = scheme['flows'];
    return isObject(flows) && isObject(flows['authorizationCode']) ? undefined : 'OAuth without an authorizationCode flow';
  }
  return `"${String(type)}" auth`;
}

function serverHost(ctx: RuleContext): string | undefined {
  const servers = ctx.spec['servers'];
  const first = Array.isArray(servers) && isObject(servers[0]) ? servers[0]['url'] : undefined;
  return typeof first === 'string' ? parseRawUrl(first)?.host.toLowerCase() : undefined;
}

export const securityRules: Rule[] = [
  {
    id: 'security-schemes-max',
    severity: 'error',
    description: 'at most one security scheme',
    hint: 'keep one entry in components.securitySchemes ("Found multiple security schemes, only 1 is supported")',
    check: (ctx) => {
      const all = schemes(ctx);
      if (all.length <= 1) return [];
      return [{ pointer: toPointer(['components', 'securitySchemes', all[1]![0]]), message: `${all.length} security schemes (${all.map((e) => e[0]).join(', ')}); a GPT action supports one` }];
    },
  },
  {
    id: 'security-scheme-supported',
    // The builder configures auth in its own form; a scheme it cannot express imports, but will not work as written.
    severity: 'warning',
    description: 'the security scheme is an API key header, HTTP basic/bearer or OAuth authorization code',
    hint: 'use an API key in a header, HTTP basic or bearer, or OAuth 2 with an authorizationCode flow',
    check: (ctx) =>
      schemes(ctx).flatMap(([name, scheme]): Finding[] => {
        const why = unsupported(scheme);
        return why ? [{ pointer: toPointer(['components', 'securitySchemes', name]), message: `security scheme "${name}" is ${why}; the GPT builder cannot set it up` }] : [];
      }),
  },
  {
    id: 'oauth-domain',
    severity: 'warning',
    description: 'OAuth URLs are on the API server\'s domain (Google, Microsoft and Adobe excepted)',
    hint: 'host the OAuth authorization and token endpoints on the same domain as the server URL',
    check: (ctx) => {
      const host = serverHost(ctx);
      if (!host) return [];
      const domain = baseDomain(host);
      const out: Finding[] = [];
      for (const [name, scheme] of schemes(ctx)) {
        const flows = scheme['flows'];
        if (scheme['type'] !== 'oauth2' || !isObject(flows)) continue;
        for (const [flowName, flow] of Object.entries(flows)) {
          if (!isObject(flow)) continue;
          for (const field of ['authorizationUrl', 'tokenUrl', 'refreshUrl']) {
            const url = flow[field];
            const h = typeof url === 'string' ? parseRawUrl(url)?.host.toLowerCase() : undefined;
            if (!h) continue;
            const d = baseDomain(h);
            if (d === domain || OAUTH_EXEMPT.includes(d)) continue;
            out.push({
              pointer: toPointer(['components', 'securitySchemes', name, 'flows', flowName, field]),
              message: `${field} "${String(url)}" is not on the server's domain ${domain}`,
            });
          }
        }
      }
      return out;
    },
  },
];
