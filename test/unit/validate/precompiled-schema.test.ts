/**
 * The build's precompiled OpenAPI 3.1 schema validator (dist/validate/openapi-31-validator.js, used by the
 * built CLI) reports exactly what swagger-parser's own schema check reports (used when running from src, where
 * that file does not exist): same findings on every valid/invalid fixture spec and on documents broken in many ways.
 * Needs `npm run build` (npm test runs it first).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { precompiledOpenapi31 } from '../../../src/validate/openapi-schema.js';
import { loadSpec } from '../../../src/validate/source-map.js';
import { checkStructure } from '../../../src/validate/structural.js';

const root = resolve(import.meta.dirname, '../../..');
const built = join(root, 'dist', 'validate', 'structural.js');
type Check = typeof checkStructure;
let checkBuilt: Check;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'validate', 'openapi-31-validator.js'))) throw new Error('dist/validate/openapi-31-validator.js is missing: run `npm run build`');
  checkBuilt = ((await import(pathToFileURL(built).href)) as { checkStructure: Check }).checkStructure;
});

const specs = ['fixtures/valid', 'fixtures/invalid'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => `${dir}/${f}`),
);

const base = () => loadSpec(readFileSync(join(root, 'fixtures/golden/demo.yaml'), 'utf8'), 'demo.yaml').document;
/** Documents that break the OpenAPI 3.1 schema in different ways (types, required, enums, unknown keys…). */
const broken: Record<string, (d: Record<string, any>) => void> = {
  'info without title': (d) => delete d.info.title,
  'paths is a list': (d) => (d.paths = []),
  'unknown top-level key': (d) => (d.extra = 1),
  'bad parameter location': (d) => {
    const op = Object.values(d.paths)[0] as Record<string, any>;
    (Object.values(op)[0] as Record<string, any>).parameters = [{ name: 'q', in: 'body', schema: { type: 'string' } }];
  },
  'response without description': (d) => {
    const op = Object.values(Object.values(d.paths)[0] as object)[0] as Record<string, any>;
    op.responses = { '200': {} };
  },
  'schema that is a number': (d) => (d.components.schemas.Bad = 5),
  'server without url': (d) => (d.servers = [{ description: 'x' }]),
  'security scheme of unknown type': (d) => (d.components.securitySchemes = { k: { type: 'magic' } }),
  'openapi 3.1.9': (d) => (d.openapi = '3.1.9'),
  'no paths': (d) => delete d.paths,
};

describe('precompiled OpenAPI 3.1 schema check', () => {
  it('is what the built CLI loads, and is absent when running from src', async () => {
    expect(await precompiledOpenapi31()).toBeUndefined();
    const generated = await import(pathToFileURL(join(root, 'dist/validate/openapi-31-validator.js')).href);
    expect(typeof generated.default).toBe('function');
  });

  it.each(specs)('%s: same findings as swagger-parser', async (file) => {
    const { document } = loadSpec(readFileSync(join(root, file), 'utf8'), file);
    expect(await checkBuilt(document)).toEqual(await checkStructure(document));
  });

  it.each(Object.keys(broken))('%s: same findings as swagger-parser', async (name) => {
    const document = base();
    broken[name]!(document);
    const expected = await checkStructure(document);
    expect(expected.length).toBeGreaterThan(0);
    expect(await checkBuilt(document)).toEqual(expected);
  });
});
