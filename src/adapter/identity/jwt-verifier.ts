/**
 * JWT access tokens (RFC 9068) checked with jose: the signature against the authorization server's JWKS (cached,
 * jwks-cache.ts), `iss`, `aud`, `exp`/`nbf` with a small clock tolerance, and an asymmetric-only algorithm
 * allowlist: never `none`, never HMAC (an `HS256` token "signed" with the server's public key is refused before any
 * key is looked up).
 * @see https://www.rfc-editor.org/rfc/rfc9068  JWT Profile for OAuth 2.0 Access Tokens
 * @see https://www.rfc-editor.org/rfc/rfc8725  JWT Best Current Practices (3.1: algorithm verification)
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { createJwksCache, type JwksCache, type JwksCacheOptions } from './jwks-cache.js';
import { InvalidTokenError, type TokenVerifier, type VerifiedToken } from './oauth.js';

export { InvalidTokenError };

/** Signature algorithms accepted: public-key ones only. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** Default clock tolerance for `exp` and `nbf`, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE_S = 30;

export interface JwtVerifierOptions extends Omit<JwksCacheOptions, 'url'> {
  /** The `iss` every token must carry (the authorization server's metadata `issuer`). */
  issuer: string;
  jwksUri: string;
  /** Accepted `aud` values (any one suffices); a function is read on every check (the public URL may come late). */
  audience: string | string[] | (() => string[]);
  clockToleranceS?: number;
  /** Subset of ASYMMETRIC_ALGORITHMS (default: all of them). */
  algorithms?: string[];
  /** Tokens verified already, remembered (default 4096; 0 = off). */
  maxRemembered?: number;
  /** Longest a verified token is remembered, bounding how long a key the issuer withdrew still counts (default 5 min). */
  rememberMs?: number;
}

export const DEFAULT_MAX_REMEMBERED = 4096;
export const DEFAULT_REMEMBER_MS = 300_000;

export interface JwtVerifier extends TokenVerifier {
  readonly keys: JwksCache;
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const algorithms = options.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
  const refused = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (refused.length) throw new TypeError(`not an asymmetric JWS algorithm: ${refused.join(', ')}`);
  const keys = createJwksCache({ ...options, url: options.jwksUri });
  const audience = options.audience;
  const clockTolerance = options.clockToleranceS ?? DEFAULT_CLOCK_TOLERANCE_S;
  const now = options.now ?? Date.now;
  // A client sends the same token on every call until it expires: the signature is checked once (a public-key
  // check costs 100+ µs through WebCrypto), then the answer is remembered, never past the token's `exp` (+ the
  // tolerance) nor rememberMs. Only tokens that verified are remembered, at most maxRemembered (oldest out first).
  const maxRemembered = options.maxRemembered ?? DEFAULT_MAX_REMEMBERED;
  const rememberMs = options.rememberMs ?? DEFAULT_REMEMBER_MS;
  const remembered = new Map<string, { verified: VerifiedToken; until: number }>();
  return {
    keys,
    async verify(token: string): Promise<VerifiedToken> {
      const known = remembered.get(token);
      if (known) {
        if (now() < known.until) return known.verified;
        remembered.delete(token);
      }
      const verified = await verifyOnce(token);
      if (maxRemembered > 0) {
        const until = Math.min(now() + rememberMs, (verified.expiresAt ?? 0) + clockTolerance * 1000);
        if (remembered.size >= maxRemembered) remembered.delete(remembered.keys().next().value!);
        remembered.set(token, { verified, until });
      }
      return verified;
    },
  };

  async function verifyOnce(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.getKey, {
        issuer: options.issuer,
        audience: typeof audience === 'function' ? audience() : audience,
        algorithms,
        clockTolerance,
        requiredClaims: ['exp', 'sub'],
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
      }));
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error), { cause: error });
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('the token has no subject (sub)');
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
    return {
      subject: payload.sub,
      scopes: scopesOf(payload),
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
      ...(clientId !== undefined ? { clientId } : {}),
    };
  }
}

/** `scope` (RFC 9068: space-separated) or `scp` (Azure AD, Okta: a list or a string). */
export function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

/** jose's error → one line that says what was wrong, never echoing the token. */
function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'the token was issued by another authorization server (iss)';
      case 'aud':
        return 'the token is meant for another resource (aud)';
      case 'nbf':
        return 'the token is not valid yet (nbf)';
      case 'exp':
        return 'the token has no expiry (exp)';
      case 'sub':
        return 'the token has no subject (sub)';
      default:
        return `the token's ${error.claim} claim is not acceptable`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this server does not accept';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token\'s signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'the token is signed with a key the authorization server does not publish';
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported) return 'the token is not a valid JWT';
  return 'the token could not be verified';
}
