/**
 * Authorization servers for tests, on 127.0.0.1, port 0. Always `await as.close()` (afterAll / finally).
 * - `startOidcProvider`: a real one, oidc-provider (OpenID Certified), configurable: clients, resource indicators
 *   (RFC 8707) whose access tokens are JWTs (RFC 9068) or opaque with that audience, introspection, revocation.
 *   Helpers walk the authorization-code flow the way ChatGPT does (client id/secret by post or basic, state,
 *   callback, token exchange, refresh) through oidc-provider's development login and consent pages, and get tokens
 *   by client credentials.
 * - `startOwnIssuer`: metadata and a JWKS served from our own key pair, to sign tokens oidc-provider never mints
 *   (expired, not yet valid, wrong audience, `alg: none`, HS256 with the public key, unknown kids); counts JWKS
 *   fetches and can go away while the adapter runs.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { Agent, fetch as undiciFetch } from 'undici';

/** What ChatGPT shows as the callback of a GPT's OAuth (platform-facts.md). */
export const CHATGPT_CALLBACK = 'https://chatgpt.com/aip/g-0123456789abcdef/oauth/callback';

export interface TestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  /** oidc-provider's default: client_secret_basic. ChatGPT's "Default (POST request)" is client_secret_post. */
  token_endpoint_auth_method?: string;
  [k: string]: unknown;
}

/** A confidential client as ChatGPT's GPT builder registers one: code flow with refresh, CHATGPT_CALLBACK. */
export function chatgptClient(client_id: string, client_secret: string, method: 'client_secret_post' | 'client_secret_basic' = 'client_secret_post'): TestClient {
  return { client_id, client_secret, token_endpoint_auth_method: method, redirect_uris: [CHATGPT_CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
}

export interface OidcOptions {
  /** Default: one confidential client `chatgpt` / `chatgpt-secret`, POST auth, CHATGPT_CALLBACK, every grant used here. */
  clients?: TestClient[];
  /** The resource indicator (RFC 8707): tokens carry it as `aud`. Also the default resource when a request names none. */
  resource?: string;
  /** Other resource indicators accepted (besides `resource` and the one setDefaultResource names). */
  acceptResource?: (indicator: string) => boolean;
  /** Access tokens for `resource`: JWT (default) or opaque (check them by introspection). */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Scopes of the resource. Default ['read', 'write']. */
  resourceScopes?: string[];
  /** Access token lifetime in seconds. Default 3600. */
  accessTokenTtl?: number;
  /** RFC 7662 introspection endpoint. Default true. */
  introspection?: boolean;
  /** RFC 7009 revocation endpoint. Default true. */
  revocation?: boolean;
  /** token_endpoint_auth_methods_supported. Default oidc-provider's (client_secret_basic, client_secret_jwt, client_secret_post, private_key_jwt, none). */
  clientAuthMethods?: string[];
  /**
   * Serve https with a self-signed certificate for 127.0.0.1 (made with openssl): `caFile` is the certificate, for a
   * child process's NODE_EXTRA_CA_CERTS. The helpers below trust it themselves.
   */
  https?: boolean;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

export interface TestAuthorizationServer {
  /** The issuer, e.g. http://127.0.0.1:PORT (no trailing slash). */
  issuer: string;
  /** With `https: true`: the PEM certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** oidc-provider's Provider (for anything the helpers below do not cover). */
  provider: any;
  /** The public signing keys (what jwks_uri serves). */
  publicJwks: { keys: Record<string, unknown>[] };
  /** The private signing key (to forge tokens oidc-provider would not issue, e.g. with another alg). */
  privateJwk: Record<string, unknown>;
  defaultClient: { id: string; secret: string; redirectUri: string };
  /** The resource a token is for when the client names none (ChatGPT names none), e.g. the adapter's URL once known. */
  setDefaultResource(url: string): void;
  clientCredentials(opts?: { clientId?: string; clientSecret?: string; scope?: string; resource?: string }): Promise<TokenResponse>;
  /** The authorization-code flow as ChatGPT walks it: authorize (login as `user`, consent), callback, token exchange. */
  authorizationCode(opts?: { user?: string; scope?: string; clientId?: string; clientSecret?: string; redirectUri?: string; resource?: string }): Promise<TokenResponse>;
  refresh(refreshToken: string, opts?: { clientId?: string; clientSecret?: string }): Promise<TokenResponse>;
  revoke(token: string, opts?: { clientId?: string; clientSecret?: string }): Promise<void>;
  introspect(token: string, opts?: { clientId?: string; clientSecret?: string }): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, valid one day, in a fresh temporary directory. */
function selfSignedCertificate(): { dir: string; keyFile: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-oidc-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, keyFile, certFile };
}

export async function startOidcProvider(options: OidcOptions = {}): Promise<TestAuthorizationServer> {
  const tls = options.https ? selfSignedCertificate() : undefined;
  const server: Server = tls ? createHttpsServer({ key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) }) : createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The helpers' own requests trust the self-signed certificate (the global fetch cannot be given a CA).
  const agent = tls ? new Agent({ connect: { ca: readFileSync(tls.certFile) } }) : undefined;
  const fetch = (agent ? (url: string, init: Record<string, unknown> = {}) => undiciFetch(url, { ...init, dispatcher: agent } as never) : globalThis.fetch) as unknown as typeof globalThis.fetch;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: `k-${randomUUID().slice(0, 8)}`, alg: 'RS256', use: 'sig' } as Record<string, unknown>;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;

  const defaultClient = { id: 'chatgpt', secret: 'chatgpt-secret', redirectUri: CHATGPT_CALLBACK };
  const clients = options.clients ?? [
    {
      client_id: defaultClient.id,
      client_secret: defaultClient.secret,
      redirect_uris: [defaultClient.redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ];
  const resourceScopes = options.resourceScopes ?? ['read', 'write'];
  let defaultResource = options.resource;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [privateJwk] },
    cookies: { keys: ['test-cookie-key'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    // ChatGPT asks for no offline_access and sends no prompt=consent: issue refresh tokens anyway.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // ChatGPT's GPT actions send no PKCE (platform-facts.md): like an AS configured for them, do not require it.
    pkce: { methods: ['S256'], required: () => false },
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, ClientCredentials: options.accessTokenTtl ?? 3600, Interaction: 600, Session: 3600, Grant: 86_400, RefreshToken: 86_400, AuthorizationCode: 60 },
    ...(options.clientAuthMethods ? { clientAuthMethods: options.clientAuthMethods } : {}),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: options.introspection ?? true },
      revocation: { enabled: options.revocation ?? true },
      resourceIndicators: {
        enabled: options.resource !== undefined || options.acceptResource !== undefined,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf ?? defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== options.resource && indicator !== defaultResource && !options.acceptResource?.(indicator)) throw new Provider.errors.InvalidTarget();
          return {
            scope: resourceScopes.join(' '),
            audience: indicator,
            accessTokenTTL: options.accessTokenTtl ?? 3600,
            accessTokenFormat: options.accessTokenFormat ?? 'jwt',
            ...(options.accessTokenFormat === 'opaque' ? {} : { jwt: { sign: { alg: 'RS256' } } }),
          };
        },
      },
    },
  });
  provider.on('server_error', (_ctx: unknown, error: Error) => process.stderr.write(`oidc-provider server_error: ${error.stack}\n`));
  server.on('request', provider.callback());

  /** Client authentication as the client is registered: client_secret_post in the body, else HTTP Basic. */
  const basicOr = (clientId: string | undefined, clientSecret: string | undefined): { headers: Record<string, string>; body: Record<string, string> } => {
    const id = clientId ?? defaultClient.id;
    const client = clients.find((c) => c.client_id === id);
    const secret = clientSecret ?? client?.client_secret ?? defaultClient.secret;
    const method = client?.token_endpoint_auth_method ?? 'client_secret_basic';
    return method === 'client_secret_post'
      ? { headers: {}, body: { client_id: id, client_secret: secret } }
      : { headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` }, body: {} };
  };
  const post = async (path: string, form: Record<string, string>, auth: ReturnType<typeof basicOr>): Promise<Response> =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
      body: new URLSearchParams({ ...form, ...auth.body }),
    });
  const tokenRequest = async (form: Record<string, string>, clientId?: string, clientSecret?: string): Promise<TokenResponse> => {
    const res = await post('/token', form, basicOr(clientId, clientSecret));
    const body = (await res.json()) as TokenResponse & { error?: string; error_description?: string };
    if (!res.ok) throw new Error(`token request failed: ${res.status} ${body.error}: ${body.error_description}`);
    return body;
  };

  return {
    issuer,
    ...(tls ? { caFile: tls.certFile } : {}),
    provider,
    publicJwks: { keys: [publicJwk] },
    privateJwk,
    defaultClient,
    setDefaultResource(url) {
      defaultResource = url;
    },
    clientCredentials: (o = {}) =>
      tokenRequest(
        { grant_type: 'client_credentials', ...(o.scope ? { scope: o.scope } : { scope: resourceScopes.join(' ') }), ...(o.resource ?? defaultResource ? { resource: (o.resource ?? defaultResource)! } : {}) },
        o.clientId,
        o.clientSecret,
      ),
    async authorizationCode(o = {}) {
      const clientId = o.clientId ?? defaultClient.id;
      const redirectUri = o.redirectUri ?? defaultClient.redirectUri;
      const state = randomUUID();
      const code = await walkAuthorization(fetch, issuer, {
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: o.scope ?? resourceScopes.join(' '),
        state,
        ...(o.resource ? { resource: o.resource } : {}),
      }, o.user ?? 'alice', redirectUri, state);
      return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, clientId, o.clientSecret);
    },
    refresh: (refreshToken, o = {}) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, o.clientId, o.clientSecret),
    async revoke(token, o = {}) {
      const res = await post('/token/revocation', { token }, basicOr(o.clientId, o.clientSecret));
      if (!res.ok) throw new Error(`revocation failed: ${res.status} ${await res.text()}`);
    },
    async introspect(token, o = {}) {
      const res = await post('/token/introspection', { token }, basicOr(o.clientId, o.clientSecret));
      if (!res.ok) throw new Error(`introspection failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await agent?.close();
      if (tls) rmSync(tls.dir, { recursive: true, force: true });
    },
  };
}

/**
 * GET /auth, then through oidc-provider's development pages (login as `user`, consent) with a cookie jar, until the
 * redirect to `redirectUri`; checks `state` and returns the code.
 */
async function walkAuthorization(fetch: typeof globalThis.fetch, issuer: string, params: Record<string, string>, user: string, redirectUri: string, state: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
  };
  let url = `${issuer}/auth?${new URLSearchParams(params)}`;
  let form: Record<string, string> | undefined;
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, form
      ? { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }
      : { redirect: 'manual', headers: { cookie: cookieHeader() } });
    keep(res);
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) {
        const error = next.searchParams.get('error');
        if (error) throw new Error(`authorization failed: ${error}: ${next.searchParams.get('error_description')}`);
        if (next.searchParams.get('state') !== state) throw new Error('authorization answered another state');
        return next.searchParams.get('code')!;
      }
      url = next.href;
      continue;
    }
    const page = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (!res.ok || !prompt) throw new Error(`unexpected authorization page ${res.status} at ${url}: ${page.slice(0, 300)}`);
    form = prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt };
  }
  throw new Error('authorization did not reach the callback in 12 steps');
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** The scopes startOwnIssuer's tokens carry by default. */
export const OWN_SCOPES = ['tools:read', 'tools:write'];

const listenLocal = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

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
  /** With `introspection`: a fresh opaque token whose introspection answers `{active: true, iss, ...claims}`. */
  issueOpaque(claims: Record<string, unknown>): string;
  /** With `introspection`: the requests its endpoint received (client authentication as sent, the form). */
  readonly introspections: { authorization?: string; form: Record<string, string> }[];
  /** Stops answering (connections refused). */
  close(): Promise<void>;
}

export interface OwnIssuerOptions {
  /**
   * An RFC 7662 endpoint at /introspect for one client, named in the metadata with `authMethods` as
   * `introspection_endpoint_auth_methods_supported` (absent: not listed). Wrong credentials: 401.
   */
  introspection?: { clientId: string; clientSecret: string; authMethods?: string[] };
}

export async function startOwnIssuer(options: OwnIssuerOptions = {}): Promise<OwnIssuer> {
  const intro = options.introspection;
  const opaque = new Map<string, Record<string, unknown>>();
  const introspections: { authorization?: string; form: Record<string, string> }[] = [];
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
      return send({
        issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, response_types_supported: ['code'],
        ...(intro ? { introspection_endpoint: `${issuer}/introspect` } : {}),
        ...(intro?.authMethods ? { introspection_endpoint_auth_methods_supported: intro.authMethods } : {}),
      });
    }
    if (req.url === '/introspect' && intro && req.method === 'POST') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(raw));
        introspections.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), form });
        const basic = `Basic ${Buffer.from(`${encodeURIComponent(intro.clientId)}:${encodeURIComponent(intro.clientSecret)}`).toString('base64')}`;
        const authenticated = req.headers.authorization === basic || (form.client_id === intro.clientId && form.client_secret === intro.clientSecret);
        if (!authenticated) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        const claims = opaque.get(form.token ?? '');
        send(claims ? { active: true, iss: issuer, exp: Math.floor(Date.now() / 1000) + 600, token_type: 'Bearer', ...claims } : { active: false });
      });
      return;
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
    return new SignJWT({ scope: OWN_SCOPES.join(' '), ...claims })
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
    issueOpaque(claims) {
      const token = `opaque-${randomUUID()}`;
      opaque.set(token, claims);
      return token;
    },
    introspections,
    async rotate() {
      const k = await addKey(`own-${keys.length + 1}`);
      return (claims, audience) => signWith(k.privateKey, k.kid, claims, audience);
    },
    close: () => closeServer(server),
  };
}
