/**
 * DNS-rebinding protection for the MCP routes (Streamable HTTP: "Servers MUST validate the Origin header"): a
 * browser request is served only from an origin the operator allowed with --cors, the public URL's own origin,
 * or a page on this machine (localhost, 127.0.0.0/8, [::1]). Requests without Origin (every non-browser client)
 * pass; their credentials are what guard them.
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../hosts.js';

export function originPolicy(cors: readonly string[], publicUrl: () => string | undefined): (origin: string, req: IncomingMessage) => boolean {
  const allowed = new Set(cors.map((o) => o.replace(/\/+$/, '')));
  const any = allowed.has('*');
  return (origin) => {
    if (any || allowed.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (isLoopbackHost(url.hostname)) return true;
    const own = publicUrl();
    if (!own) return false;
    try {
      return new URL(own).origin === url.origin;
    } catch {
      return false;
    }
  };
}
