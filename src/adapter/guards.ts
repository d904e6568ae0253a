/**
 * What every request passes before any route sees it, whatever the face (REST, MCP, jobs, files, metadata):
 *
 * 1. Host (DNS rebinding). A page on a rebinding domain reaches a loopback listener with the attacker's name in
 *    `Host`. Allowed: loopback names, IP literals (a rebinding page always names a domain, never an address),
 *    the public URL's host and each `--allowed-host`. Anything else is 403.
 * 2. Origin (cross-site requests). Browsers send `Origin` on every cross-origin request and on same-origin POSTs.
 *    Allowed: none (server to server: ChatGPT, curl, SDKs), the adapter's own origin (same host as `Host`, which
 *    step 1 vouched for: Swagger UI at /docs), and each `--cors` origin. Anything else ("null" included) is 403,
 *    for every method: a GET is refused too, so nothing is answered to a page that should not be asking.
 * 3. Content type of POST (defence in depth for a browser that sends no Origin). A POST whose Content-Type is
 *    missing or one of the CORS-safelisted types (text/plain, form, multipart) is a "simple request" a page may
 *    send without a preflight: 415, even with an empty body. A JSON content type forces the preflight.
 *
 * Pure: the policy in, an HttpError (or nothing) out. app.ts and multi-server.ts call it first thing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http-error.js';
import { isLoopbackHost } from './hosts.js';

export interface GuardOptions {
  /** Host names accepted besides loopback names and IP literals (`--allowed-host`), with or without a port. */
  allowedHosts?: readonly string[];
  /** The public URL (`--public-url`): its host is accepted, its origin too. */
  publicUrl?: string;
  /** Origins allowed to call from a browser (`--cors`); `*` allows any origin (Host is still checked). */
  cors?: readonly string[];
}

export interface RequestGuard {
  /** Returns the error to answer, or undefined when the request may go on. */
  check(method: string | undefined, headers: IncomingHttpHeaders): HttpError | undefined;
}

/** Content types a browser may POST cross-site without a CORS preflight (fetch spec, "CORS-safelisted"). */
const SIMPLE_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/** The host name of a Host header value or URL authority, lower-cased, brackets and port removed. */
export function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end < 0 ? v : v.slice(1, end);
  }
  const colon = v.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address (not valid in Host, but not a domain either).
  if (colon >= 0 && v.indexOf(':', colon + 1) >= 0) return v;
  const name = colon < 0 ? v : v.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

export function createRequestGuard(options: GuardOptions = {}): RequestGuard {
  const hosts = new Set((options.allowedHosts ?? []).map(hostName).filter(Boolean));
  const publicOrigin = options.publicUrl ? originOf(options.publicUrl) : undefined;
  if (publicOrigin) hosts.add(hostName(new URL(publicOrigin).host));
  const origins = new Set((options.cors ?? []).map((o) => o.trim().replace(/\/+$/, '').toLowerCase()));
  const anyOrigin = origins.has('*');
  if (publicOrigin) origins.add(publicOrigin.toLowerCase());

  const hostAllowed = (host: string): boolean => {
    const name = hostName(host);
    return isLoopbackHost(name) || isIP(name) !== 0 || hosts.has(name);
  };

  return {
    check(method, headers) {
      const host = headers.host;
      // No Host at all: HTTP/1.0 from a raw client (node:http refuses an HTTP/1.1 request without one). A browser
      // always sends it, so a missing Host is not a rebinding page.
      if (host !== undefined && !hostAllowed(host)) {
        return new HttpError(403, 'forbidden', `Host "${clip(host)}" is not one this adapter answers to (DNS rebinding guard); if it is yours, pass --allowed-host ${clip(hostName(host))} or --public-url https://${clip(hostName(host))}`);
      }
      const origin = headers.origin;
      if (origin !== undefined && !anyOrigin) {
        const o = origin.trim().toLowerCase();
        const sameOrigin = host !== undefined && (o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`);
        if (!sameOrigin && !origins.has(o)) {
          return new HttpError(403, 'forbidden', `requests from the web page at ${clip(origin)} are not allowed; to let a browser app call this adapter, pass --cors ${clip(origin)}`);
        }
      }
      if (method === 'POST') {
        const type = headers['content-type'];
        const semi = type === undefined ? -1 : type.indexOf(';');
        const essence = type === undefined ? '' : (semi < 0 ? type : type.slice(0, semi)).trim().toLowerCase();
        if (essence === '' || SIMPLE_TYPES.has(essence)) {
          return new HttpError(
            415,
            'unsupported_media_type',
            `POST needs "Content-Type: application/json", even with an empty body (got ${type === undefined ? 'no Content-Type' : `"${clip(type)}"`}); send the arguments as JSON`,
          );
        }
      }
      return undefined;
    },
  };
}

/** Header values go into messages: keep them short and printable. */
function clip(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}
