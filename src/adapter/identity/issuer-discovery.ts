/**
 * Minimal authorization-server discovery for `serve --auth oauth` (RFC 8414, then OpenID Connect Discovery):
 * the issuer's metadata, checked to name the same issuer, with an https `jwks_uri` (loopback http allowed).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import { describeFetchError, readLimited } from './jwks-cache.js';

export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  [key: string]: unknown;
}

export class IssuerDiscoveryError extends Error {
  override name = 'IssuerDiscoveryError';
}

/** True for an https URL, or an http URL on a loopback address (local testing). */
export function isSecureOrLoopback(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return u.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/** The well-known URLs to try, in order: RFC 8414 (path inserted after the host), then OIDC (path appended). */
export function discoveryUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  return [`${u.origin}/.well-known/oauth-authorization-server${path}`, `${u.origin}${path}/.well-known/openid-configuration`];
}

export async function discoverIssuerMetadata(issuer: string, opts: { timeoutMs?: number } = {}): Promise<IssuerMetadata> {
  if (!isSecureOrLoopback(issuer)) throw new IssuerDiscoveryError(`the issuer ${issuer} is not an https URL (http is allowed on loopback only)`);
  const failures: string[] = [];
  for (const url of discoveryUrls(issuer)) {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs ?? 5000), headers: { accept: 'application/json' } });
    } catch (error) {
      // Unreachable: the other well-known URL is on the same host, no use trying it.
      throw new IssuerDiscoveryError(`cannot reach the issuer at ${url}: ${describeFetchError(error)}`, { cause: error });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    let meta: Partial<IssuerMetadata>;
    try {
      meta = JSON.parse(await readLimited(response, 256 * 1024, url)) as Partial<IssuerMetadata>;
    } catch (error) {
      failures.push(`${url}: ${(error as Error).message.includes('larger') ? (error as Error).message : 'not JSON'}`);
      continue;
    }
    if (meta === null || typeof meta !== 'object') {
      failures.push(`${url}: not a JSON object`);
      continue;
    }
    if (meta.issuer !== issuer && meta.issuer !== issuer.replace(/\/+$/, '')) {
      throw new IssuerDiscoveryError(`the metadata at ${url} names the issuer ${JSON.stringify(meta.issuer)}, not ${issuer}`);
    }
    if (typeof meta.jwks_uri !== 'string' || !isSecureOrLoopback(meta.jwks_uri)) {
      throw new IssuerDiscoveryError(`the metadata at ${url} has no https jwks_uri`);
    }
    return meta as IssuerMetadata;
  }
  throw new IssuerDiscoveryError(`no authorization server metadata at ${failures.join('; ')}`);
}
