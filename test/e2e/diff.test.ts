/**
 * `mcp-actions diff OLD NEW` end to end: each breaking category is detected (exit 1), a pure description
 * change is non-breaking (exit 0, or 1 with --fail-on any), unreadable files exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runCli } from './validate-helpers.js';

type Spec = Record<string, any>;

let dir: string;
const petstore = () => parse(readFileSync(`${ROOT}fixtures/valid/petstore.yaml`, 'utf8')) as Spec;
const weather = () => JSON.parse(readFileSync(`${ROOT}fixtures/valid/weather.json`, 'utf8')) as Spec;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-actions-diff-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Change {
  severity: string;
  code: string;
  operation?: string;
  location?: string;
}

async function diff(name: string, base: Spec, edit: (s: Spec) => void, extra: string[] = []) {
  const after = structuredClone(base);
  edit(after);
  const oldFile = join(dir, `${name}.old.yaml`);
  const newFile = join(dir, `${name}.new.json`);
  writeFileSync(oldFile, stringify(base));
  writeFileSync(newFile, JSON.stringify(after, null, 2));
  const r = await runCli(['diff', oldFile, newFile, '--format', 'json', ...extra]);
  const report = JSON.parse(r.stdout) as { changes: Change[]; breaking: number; nonBreaking: number };
  return { code: r.code, report, stderr: r.stderr };
}

const CASES: [string, () => Spec, (s: Spec) => void, Partial<Change>][] = [
  ['operation removed', petstore, (s) => delete s.paths['/pets/{petId}'].delete, { code: 'operation-removed', operation: 'deletePet' }],
  ['operation renamed', petstore, (s) => (s.paths['/pets/{petId}'].get.operationId = 'fetchPet'), { code: 'operation-renamed', operation: 'fetchPet' }],
  [
    'new required property (through a $ref into components)',
    petstore,
    (s) => {
      s.components.schemas.NewPet.properties.species = { type: 'string' };
      s.components.schemas.NewPet.required.push('species');
    },
    { code: 'required-property-added', operation: 'createPet', location: 'body.species' },
  ],
  ['property removed', weather, (s) => delete s.paths['/forecast'].post.requestBody.content['application/json; charset=utf-8'].schema.properties.days, { code: 'property-removed', operation: 'get_forecast', location: 'body.days' }],
  ['type narrowed', petstore, (s) => (s.components.schemas.NewPet.properties.tag.type = 'string'), { code: 'type-narrowed', operation: 'createPet', location: 'body.tag' }],
  ['type changed (string → integer in a parameter)', weather, (s) => (s.paths['/alerts/{region}'].get.parameters[1].schema.type = 'integer'), { code: 'type-narrowed', operation: 'list-alerts', location: 'query.since' }],
  ['enum value removed', weather, (s) => (s.paths['/alerts/{region}'].get.parameters[0].schema.enum = ['north']), { code: 'enum-value-removed', operation: 'list-alerts', location: 'path.region' }],
  [
    'auth changed',
    weather,
    (s) => {
      s.components.securitySchemes = { key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } };
      s.security = [{ key: [] }];
    },
    { code: 'auth-changed' },
  ],
  ['auth added where there was none', petstore, (s) => {
    s.components.securitySchemes = { bearer: { type: 'http', scheme: 'bearer' } };
    s.security = [{ bearer: [] }];
  }, { code: 'auth-changed' }],
];

describe('diff: breaking categories', { timeout: 90_000 }, () => {
  it.each(CASES)('%s → breaking, exit 1', async (name, base, edit, want) => {
    const { code, report } = await diff(name.replace(/\W+/g, '-'), base(), edit);
    expect(code).toBe(1);
    expect(report.changes).toContainEqual(expect.objectContaining({ severity: 'breaking', ...want }));
  });
});

describe('diff: non-breaking changes', { timeout: 90_000 }, () => {
  const describeOnly = (s: Spec) => {
    s.paths['/forecast'].post.description = 'Returns the forecast, hour by hour.';
    s.paths['/forecast'].post.requestBody.content['application/json; charset=utf-8'].schema.properties.place.description = 'A city name';
  };

  it('a pure description change is non-breaking: exit 0', async () => {
    const { code, report } = await diff('description', weather(), describeOnly);
    expect(code).toBe(0);
    expect(report.breaking).toBe(0);
    expect(report.changes.map((c) => [c.severity, c.code, c.location ?? ''])).toEqual([
      ['non-breaking', 'description-changed', ''],
      ['non-breaking', 'description-changed', 'body.place'],
    ]);
  });

  it('--fail-on any fails on it, --fail-on none never fails', async () => {
    expect((await diff('any', weather(), describeOnly, ['--fail-on', 'any'])).code).toBe(1);
    expect((await diff('none', petstore(), (s) => delete s.paths['/pets'], ['--fail-on', 'none'])).code).toBe(0);
  });

  it('added operation, added optional property, enum value added, widened type are non-breaking', async () => {
    const { code, report } = await diff('additions', weather(), (s) => {
      s.paths['/alerts/{region}'].get.parameters[0].schema.enum.push('east');
      s.paths['/alerts/{region}'].get.parameters[1].schema.type = ['string', 'null'];
      s.paths['/forecast'].post.requestBody.content['application/json; charset=utf-8'].schema.properties.lang = { type: 'string' };
      s.paths['/ping'] = { get: { operationId: 'ping', 'x-openai-isConsequential': false, responses: { 200: { description: 'ok' } } } };
    });
    expect(code).toBe(0);
    expect(report.breaking).toBe(0);
    expect(report.changes.map((c) => c.code).sort()).toEqual(['enum-value-added', 'operation-added', 'optional-property-added', 'type-widened']);
  });
});

describe('diff: output and errors', { timeout: 90_000 }, () => {
  it('prints a readable text report', async () => {
    const base = petstore();
    const after = structuredClone(base);
    delete after.paths['/pets/{petId}'].delete;
    writeFileSync(join(dir, 'a.yaml'), stringify(base));
    writeFileSync(join(dir, 'b.yaml'), stringify(after));
    const r = await runCli(['diff', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'BREAKING      deletePet: operation removed (DELETE /pets/{petId})  [operation-removed]\n' +
        '1 breaking change, 0 non-breaking changes (a.yaml → b.yaml)\n',
    );
  });

  it('exits 2 when a file is missing or unparseable', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'openapi: [3.1.0\n');
    const missing = await runCli(['diff', 'nope.yaml', `${ROOT}fixtures/valid/minimal.yaml`], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('spec file nope.yaml not found');
    const broken = await runCli(['diff', `${ROOT}fixtures/valid/minimal.yaml`, 'broken.yaml'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('cannot parse broken.yaml:2:1');
  });

  it('catches the breaking change between two specs generated from a live server', async () => {
    const server = ['--', process.execPath, `${ROOT}fixtures/servers/drift.mjs`];
    const gen = (file: string, env: string[]) => runCli(['generate', 'openapi', '--server-url', 'https://api.example.com', '-o', join(dir, file), ...env, ...server]);
    expect((await gen('gen-old.yaml', ['--env', 'DRIFT_TOOLS=alpha,beta'])).code).toBe(0);
    expect((await gen('gen-new.yaml', ['--env', 'DRIFT_TOOLS=alpha,beta', '--env', 'DRIFT_CHANGE=beta'])).code).toBe(0);
    const r = await runCli(['diff', 'gen-old.yaml', 'gen-new.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { changes: Change[] };
    expect(report.changes).toEqual([{ severity: 'breaking', code: 'required-property-added', operation: 'beta', location: 'body.mode', message: 'new required property "mode"' }]);
  });
});
