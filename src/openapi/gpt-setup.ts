/**
 * SETUP.md, PLUGIN.md and privacy-policy.md of the GPT bundle: what to paste where in the GPT builder (schema,
 * authentication type and header name or OAuth URLs, privacy policy URL), and how to add the same adapter to
 * ChatGPT as a plugin (its MCP face). Pure.
 * @see platform-facts.md "Auth: None | API key (Basic, Bearer, Custom header) | OAuth"
 */
import type { ToolCatalog } from '../mcp/catalog.js';
import type { BuildResult } from './build-spec.js';
import { renderTemplate } from './render-template.js';
import type { TokenExchangeChoice } from '../oauth/client-setup.js';
import { DEFAULT_API_KEY_HEADER, type AuthOptions } from './security.js';

/** What the GPT builder's OAuth form needs beyond the flow: from the issuer's metadata when it was discovered. */
export interface OAuthSetupInfo {
  issuer: string;
  exchange: TokenExchangeChoice;
}

function tokenExchangeText(info: OAuthSetupInfo | undefined): string {
  const post = '**Default (POST request)**';
  const basic = '**Basic authorization header**';
  if (!info) return `- Token Exchange Method: ${post} sends the client secret in the request body (client_secret_post); choose ${basic} if your provider wants it in a header (client_secret_basic).`;
  const { method, both, listed } = info.exchange;
  if (method === 'post') {
    return both
      ? `- Token Exchange Method: ${post} (client_secret_post). Your authorization server also accepts ${basic} (client_secret_basic): choose the one the client is registered with.`
      : `- Token Exchange Method: ${post} (client_secret_post, which your authorization server accepts).`;
  }
  if (method === 'basic') {
    return listed
      ? `- Token Exchange Method: ${basic} (client_secret_basic: your authorization server does not accept the secret in a POST body; it lists ${listed.join(', ')}).`
      : `- Token Exchange Method: ${basic} (client_secret_basic: your authorization server lists no token_endpoint_auth_methods_supported, and that is the default, RFC 8414).`;
  }
  return `- Token Exchange Method: your authorization server accepts neither of the builder's two (it lists ${listed!.join(', ')}): enable client_secret_post (${post}) or client_secret_basic (${basic}) for the client.`;
}

function oauthSetupText(auth: AuthOptions, info: OAuthSetupInfo | undefined, serverUrl: string | undefined): string {
  const scopes = auth.oauth?.scopes ?? [];
  return [
    '- Authentication: **OAuth**.',
    `- Client ID and Client Secret: of the OAuth client you register for this GPT at ${info ? `your authorization server (\`${info.issuer}\`)` : 'your OAuth provider'}: a confidential (web) client allowed the \`authorization_code\` and \`refresh_token\` grants.`,
    `- Authorization URL: \`${auth.oauth?.authorizationUrl ?? ''}\``,
    `- Token URL: \`${auth.oauth?.tokenUrl ?? ''}\``,
    scopes.length ? `- Scope: \`${scopes.join(' ')}\`` : '- Scope: leave it empty (no `--oauth-scopes` given).',
    tokenExchangeText(info),
    '- Callback URL: after you save, the builder shows it (`https://chatgpt.com/aip/g-…/oauth/callback`; GPTs made earlier may show `https://chat.openai.com/aip/g-…/oauth/callback`): add it to the client\'s allowed redirect URIs at the authorization server.',
    `- ChatGPT sends a \`state\` and uses refresh tokens, but sends no PKCE and no \`resource\` parameter: the client must not require PKCE, and its access tokens must be for this adapter without asking (for \`mcp-actions serve --auth oauth\`, audience ${serverUrl ? `= ${serverUrl}` : 'the server URL'} unless \`--oauth-audience\` says otherwise).`,
    '- The OAuth URLs must be on the same domain as the server URL (Google, Microsoft and Adobe excepted).',
  ].join('\n');
}

/**
 * The "Authentication" dialog of the GPT builder, filled in for `auth`; for OAuth with what the issuer's metadata
 * says (`oauth`) and the adapter's URL (the tokens' audience).
 */
export function authSetupText(auth: AuthOptions, oauth?: OAuthSetupInfo, serverUrl?: string): string {
  switch (auth.type) {
    case 'none':
      return '- Authentication: **None**.';
    case 'api-key':
      return [
        '- Authentication: **API Key**, Auth Type **Custom**.',
        `- Custom Header Name: \`${auth.apiKeyHeader ?? DEFAULT_API_KEY_HEADER}\``,
        '- API Key: the key your adapter expects (for `mcp-actions serve`, the key it was started with).',
      ].join('\n');
    case 'bearer':
      return '- Authentication: **API Key**, Auth Type **Bearer**.\n- API Key: the token your adapter expects (sent as `Authorization: Bearer <token>`).';
    case 'basic':
      return '- Authentication: **API Key**, Auth Type **Basic**.\n- API Key: `user:password` encoded in base64 (e.g. `printf user:password | base64`).';
    case 'oauth':
      return oauthSetupText(auth, oauth, serverUrl);
  }
}

/** The "Add custom MCP server" dialog of ChatGPT plugins: plugins authenticate with OAuth or not at all. */
export function pluginAuthText(auth: AuthOptions): string {
  switch (auth.type) {
    case 'none':
      return '- **No authentication**: anyone who has the URL can call the tools, so only for tools that are safe for that.';
    case 'oauth':
      return [
        '- **OAuth**. ChatGPT finds the authorization server from the adapter\'s protected-resource metadata and',
        '  registers itself, or asks for the client ID and secret of your OAuth app (then add the callback URL it',
        '  shows to the app\'s allowed redirect URLs). The adapter checks every token, audience included.',
      ].join('\n');
    default:
      return [
        `- ChatGPT plugins authenticate with OAuth or not at all: they cannot send the static ${auth.type === 'api-key' ? 'API key' : auth.type === 'bearer' ? 'bearer token' : 'user and password'}`,
        '  this action uses. Run the adapter for the plugin with OAuth (`serve --auth oauth` and your',
        '  authorization server), or, for tools that are safe for anyone, without auth.',
      ].join('\n');
  }
}

/** The number of tools the spec's operations reach (each tool operation, and every tool of a generic one). */
function toolCount(build: BuildResult): number {
  const names = new Set<string>();
  for (const op of build.operations) {
    const post = build.spec.paths?.[op.path]?.post as Record<string, unknown> | undefined;
    if (typeof post?.['x-mcp-tool'] === 'string') names.add(post['x-mcp-tool']);
    for (const n of (post?.['x-mcp-tools'] as unknown[] | undefined) ?? []) if (typeof n === 'string') names.add(n);
  }
  return names.size;
}

export interface BundleValues {
  privacyUrl?: string;
  /** OAuth: what the issuer's metadata says (generate --oauth-issuer). */
  oauth?: OAuthSetupInfo;
}

/** The placeholder values SETUP.md, PLUGIN.md and privacy-policy.md templates can use. */
export function bundleValues(catalog: ToolCatalog, build: BuildResult, auth: AuthOptions, extra: BundleValues = {}): Record<string, string> {
  const serverUrl = build.spec.servers?.[0]?.url ?? '';
  const consequential = build.operations.filter((o) => build.spec.paths?.[o.path]?.post?.['x-openai-isConsequential'] === true);
  return {
    title: catalog.server.title ?? catalog.server.name,
    server_name: catalog.server.name,
    server_url: serverUrl,
    host: serverUrl.replace(/^https?:\/\//, '').split('/')[0] ?? '',
    operation_count: String(build.operations.length),
    consequential_operations: consequential.length ? consequential.map((o) => `\`${o.operationId}\``).join(', ') : '(none)',
    auth_setup: authSetupText(auth, extra.oauth, serverUrl || undefined).split('\n').map((line) => `   ${line}`).join('\n'),
    privacy_url: extra.privacyUrl ?? 'the public URL where you publish privacy-policy.md (required for GPTs shared publicly)',
    mcp_url: `${serverUrl.replace(/\/+$/, '')}/mcp`,
    sse_url: `${serverUrl.replace(/\/+$/, '')}/sse`,
    plugin_auth: pluginAuthText(auth).split('\n').map((line) => `   ${line}`).join('\n'),
    tool_count: `${toolCount(build)} tools`,
  };
}

export function renderBundleText(template: string, values: Record<string, string>): string {
  return renderTemplate(template, values);
}
