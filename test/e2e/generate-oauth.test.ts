/**
 * E2E: `generate openapi|gpt --auth oauth --oauth-issuer URL` against a real authorization server (oidc-provider
 * over https on 127.0.0.1, its certificate trusted through NODE_EXTRA_CA_CERTS): the flow's URLs come from discovery,
 * explicit flags win, SETUP.md says what to enter in the GPT builder; an unreachable issuer is exit 2 in one line.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startOidcProvider, type TestAuthorizationServer } from '../helpers/oidc.js';
import { runCli } from '../helpers/run-cli.js';
import { validateSpec } from '../helpers/swagger.js';

const demo = ['--', 'node', 'fixtures/servers/demo.mjs'];
const URL_FLAG = ['--server-url', 'https://api.example.com'];

let tmp: string;
let as: TestAuthorizationServer;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcp-actions-gen-oauth-'));
  // Only client_secret_basic at the token endpoint: SETUP.md must then say "Basic authorization header".
  as = await startOidcProvider({ https: true, resource: 'https://api.example.com', clientAuthMethods: ['client_secret_basic', 'private_key_jwt'] });
  env = { NODE_EXTRA_CA_CERTS: as.caFile! };
});
afterAll(async () => {
  await as?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('generate --auth oauth --oauth-issuer', { timeout: 120_000 }, () => {
  it('generate gpt: the flow from discovery, SETUP.md with the builder\'s OAuth form filled in', async () => {
    const out = join(tmp, 'gpt');
    const r = await runCli(['generate', 'gpt', ...URL_FLAG, '--auth', 'oauth', '--oauth-issuer', as.issuer, '--oauth-scopes', 'read,write', '--out-dir', out, ...demo], { env });
    expect(r.stderr).not.toMatch(/unexpected error|warning/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`discovering the authorization server ${as.issuer}…`);
    const spec = parse(await readFile(join(out, 'openapi.yaml'), 'utf8')) as OpenAPIObject;
    await validateSpec(spec);
    expect(spec.components!.securitySchemes).toEqual({
      oauth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: `${as.issuer}/auth`, tokenUrl: `${as.issuer}/token`, scopes: { read: 'read', write: 'write' } } } },
    });
    expect(spec.security).toEqual([{ oauth2: ['read', 'write'] }]);

    const setup = await readFile(join(out, 'SETUP.md'), 'utf8');
    for (const line of [
      '- Authentication: **OAuth**.',
      `at your authorization server (\`${as.issuer}\`): a confidential (web) client allowed the \`authorization_code\` and \`refresh_token\` grants.`,
      `- Authorization URL: \`${as.issuer}/auth\``,
      `- Token URL: \`${as.issuer}/token\``,
      '- Scope: `read write`',
      '- Token Exchange Method: **Basic authorization header** (client_secret_basic: your authorization server does not accept the secret in a POST body; it lists client_secret_basic, private_key_jwt).',
      '`https://chatgpt.com/aip/g-…/oauth/callback`',
      'add it to the client\'s allowed redirect URIs',
      'no PKCE and no `resource` parameter',
      'audience = https://api.example.com',
    ]) expect(setup).toContain(line);
    expect(setup).not.toContain('{{');
  });

  it('generate openapi: explicit URL flags win; scopes stay what --oauth-scopes says', async () => {
    const r = await runCli(['generate', 'openapi', ...URL_FLAG, '--auth', 'oauth', '--oauth-issuer', as.issuer, '--oauth-token-url', 'https://api.example.com/oauth/token', '--oauth-scopes', 'read,admin', ...demo], { env });
    expect(r.code).toBe(0);
    const spec = parse(r.stdout) as OpenAPIObject;
    await validateSpec(spec);
    expect(spec.components!.securitySchemes!['oauth2']).toEqual({
      type: 'oauth2',
      flows: { authorizationCode: { authorizationUrl: `${as.issuer}/auth`, tokenUrl: 'https://api.example.com/oauth/token', scopes: { admin: 'admin', read: 'read' } } },
    });
    // oidc-provider lists only openid and offline_access in scopes_supported: neither taken nor warned about
    expect(r.stderr).not.toMatch(/warning|openid/);
  });

  it('an unreachable issuer: exit 2, one line naming the URL and the fix, nothing started', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((r) => dead.close(r));
    const r = await runCli(['generate', 'openapi', ...URL_FLAG, '--auth', 'oauth', '--oauth-issuer', issuer, '--', 'node', '-e', 'process.exit(9)']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `discovering the authorization server ${issuer}…`,
      `mcp-actions: cannot reach ${issuer}/.well-known/oauth-authorization-server (ECONNREFUSED); check --oauth-issuer and that the authorization server is up and reachable from here`,
    ]);
  });

  it.each([
    [['--auth', 'bearer', '--oauth-issuer', 'https://auth.example.com'], /--oauth-issuer only applies to --auth oauth; add --auth oauth/],
    [['--auth', 'oauth', '--oauth-issuer', 'http://auth.example.com'], /--oauth-issuer "http:\/\/auth.example.com" is not https/],
    [['--auth', 'oauth'], /--auth oauth needs --oauth-issuer, or --oauth-authorization-url and --oauth-token-url/],
  ])('usage: exit 2 before discovering or connecting: %j', async (flags, message) => {
    const r = await runCli(['generate', 'openapi', ...URL_FLAG, ...flags, '--', 'node', '-e', 'process.exit(9)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/discovering|connecting/);
  });
});
