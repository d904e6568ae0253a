/**
 * Who is calling, for both faces: the Authenticator resolves the caller of an HTTP request; a refused
 * credential counts against the client IP's budget (so credentials cannot be guessed at full speed).
 */
import type { IncomingMessage } from 'node:http';
import type { Authenticator, Identity } from '../identity/identity.js';
import type { RateLimiter } from '../rate-limit.js';

/** Resolves the caller or throws the authenticator's HttpError (401), or a 429 once refusals pile up. */
export async function authenticateRequest(req: IncomingMessage, authenticator: Authenticator, rateLimiter?: RateLimiter): Promise<Identity> {
  try {
    return await authenticator.authenticate(req);
  } catch (refused) {
    if (rateLimiter) await rateLimiter.takeRefused(req);
    throw refused;
  }
}
