/**
 * Reads the scheme, host and port of a URL exactly as written (the WHATWG URL parser lowercases hosts and
 * drops default ports, which hides exactly what the ChatGPT importer rejects). Pure.
 */

export interface RawUrl {
  scheme: string;
  /** Host as written (no brackets for IPv6). */
  host: string;
  port?: string;
}

export function parseRawUrl(url: string): RawUrl | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(url.trim());
  if (!m) return undefined;
  const authority = m[2]!.replace(/^.*@/, '');
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (v6) return { scheme: m[1]!, host: v6[1]!, ...(v6[2] !== undefined ? { port: v6[2] } : {}) };
  const i = authority.lastIndexOf(':');
  if (i >= 0) return { scheme: m[1]!, host: authority.slice(0, i), port: authority.slice(i + 1) };
  return { scheme: m[1]!, host: authority };
}

/** True for hosts ChatGPT cannot reach: loopback, private and link-local addresses, single-label and local names. */
export function isLocalHost(rawHost: string): boolean {
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  if (host === '' || host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(':')) {
    return host === '::1' || host === '::' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host) || host.startsWith('::ffff:');
  }
  return !host.includes('.');
}

/**
 * The registrable part of a host, approximately: the last two labels, or three when the second-to-last is a
 * common second-level label under a two-letter country code (`example.co.uk`).
 */
export function baseDomain(rawHost: string): string {
  const labels = rawHost.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const tld = labels[labels.length - 1]!;
  const sld = labels[labels.length - 2]!;
  const take = tld.length === 2 && /^(co|com|net|org|ac|gov|edu|ne|or|go)$/.test(sld) ? 3 : 2;
  return labels.slice(-take).join('.');
}
