/** Schema and operation comparison: each change classified for callers, in requests and in responses. */
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../../src/validate/diff/diff-specs.js';

type Spec = Record<string, any>;

/** One operation whose request body is `input` and 200 response is `output`. */
function spec(input: unknown, output: unknown = { type: 'object', properties: {} }, extra: (s: Spec) => void = () => {}): Spec {
  const s: Spec = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths: {
      '/tools/run': {
        post: {
          operationId: 'run',
          requestBody: { content: { 'application/json': { schema: input } } },
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: output } } } },
        },
      },
    },
    components: { schemas: {} },
  };
  extra(s);
  return s;
}

const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });
const codes = (a: Spec, b: Spec) => diffSpecs(a, b).changes.map((c) => `${c.severity === 'breaking' ? '!' : '~'}${c.code}${c.location ? `@${c.location}` : ''}`);

describe('request schemas (what the GPT sends)', () => {
  it.each([
    ['number → integer narrows', obj({ n: { type: 'number' } }), obj({ n: { type: 'integer' } }), ['!type-narrowed@body.n']],
    ['integer → number widens', obj({ n: { type: 'integer' } }), obj({ n: { type: 'number' } }), ['~type-widened@body.n']],
    ['untyped → typed narrows', obj({ n: {} }), obj({ n: { type: 'string' } }), ['!type-narrowed@body.n']],
    ['an enum appearing narrows', obj({ n: { type: 'string' } }), obj({ n: { type: 'string', enum: ['a'] } }), ['!enum-added@body.n']],
    ['a const changing', obj({ n: { const: 'a' } }), obj({ n: { const: 'b' } }), ['!enum-value-removed@body.n', '~enum-value-added@body.n']],
    ['optional → required', obj({ n: { type: 'string' } }), obj({ n: { type: 'string' } }, ['n']), ['!property-became-required@body.n']],
    ['required → optional', obj({ n: { type: 'string' } }, ['n']), obj({ n: { type: 'string' } }), ['~property-became-optional@body.n']],
    ['maxLength lowered', obj({ n: { type: 'string', maxLength: 10 } }), obj({ n: { type: 'string', maxLength: 5 } }), ['!constraint-tightened@body.n']],
    ['minimum lowered', obj({ n: { type: 'integer', minimum: 5 } }), obj({ n: { type: 'integer', minimum: 1 } }), ['~constraint-relaxed@body.n']],
    ['additionalProperties: false added', obj({}), { ...obj({}), additionalProperties: false }, ['!additional-properties-disallowed@body']],
    ['a nested array item property removed', obj({ l: { type: 'array', items: obj({ x: { type: 'string' }, y: { type: 'string' } }) } }), obj({ l: { type: 'array', items: obj({ x: { type: 'string' } }) } }), ['!property-removed@body.l[].y']],
    ['an anyOf alternative removed', obj({ v: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }), obj({ v: { anyOf: [{ type: 'string' }] } }), ['!variant-removed@body.v']],
    ['a description', obj({ n: { type: 'string', description: 'a' } }), obj({ n: { type: 'string', description: 'b' } }), ['~description-changed@body.n']],
  ])('%s', (_name, before, after, want) => expect(codes(spec(before), spec(after))).toEqual(want));
});

describe('response schemas (what the GPT reads)', () => {
  it.each([
    ['a property removed', obj({ a: { type: 'string' }, b: { type: 'string' } }), obj({ a: { type: 'string' } }), ['!property-removed@response.b']],
    ['a property added', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' }, b: { type: 'string' } }), ['~property-added@response.b']],
    ['a type widened', obj({ a: { type: 'string' } }), obj({ a: { type: ['string', 'null'] } }), ['!type-widened@response.a']],
    ['a type narrowed', obj({ a: { type: ['string', 'null'] } }), obj({ a: { type: 'string' } }), ['~type-narrowed@response.a']],
    ['a new required property', obj({}), obj({ a: { type: 'string' } }, ['a']), ['~property-added@response.a']],
  ])('%s', (_name, before, after, want) => expect(codes(spec(obj({}), before), spec(obj({}), after))).toEqual(want));
});

describe('references and operations', () => {
  it('follows $refs on both sides, including when only one side uses one', () => {
    const before = spec({ $ref: '#/components/schemas/In' }, undefined, (s) => (s.components.schemas.In = obj({ a: { type: 'string' } })));
    const after = spec(obj({ a: { type: 'string' }, b: { type: 'string' } }, ['b']));
    expect(codes(before, after)).toEqual(['!required-property-added@body.b']);
  });

  it('terminates on recursive schemas', () => {
    const tree = (extra: Record<string, unknown>) => (s: Spec) =>
      (s.components.schemas.Node = obj({ kids: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, ...extra }));
    const before = spec({ $ref: '#/components/schemas/Node' }, undefined, tree({}));
    const after = spec({ $ref: '#/components/schemas/Node' }, undefined, tree({ name: { type: 'string' } }));
    expect(codes(before, after)).toEqual(['~optional-property-added@body.name']);
  });

  it('matches a renamed operation by its x-mcp-tool and still compares it', () => {
    const before = spec(obj({ a: { type: 'string' } }), undefined, (s) => (s.paths['/tools/run'].post['x-mcp-tool'] = 'run.tool'));
    const after = spec(obj({}), undefined, (s) => {
      const op = s.paths['/tools/run'].post;
      op.operationId = 'run_tool';
      op['x-mcp-tool'] = 'run.tool';
      s.paths['/tools/run_tool'] = { post: op };
      delete s.paths['/tools/run'];
    });
    expect(codes(before, after)).toEqual(['!operation-renamed', '!operation-moved', '!property-removed@body.a']);
  });

  it('a server URL change is breaking; identical specs have no changes', () => {
    const a = spec(obj({}));
    expect(codes(a, structuredClone(a))).toEqual([]);
    expect(codes(a, spec(obj({}), undefined, (s) => (s.servers = [{ url: 'https://api2.example.com' }])))).toEqual(['!server-changed']);
  });

  it('parameters: new required one is breaking, new optional one is not, removed is breaking', () => {
    const p = (name: string, required = false) => ({ name, in: 'query', required, schema: { type: 'string' } });
    const before = spec(obj({}), undefined, (s) => (s.paths['/tools/run'].post.parameters = [p('a'), p('b')]));
    const after = spec(obj({}), undefined, (s) => (s.paths['/tools/run'].post.parameters = [p('a'), p('c', true), p('d')]));
    expect(codes(before, after)).toEqual(['!parameter-removed@query.b', '!required-parameter-added@query.c', '~parameter-added@query.d']);
  });
});

describe('authentication', () => {
  const oauth = (tokenUrl: string) => (s: Spec) => {
    s.components.securitySchemes = { o: { type: 'oauth2', description: 'x', flows: { authorizationCode: { authorizationUrl: 'https://api.example.com/a', tokenUrl, scopes: { read: 'Read' } } } } };
    s.security = [{ o: ['read'] }];
  };
  it('an OAuth token URL change is breaking; a scheme description change is not an auth change', () => {
    const before = spec(obj({}), undefined, oauth('https://api.example.com/t'));
    expect(codes(before, spec(obj({}), undefined, oauth('https://api.example.com/token')))).toEqual(['!auth-changed']);
    const described = spec(obj({}), undefined, oauth('https://api.example.com/t'));
    described.components.securitySchemes.o.description = 'other words';
    expect(codes(before, described)).toEqual([]);
  });

  it('an operation opting out with security: [] is an auth change for that operation', () => {
    const before = spec(obj({}), undefined, oauth('https://api.example.com/t'));
    const after = spec(obj({}), undefined, (s) => {
      oauth('https://api.example.com/t')(s);
      s.paths['/tools/run'].post.security = [];
    });
    expect(diffSpecs(before, after).changes).toEqual([
      expect.objectContaining({ severity: 'breaking', code: 'auth-changed', operation: 'run' }),
    ]);
  });
});
