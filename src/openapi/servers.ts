/**
 * The `servers` entry: exactly one, from `--server-url`. Under the GPT profile ChatGPT needs https on
 * port 443 with a lowercase host it can reach ("None of the provided servers is under the root origin").
 * @see platform-facts.md "servers"
 */
import { UsageError } from '../errors.js';

/** Checks `url` for the profile and returns it without a trailing slash. */
export function checkServerUrl(url: string, profile: 'gpt-actions' | 'generic'): string {
  const bad = (reason: string, hint: string) => new UsageError(`--server-url "${url}" ${reason}`, { hint });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('is not a URL', 'pass the public base URL of the adapter, e.g. --server-url https://api.example.com');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad('is not an http(s) URL', 'e.g. --server-url https://api.example.com');
  if (parsed.search || parsed.hash) throw bad('has a query or fragment', 'pass only the scheme, host and base path');
  if (parsed.username || parsed.password) throw bad('contains credentials', 'use --auth instead');
  if (profile === 'gpt-actions') {
    const gptHint = 'ChatGPT needs a public https URL on port 443 (use --profile generic for other clients)';
    if (parsed.protocol !== 'https:') throw bad('is not https', gptHint);
    const authority = url.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0]!;
    if (/:\d*$/.test(authority)) throw bad('has a port', gptHint);
    if (authority !== authority.toLowerCase()) throw bad('has an uppercase host', `write it as ${url.replace(authority, authority.toLowerCase())}`);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0') {
      throw bad('is local', 'ChatGPT calls your server from the internet: expose it (e.g. a tunnel) and pass its public https URL');
    }
  }
  return url.replace(/\/+$/, '');
}
