/** E2E: `generate gpt` writes the GPT bundle from the templates, overridable with --templates DIR. */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { validateSpec } from '../helpers/swagger.js';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'mcp-actions-gpt-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const demo = ['--', 'node', 'fixtures/servers/demo.mjs'];
const flags = ['--server-url', 'https://api.example.com'];

describe('generate gpt', { timeout: 120_000 }, () => {
  it('writes openapi.yaml, instructions.md, privacy-policy.md, SETUP.md and PLUGIN.md', async () => {
    const out = join(tmp, 'bundle');
    const result = await runCli(['generate', 'gpt', ...flags, '--auth', 'api-key', '--api-key-header', 'X-Demo-Key', '--privacy-url', 'https://example.com/privacy', '--out-dir', out, ...demo]);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['PLUGIN.md', 'SETUP.md', 'instructions.md', 'openapi.yaml', 'privacy-policy.md']);
    expect(result.stdout.trim().split('\n')).toEqual(['openapi.yaml', 'instructions.md', 'privacy-policy.md', 'SETUP.md', 'PLUGIN.md'].map((f) => join(out, f)));

    const spec = parse(await readFile(join(out, 'openapi.yaml'), 'utf8'));
    await validateSpec(spec);
    expect(spec.components.securitySchemes).toEqual({ apiKey: { type: 'apiKey', in: 'header', name: 'X-Demo-Key' } });

    const instructions = await readFile(join(out, 'instructions.md'), 'utf8');
    expect(instructions.length).toBeLessThanOrEqual(8000);
    expect(instructions).toContain('`delete_note` (Delete a note): Changes things');
    expect(instructions).not.toContain('{{');

    const setup = await readFile(join(out, 'SETUP.md'), 'utf8');
    expect(setup).toContain('Custom Header Name: `X-Demo-Key`');
    expect(setup).toContain('**Privacy policy**: https://example.com/privacy');
    expect(setup).toContain('`create_note`, `delete_note`');
    expect(setup).not.toContain('{{');

    // PLUGIN.md: the same adapter as a ChatGPT plugin, at its MCP endpoint; an API key cannot be used there.
    const plugin = await readFile(join(out, 'PLUGIN.md'), 'utf8');
    expect(plugin).toContain('# Demo notes & weather as a ChatGPT plugin');
    expect(plugin).toContain('**URL**: `https://api.example.com/mcp`');
    expect(plugin).toContain('https://api.example.com/sse');
    expect(plugin).toContain('Add custom MCP server');
    expect(plugin).toContain('(5 tools)');
    expect(plugin).toMatch(/cannot send the static API key/);
    expect(plugin).not.toContain('{{');

    const privacy = await readFile(join(out, 'privacy-policy.md'), 'utf8');
    expect(privacy).toContain('# Privacy policy for Demo notes & weather');
    expect(privacy).toContain('to api.example.com');

    // the second run refuses to overwrite, unless --force
    const again = await runCli(['generate', 'gpt', ...flags, '--out-dir', out, ...demo]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has openapi\.yaml.*--force/);
  });

  it('--templates DIR replaces the texts it has and keeps the bundled ones for the rest', async () => {
    const templates = join(tmp, 'templates');
    await mkdir(templates, { recursive: true });
    await writeFile(join(templates, 'instructions.md'), 'Custom for {{title}}:\n{{tools}}\n');
    const out = join(tmp, 'custom');
    const result = await runCli(['generate', 'gpt', ...flags, '--templates', templates, '--out-dir', out, ...demo]);
    expect(result.code).toBe(0);
    const instructions = await readFile(join(out, 'instructions.md'), 'utf8');
    expect(instructions.startsWith('Custom for Demo notes & weather:\n- `add`: Read-only. Adds two numbers.\n')).toBe(true);
    expect(await readFile(join(out, 'SETUP.md'), 'utf8')).toContain('Authentication: **None**');
    expect(await readFile(join(out, 'PLUGIN.md'), 'utf8')).toContain('**No authentication**');
  });

  it('instructions stay within 8,000 characters for 7,000-character descriptions', async () => {
    const out = join(tmp, 'long');
    const result = await runCli(['generate', 'gpt', ...flags, '--out-dir', out, '--', 'node', 'fixtures/servers/catalog-server.mjs', `${ROOT}fixtures/tools/long-description.json`]);
    expect(result.code).toBe(0);
    const instructions = await readFile(join(out, 'instructions.md'), 'utf8');
    expect(instructions.length).toBeLessThanOrEqual(8000);
    expect(instructions).toContain('This tool searches the archive');
  });

  it('usage errors exit 2', async () => {
    const missing = await runCli(['generate', 'gpt', ...flags, ...demo]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out-dir is required');
    const badPrivacy = await runCli(['generate', 'gpt', ...flags, '--out-dir', join(tmp, 'x'), '--privacy-url', 'http://x', ...demo]);
    expect(badPrivacy.code).toBe(2);
    expect(badPrivacy.stderr).toContain('is not an https URL');
  });
});
