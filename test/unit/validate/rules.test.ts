/**
 * The GPT Actions rule table: what each rule catches, and the valid shapes it must not flag (no false alarms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateSpecText } from '../../../src/validate/validate-spec.js';

type Spec = Record<string, any>;

/** A minimal valid spec with one POST operation; `edit` changes it. */
function spec(edit: (s: Spec) => void = () => {}): string {
  const s: Spec = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths: {
      '/tools/echo': {
        post: {
          operationId: 'echo',
          summary: 'Echo.',
          'x-openai-isConsequential': false,
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/In' } } } },
          responses: { '200': { description: 'ok' } },
        },
      },
    },
    components: { schemas: { In: { type: 'object', properties: { text: { type: 'string' } } } } },
  };
  edit(s);
  return JSON.stringify(s, null, 2);
}

async function rules(text: string): Promise<string[]> {
  const report = await validateSpecText(text, 'spec.json');
  return report.problems.map((p) => p.rule).sort();
}

const withSchema = (schema: unknown) => spec((s) => (s.components.schemas.X = schema));
const op = (s: Spec) => s.paths['/tools/echo'].post;

describe('valid specs pass with zero problems', () => {
  const dir = fileURLToPath(new URL('../../../fixtures/valid/', import.meta.url));
  it.each(readdirSync(dir))('fixtures/valid/%s', async (file) => {
    const report = await validateSpecText(readFileSync(`${dir}${file}`, 'utf8'), file);
    expect(report.problems).toEqual([]);
  });
  it('the base spec of this file', async () => expect(await rules(spec())).toEqual([]));
});

describe('schemas: no false alarms', () => {
  it.each([
    ['$ref without type', { $ref: '#/components/schemas/In' }],
    ['anyOf without type', { anyOf: [{ type: 'string' }, { type: 'null' }] }],
    ['additionalProperties without type', { additionalProperties: { type: 'string' } }],
    ['object with empty properties', { type: 'object', properties: {} }],
    ['object built by allOf', { type: 'object', allOf: [{ $ref: '#/components/schemas/In' }] }],
    ['array with prefixItems', { type: 'array', prefixItems: [{ type: 'string' }] }],
    ['array of arrays', { type: 'array', items: { type: 'array', items: { type: 'number' } } }],
    ['empty schema', {}],
    ['boolean subschema', { type: 'object', properties: { any: true } }],
    ['nullable object with properties', { type: ['object', 'null'], properties: { a: { type: 'string' } } }],
    ['a DAG of refs (two paths to one schema)', { type: 'object', properties: { a: { $ref: '#/components/schemas/In' }, b: { $ref: '#/components/schemas/In' } } }],
    ['a property named "properties" and "items"', { type: 'object', properties: { properties: { type: 'string' }, items: { type: 'string' } } }],
    ['$ref-looking data in an example', { type: 'object', properties: {}, example: { $ref: '#/nowhere' } }],
  ])('%s', async (_name, schema) => expect(await rules(withSchema(schema))).toEqual([]));
});

describe('schemas: what is caught', () => {
  it.each([
    ['bare object', { type: 'object' }, ['object-properties']],
    ['nullable bare object', { type: ['object', 'null'] }, ['object-properties']],
    ['object map without properties', { type: 'object', additionalProperties: { type: 'string' } }, ['object-properties']],
    ['nested bare object', { type: 'object', properties: { meta: { type: 'object' } } }, ['object-properties']],
    ['array without items', { type: 'object', properties: { list: { type: 'array' } } }, ['array-items']],
    ['bare object inside anyOf', { anyOf: [{ type: 'object' }, { type: 'null' }] }, ['object-properties']],
    ['self reference', { type: 'object', properties: { next: { $ref: '#/components/schemas/X' } } }, ['circular-ref']],
    ['ref to a missing schema', { $ref: '#/components/schemas/Nope' }, ['ref-unresolved']],
    ['external http ref', { $ref: 'https://example.com/schema.json' }, ['ref-external']],
  ])('%s', async (_name, schema, want) => expect(await rules(withSchema(schema))).toEqual(want));

  it('reports one finding per cycle, at the $ref that closes it', async () => {
    const text = spec((s) => {
      s.components.schemas.A = { type: 'object', properties: { b: { $ref: '#/components/schemas/B' } } };
      s.components.schemas.B = { type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } };
    });
    const report = await validateSpecText(text, 'spec.json');
    expect(report.problems.map((p) => [p.rule, p.pointer, p.message])).toEqual([
      ['circular-ref', '/components/schemas/A/properties/b/$ref', 'circular $ref: #/components/schemas/B → #/components/schemas/A → #/components/schemas/B'],
    ]);
  });

  it('catches a cycle through $defs inside a component', async () => {
    const text = withSchema({ $defs: { Node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/components/schemas/X/$defs/Node' } } } } }, $ref: '#/components/schemas/X/$defs/Node' });
    expect(await rules(text)).toEqual(['circular-ref']);
  });
});

describe('servers', () => {
  it.each([
    ['https://api.example.com/v1', []],
    ['https://api.example.com:443', ['server-port']],
    ['http://localhost:3000', ['server-https', 'server-local', 'server-port']],
    ['https://10.0.0.8', ['server-local']],
    ['https://{tenant}.example.com', ['server-url']],
    ['https://Api.Example.com', ['server-host-lowercase']],
    ['api.example.com', ['server-url']],
  ])('%s', async (url, want) => expect(await rules(spec((s) => (s.servers = [{ url }])))).toEqual(want));

  it('servers: [] is missing', async () => expect(await rules(spec((s) => (s.servers = [])))).toEqual(['servers-missing']));
});

describe('operations', () => {
  it('counts characters, not UTF-16 units: 300 emoji pass, 301 fail', async () => {
    expect(await rules(spec((s) => (op(s).summary = '😀'.repeat(300))))).toEqual([]);
    expect(await rules(spec((s) => (op(s).description = '😀'.repeat(301))))).toEqual(['description-too-long']);
  });

  it('30 operations pass, 31 fail', async () => {
    const many = (n: number) =>
      spec((s) => {
        for (let i = 1; i < n; i++) s.paths[`/op${i}`] = { get: { operationId: `op${i}`, 'x-openai-isConsequential': false, responses: { '200': { description: 'ok' } } } };
      });
    expect(await rules(many(30))).toEqual([]);
    expect(await rules(many(31))).toEqual(['operations-max']);
  });

  it.each([
    ['application/json; charset=utf-8 is JSON', (s: Spec) => (op(s).requestBody.content = { 'application/json; charset=utf-8': { schema: { type: 'string' } } }), []],
    ['a multipart body is not', (s: Spec) => (op(s).requestBody.content = { 'multipart/form-data': { schema: { type: 'object', properties: {} } } }), ['request-body-json']],
    [
      'a $ref to components.requestBodies is followed',
      (s: Spec) => {
        s.components.requestBodies = { Body: { content: { 'text/plain': { schema: { type: 'string' } } } } };
        op(s).requestBody = { $ref: '#/components/requestBodies/Body' };
      },
      ['request-body-json'],
    ],
    ['a string consequential flag', (s: Spec) => (op(s)['x-openai-isConsequential'] = 'yes'), ['consequential-flag']],
    ['an operationId over 64 characters', (s: Spec) => (op(s).operationId = 'a'.repeat(65)), ['operation-id-pattern']],
    ['trace is skipped by ChatGPT', (s: Spec) => (s.paths['/tools/echo'].trace = { operationId: 't', 'x-openai-isConsequential': false, responses: { '200': { description: 'ok' } } }), ['method-unsupported']],
  ])('%s', async (_name, edit, want) => expect(await rules(spec(edit))).toEqual(want));
});

describe('parameters', () => {
  const param = (p: Spec) => ({ name: 'q', in: 'query', schema: { type: 'string' }, ...p });
  it.each([
    ['a query parameter', (s: Spec) => (op(s).parameters = [param({})]), []],
    ['an operation parameter overriding the path one', (s: Spec) => {
      s.paths['/tools/echo'].parameters = [param({ description: 'path level' })];
      op(s).parameters = [param({ description: 'operation level' })];
    }, []],
    ['the same name in query and path', (s: Spec) => {
      s.paths['/tools/{q}'] = s.paths['/tools/echo'];
      delete s.paths['/tools/echo'];
      s.paths['/tools/{q}'].post.parameters = [param({ in: 'path', required: true }), param({})];
    }, ['parameter-duplicate']],
    ['a cookie parameter', (s: Spec) => (op(s).parameters = [param({ in: 'cookie' })]), ['parameter-location']],
    ['a $ref inside the parameter schema', (s: Spec) => (op(s).parameters = [param({ schema: { $ref: '#/components/schemas/In' } })]), ['parameter-ref']],
    ['a 700-character description', (s: Spec) => (op(s).parameters = [param({ description: 'd'.repeat(700) })]), []],
    ['a 701-character description', (s: Spec) => (op(s).parameters = [param({ description: 'd'.repeat(701) })]), ['parameter-description-too-long']],
  ])('%s', async (_name, edit, want) => expect(await rules(spec(edit))).toEqual(want));
});

describe('security', () => {
  const oauth = (authorizationUrl: string, tokenUrl: string) => ({ type: 'oauth2', flows: { authorizationCode: { authorizationUrl, tokenUrl, scopes: {} } } });
  it.each([
    ['bearer', { b: { type: 'http', scheme: 'bearer' } }, []],
    ['Basic (any case)', { b: { type: 'http', scheme: 'Basic' } }, []],
    ['digest', { b: { type: 'http', scheme: 'digest' } }, ['security-scheme-supported']],
    ['api key in a cookie', { k: { type: 'apiKey', in: 'cookie', name: 'k' } }, ['security-scheme-supported']],
    ['openIdConnect', { o: { type: 'openIdConnect', openIdConnectUrl: 'https://api.example.com/.well-known/openid-configuration' } }, ['security-scheme-supported']],
    ['OAuth client credentials only', { o: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://api.example.com/token', scopes: {} } } } }, ['security-scheme-supported']],
    ['OAuth on a subdomain of the API', { o: oauth('https://auth.example.com/authorize', 'https://example.com/token') }, []],
    ['OAuth with Microsoft', { o: oauth('https://login.microsoftonline.com/common/oauth2/v2.0/authorize', 'https://login.microsoftonline.com/common/oauth2/v2.0/token') }, []],
    ['OAuth elsewhere', { o: oauth('https://idp.example.org/authorize', 'https://idp.example.org/token') }, ['oauth-domain', 'oauth-domain']],
    ['two schemes', { a: { type: 'http', scheme: 'bearer' }, b: { type: 'apiKey', in: 'header', name: 'k' } }, ['security-schemes-max']],
  ])('%s', async (_name, schemes, want) => expect(await rules(spec((s) => (s.components.securitySchemes = schemes)))).toEqual(want));
});
