/**
 * Authorization servers for the `serve --auth oauth` tests, on 127.0.0.1, port 0:
 * - `startAuthServer`: oidc-provider (a certified OpenID provider), issuing JWT access tokens (RFC 9068) for the
 *   adapter's resource (RFC 8707 resource indicators), with confidential clients as ChatGPT registers them. `signIn`
 *   walks the authorization-code flow the way ChatGPT does: authorize with `state`, sign in, consent, the callback
 *   with `code` and `state`, the token exchange with client id and secret (post or basic); `refresh` uses the
 *   refresh token.
 * - `startOwnIssuer`: metadata and a JWKS served from our own key pair, to sign tokens oidc-provider never mints
 *   (expired, not yet valid, wrong audience, `alg: none`, HS256 with the public key, unknown kids); counts JWKS
 *   fetches and can go away while the adapter runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export const CALLBACK = 'https://chatgpt.com/aip/g-0123456789abcdef/oauth/callback';
export const SCOPES = ['tools:read', 'tools:write'];

export interface AuthClient {
  client_id: string;
  client_secret: string;
  method: 'client_secret_post' | 'client_secret_basic';
}

export const CLIENTS: Record<'post' | 'basic', AuthClient> = {
  post: { client_id: 'gpt-post', client_secret: 'post-secret-0123456789abcdef', method: 'client_secret_post' },
  basic: { client_id: 'gpt-basic', client_secret: 'basic-secret-0123456789abcdef', method: 'client_secret_basic' },
};

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface AuthServer {
  issuer: string;
  /** The resource a token is for when the client names none (ChatGPT names none): the adapter's URL. */
  setDefaultResource(url: string): void;
  signIn(user: string, options?: { client?: AuthClient; scope?: string; resource?: string }): Promise<Tokens>;
  refresh(refreshToken: string, client?: AuthClient): Promise<Tokens>;
  close(): Promise<void>;
}

const listenLocal = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function startAuthServer(): Promise<AuthServer> {
  const server = createServer();
  const issuer = await listenLocal(server);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: 'op-rs256', alg: 'RS256', use: 'sig' };
  let defaultResource = '';
  const provider = new Provider(issuer, {
    clients: Object.values(CLIENTS).map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      token_endpoint_auth_method: c.method,
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    jwks: { keys: [signing] },
    scopes: ['openid', 'offline_access', ...SCOPES],
    cookies: { keys: ['test-cookie-key-0123456789'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, Interaction: 600, RefreshToken: 3600, Session: 3600 },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (!resource.startsWith('http://127.0.0.1:')) throw new Error(`unknown resource ${resource}`);
          return { scope: SCOPES.join(' '), audience: resource, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // ChatGPT asks no offline_access and sends no PKCE: refresh tokens for every client that may refresh.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => false },
  });
  provider.proxy = false;
  server.on('request', provider.callback());

  const tokenRequest = async (form: Record<string, string>, client: AuthClient): Promise<Tokens> => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(form);
    if (client.method === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', client.client_id);
      body.set('client_secret', client.client_secret);
    }
    const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
    const json = (await res.json()) as Tokens & { error?: string; error_description?: string };
    if (res.status !== 200) throw new Error(`token endpoint: ${res.status} ${json.error} ${json.error_description}`);
    return json;
  };

  return {
    issuer,
    setDefaultResource(url) {
      defaultResource = url;
    },
    async signIn(user, options = {}) {
      const client = options.client ?? CLIENTS.post;
      const jar = new Map<string, string>();
      const go = async (url: string, init: RequestInit = {}) => {
        const res = await fetch(new URL(url, issuer), {
          ...init,
          redirect: 'manual',
          headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair!.indexOf('=');
          const value = pair!.slice(eq + 1);
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(pair!.slice(0, eq));
          else jar.set(pair!.slice(0, eq), value);
        }
        await res.arrayBuffer();
        return res;
      };
      const state = `state-${Math.random().toString(36).slice(2)}`;
      const params = new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: CALLBACK, scope: options.scope ?? SCOPES.join(' '), state });
      if (options.resource) params.set('resource', options.resource);
      let res = await go(`/auth?${params}`);
      // sign-in, then consent: each an interaction the browser is sent to and posts back
      for (const prompt of ['login', 'consent']) {
        const interaction = res.headers.get('location');
        if (res.status !== 303 || !interaction?.startsWith('/interaction/')) throw new Error(`expected the ${prompt} interaction, got ${res.status} ${interaction}`);
        res = await go(interaction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt, login: user }) });
        res = await go(res.headers.get('location')!);
      }
      const callback = new URL(res.headers.get('location') ?? '');
      if (`${callback.origin}${callback.pathname}` !== CALLBACK) throw new Error(`expected the callback, got ${callback}`);
      if (callback.searchParams.get('state') !== state) throw new Error('the callback did not return the state');
      const code = callback.searchParams.get('code');
      if (!code) throw new Error(`no code in the callback: ${callback.search}`);
      return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, client);
    },
    refresh(refreshToken, client = CLIENTS.post) {
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, client);
    },
    close: () => closeServer(server),
  };
}

export interface OwnIssuer {
  issuer: string;
  /** JWKS documents served so far. */
  readonly jwksHits: number;
  /** The public key as a JWK (for HS256-with-the-public-key). */
  publicJwk: JWK;
  /** A token signed with the issuer's key (kid "own-1"), with defaults for iss, sub, aud, iat, exp. */
  sign(claims: JWTPayload, options?: { kid?: string; audience?: string }): Promise<string>;
  /** Adds a second key to the JWKS (a rotation); returns a signer for it. */
  rotate(): Promise<(claims: JWTPayload, audience: string) => Promise<string>>;
  /** Stops answering (connections refused). */
  close(): Promise<void>;
}

export async function startOwnIssuer(): Promise<OwnIssuer> {
  let jwksHits = 0;
  const keys: { kid: string; privateKey: PrivateKey; publicJwk: JWK }[] = [];
  const addKey = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const entry = { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
    keys.push(entry);
    return entry;
  };
  const first = await addKey('own-1');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/oauth-authorization-server') {
      return send({ issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, response_types_supported: ['code'] });
    }
    if (req.url === '/jwks') {
      jwksHits++;
      return send({ keys: keys.map((k) => k.publicJwk) });
    }
    res.writeHead(404).end();
  });
  const issuer = await listenLocal(server);
  const signWith = (key: PrivateKey, kid: string, claims: JWTPayload, audience: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: SCOPES.join(' '), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(claims.iss ?? issuer)
      .setSubject(claims.sub ?? 'own-user')
      .setAudience(claims.aud ?? audience)
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 600)
      .sign(key);
  };
  return {
    issuer,
    get jwksHits() {
      return jwksHits;
    },
    publicJwk: first.publicJwk,
    sign: (claims, options = {}) => signWith(first.privateKey, options.kid ?? first.kid, claims, options.audience ?? ''),
    async rotate() {
      const k = await addKey(`own-${keys.length + 1}`);
      return (claims, audience) => signWith(k.privateKey, k.kid, claims, audience);
    },
    close: () => closeServer(server),
  };
}
