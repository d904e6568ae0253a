import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CatalogTool, ToolCatalog } from '../../../src/mcp/catalog.js';
import { buildSpec } from '../../../src/openapi/build-spec.js';
import { INSTRUCTIONS_LIMIT, renderInstructions } from '../../../src/openapi/gpt-instructions.js';
import { authSetupText, bundleValues } from '../../../src/openapi/gpt-setup.js';
import { renderTemplate, unknownPlaceholders } from '../../../src/openapi/render-template.js';

const template = readFileSync(new URL('../../../templates/instructions.md', import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/tools/${name}.json`, import.meta.url), 'utf8')) as ToolCatalog;
const url = 'https://api.example.com';

describe('renderTemplate', () => {
  it.each([
    ['{{title}} at {{ server_url }}', { title: 'T', server_url: 'https://x' }, 'T at https://x'],
    ['{{unknown}} stays', {}, '{{unknown}} stays'],
    ['no $-patterns: {{v}}', { v: '$& $1' }, 'no $-patterns: $& $1'],
  ])('%s', (t, values, want) => expect(renderTemplate(t, values)).toBe(want));

  it('lists unknown placeholders', () => {
    expect(unknownPlaceholders('{{a}} {{b}} {{a}}', { a: '' })).toEqual(['b']);
  });
});

describe('renderInstructions', () => {
  it('lists every operation, marks the ones that change things, keeps full descriptions that fit', () => {
    const catalog = fixture('demo');
    const build = buildSpec(catalog, { serverUrl: url });
    const { text, notes } = renderInstructions(template, catalog, build);
    expect(notes).toEqual([]);
    expect(text).toContain('You are the assistant for Demo notes & weather. A demo server: keep notes');
    expect(text).toContain('- `delete_note` (Delete a note): Changes things: tell the user before calling it. Deletes a note by id. Cannot be undone.');
    expect(text).toContain('- `get_forecast` (Get weather forecast): Read-only.');
  });

  it('gives the guidance that did not fit in 300 characters', () => {
    const catalog = fixture('long-description');
    const build = buildSpec(catalog, { serverUrl: url });
    const op = build.spec.paths!['/tools/search_archive']!.post!;
    const { text } = renderInstructions(template, catalog, build);
    expect(op.description!.length).toBeLessThanOrEqual(300);
    // the instructions carry far more of the 7,000-character description than the spec could
    const line = text.split('\n').find((l) => l.startsWith('- `search_archive`'))!;
    expect(line.length).toBeGreaterThan(3000);
    expect(text.length).toBeLessThanOrEqual(INSTRUCTIONS_LIMIT);
  });

  it('always fits the 8,000-character box, sharing the room fairly', () => {
    const tools: CatalogTool[] = Array.from({ length: 29 }, (_, i) => ({
      name: `tool_${i}`,
      description: i === 0 ? 'Short and whole.' : `Tool ${i} does things. `.repeat(400),
      inputSchema: { type: 'object' },
    }));
    const catalog: ToolCatalog = { server: { name: 'big', version: '1', instructions: 'Be nice. '.repeat(100) }, tools };
    const { text, notes } = renderInstructions(template, catalog, buildSpec(catalog, { serverUrl: url }));
    expect(text.length).toBeLessThanOrEqual(INSTRUCTIONS_LIMIT);
    expect(text).toContain('- `tool_0`: Changes things: tell the user before calling it. Short and whole.');
    for (let i = 0; i < 29; i++) expect(text).toContain(`- \`tool_${i}\``);
    // the job rule is never what gets cut
    expect(text).toContain('call `get_job` with `job.id`');
    expect(notes.map((n) => n.code)).toEqual(['instructions-shortened']);
  });

  it('tells the model how to handle a job: tell the user, wait poll_after_s, call get_job; none without jobs', () => {
    const catalog: ToolCatalog = {
      server: { name: 's', version: '1' },
      tools: [{ name: 'research', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' } }, { name: 'quick', inputSchema: { type: 'object' } }],
    };
    const { text } = renderInstructions(template, catalog, buildSpec(catalog, { serverUrl: url }));
    expect(text).toContain('- `research`: Changes things: tell the user before calling it. Long-running: answers with a job.');
    expect(text).toContain('tell the user the work is still running, wait `job.poll_after_s` seconds, and call `get_job` with `job.id`');
    const off = renderInstructions(template, catalog, buildSpec(catalog, { serverUrl: url, jobs: false })).text;
    expect(off).not.toContain('get_job');
    expect(off).not.toContain('{{jobs}}');
    // a template of the user's own without {{jobs}} still gets the rule
    const own = renderInstructions('Tools:\n{{tools}}\n', catalog, buildSpec(catalog, { serverUrl: url })).text;
    expect(own).toContain('call `get_job` with `job.id`');
  });

  it('explains how to reach the overflow tools through call_tool', () => {
    const catalog = fixture('forty-tools');
    const build = buildSpec(catalog, { serverUrl: url, overflow: 'generic' });
    const { text } = renderInstructions(template, catalog, build);
    expect(text).toContain('- `tool_40` through `call_tool` with {"name": "tool_40", "arguments": {…}}: Changes things: tell the user before calling it. Arguments: x. Tool number 40.');
  });
});

describe('SETUP.md values', () => {
  it.each([
    [{ type: 'none' as const }, ['**None**']],
    [{ type: 'api-key' as const, apiKeyHeader: 'X-Key' }, ['Auth Type **Custom**', 'Custom Header Name: `X-Key`']],
    [{ type: 'bearer' as const }, ['Auth Type **Bearer**']],
    [{ type: 'basic' as const }, ['Auth Type **Basic**', 'base64']],
    [{ type: 'oauth' as const, oauth: { authorizationUrl: 'https://a.example.com/auth', tokenUrl: 'https://a.example.com/token', scopes: ['r', 'w'] } }, ['**OAuth**', 'Authorization URL: `https://a.example.com/auth`', 'Token URL: `https://a.example.com/token`', 'Scope: `r w`', 'oauth/callback']],
  ])('%j', (auth, parts) => {
    const text = authSetupText(auth);
    for (const p of parts) expect(text).toContain(p);
  });

  it('fills server URL, privacy URL and the operations that ask for confirmation', () => {
    const catalog = fixture('demo');
    const build = buildSpec(catalog, { serverUrl: url });
    const values = bundleValues(catalog, build, { type: 'none' }, { privacyUrl: 'https://example.com/privacy' });
    expect(values).toMatchObject({ server_url: url, host: 'api.example.com', privacy_url: 'https://example.com/privacy', operation_count: '6', consequential_operations: '`create_note`, `delete_note`' });
  });
});
