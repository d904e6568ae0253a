/** authenticateRequest: a refused credential counts against the client's budget; "cannot check now" (503) does not. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import type { Authenticator } from '../../../src/adapter/identity/identity.js';
import { authenticateRequest } from '../../../src/adapter/pipeline/admit.js';
import type { RateLimiter } from '../../../src/adapter/rate-limit.js';

const failing = (error: Error): Authenticator => ({ type: 'oauth', authenticate: () => Promise.reject(error) });

describe('authenticateRequest', () => {
  it('counts a 401 as a refusal, not a 503 (the authorization server away says nothing about the token)', async () => {
    let refused = 0;
    const limiter = { takeRefused: async () => void refused++ } as unknown as RateLimiter;
    const req = { headers: {}, url: '/' } as IncomingMessage;
    await expect(authenticateRequest(req, failing(new HttpError(401, 'unauthorized', 'no')), limiter)).rejects.toMatchObject({ status: 401 });
    expect(refused).toBe(1);
    await expect(authenticateRequest(req, failing(new HttpError(503, 'upstream_unavailable', 'later')), limiter)).rejects.toMatchObject({ status: 503 });
    expect(refused).toBe(1);
  });
});
