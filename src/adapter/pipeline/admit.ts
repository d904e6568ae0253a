/**
 * Who is calling, for both faces: the Authenticator resolves the caller of an HTTP request; a refused
 * credential counts against the client IP's budget (so credentials cannot be guessed at full speed).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-error.js';
import type { Authenticator, Identity } from '../identity/identity.js';
import type { RateLimiter } from '../rate-limit.js';

/** Resolves the caller or throws the authenticator's HttpError (401, or 503), or a 429 once refusals pile up. */
export async function authenticateRequest(req: IncomingMessage, authenticator: Authenticator, rateLimiter?: RateLimiter): Promise<Identity> {
  try {
    return await authenticator.authenticate(req);
  } catch (refused) {
    // A 503 (the authorization server is away) says nothing about the credential: not counted.
    if (rateLimiter && !(refused instanceof HttpError && refused.status >= 500)) await rateLimiter.takeRefused(req);
    throw refused;
  }
}
