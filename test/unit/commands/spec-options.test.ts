import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { loadTemplate, parseSpecFlags } from '../../../src/commands/spec-options.js';

const url = { serverUrl: 'https://api.example.com' };

describe('parseSpecFlags', () => {
  it('defaults', () => {
    expect(parseSpecFlags(url)).toEqual({ serverUrl: 'https://api.example.com', profile: 'gpt-actions', auth: { type: 'none' }, consequential: 'annotations', overflow: 'error', openapiVersion: '3.1', jobs: true, files: 'auto' });
  });

  it('every flag', () => {
    expect(
      parseSpecFlags({ ...url, profile: 'generic', auth: 'oauth', oauthAuthorizationUrl: 'https://a.example.com/a', oauthTokenUrl: 'https://a.example.com/t', oauthScopes: 'read, write,,', consequential: 'all', include: ['a*'], exclude: ['b'], overflow: 'generic', openapi: '3.0', failOnShorten: true, async: false, files: 'none' }),
    ).toEqual({
      serverUrl: 'https://api.example.com', profile: 'generic', consequential: 'all', overflow: 'generic', openapiVersion: '3.0',
      auth: { type: 'oauth', oauth: { authorizationUrl: 'https://a.example.com/a', tokenUrl: 'https://a.example.com/t', scopes: ['read', 'write'] } },
      include: ['a*'], exclude: ['b'], failOnShorten: true, jobs: false, files: 'none',
    });
  });

  it.each([
    [{}, /--server-url is required/],
    [{ ...url, auth: 'token' }, /--auth "token" is not one of none, api-key, bearer, basic, oauth/],
    [{ ...url, profile: 'chatgpt' }, /--profile "chatgpt" is not one of/],
    [{ ...url, consequential: 'some' }, /--consequential "some"/],
    [{ ...url, overflow: 'drop' }, /--overflow "drop"/],
    [{ ...url, openapi: '3.2' }, /--openapi "3.2"/],
    [{ ...url, files: 'all' }, /--files "all" is not one of auto, none/],
    [{ ...url, apiKeyHeader: 'X-K' }, /only applies to --auth api-key/],
    [{ ...url, auth: 'bearer', oauthTokenUrl: 'https://t' }, /the --oauth-\* flags only apply to --auth oauth/],
  ])('%j → UsageError', (flags, message) => {
    expect(() => parseSpecFlags(flags)).toThrow(UsageError);
    expect(() => parseSpecFlags(flags)).toThrow(message);
  });
});

describe('loadTemplate', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mcp-actions-tpl-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('the bundled default template parses (comments only → nothing to merge)', async () => {
    expect(await loadTemplate(undefined, dir)).toBeUndefined();
  });

  it('reads a YAML mapping relative to cwd', async () => {
    await writeFile(join(dir, 't.yaml'), 'info:\n  contact:\n    email: a@b.c\n');
    expect(await loadTemplate('t.yaml', dir)).toEqual({ info: { contact: { email: 'a@b.c' } } });
  });

  it.each([
    ['missing.yaml', undefined, /cannot read the template missing.yaml \(ENOENT\)/],
    ['bad.yaml', 'info: [unclosed', /is not valid YAML/],
    ['list.yaml', '- a\n- b\n', /is not a mapping/],
  ])('%s → ConfigError', async (name, content, message) => {
    if (content !== undefined) await writeFile(join(dir, name), content);
    await expect(loadTemplate(name, dir)).rejects.toThrow(ConfigError);
    await expect(loadTemplate(name, dir)).rejects.toThrow(message);
  });
});
