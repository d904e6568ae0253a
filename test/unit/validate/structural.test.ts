/**
 * Structural validation never follows external $refs: not file:, not http:, not relative paths.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStructure } from '../../../src/validate/structural.js';
import { validateSpecText } from '../../../src/validate/validate-spec.js';

function withRef(ref: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { '/a': { post: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } } } } },
    components: { schemas: {} },
  };
}

let dir: string;
let server: Server;
let hits = 0;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-actions-refs-'));
  // If this file were read, its content would be an invalid schema and the validation would report it.
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ type: 5, properties: 'nope' }));
  server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ type: 5 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('external $refs are never resolved', () => {
  it('file:///etc/passwd is left alone', async () => {
    const doc = withRef('file:///etc/passwd');
    const before = JSON.stringify(doc);
    expect(await checkStructure(doc)).toEqual([]);
    expect(JSON.stringify(doc)).toBe(before); // not dereferenced in place either
  });

  it('a readable file: URL is not read', async () => {
    expect(await checkStructure(withRef(pathToFileURL(join(dir, 'schema.json')).href))).toEqual([]);
  });

  it('a relative file path is not read', async () => {
    expect(await checkStructure(withRef('./schema.json'))).toEqual([]);
  });

  it('an http: URL is not fetched', async () => {
    expect(await checkStructure(withRef(`http://127.0.0.1:${port}/schema.json`))).toEqual([]);
    expect(hits).toBe(0);
  });

  it('the GPT profile reports them as ref-external, located in the file', async () => {
    const report = await validateSpecText(JSON.stringify(withRef('file:///etc/passwd'), null, 2), 'spec.json');
    expect(report.problems.map((p) => [p.rule, p.line, p.column])).toEqual([
      ['servers-missing', 1, 1],
      ['consequential-flag', 9, 7],
      ['operation-id-missing', 9, 7],
      ['ref-external', 16, 19],
    ]);
    expect(report.problems.some((p) => p.message.includes('root:'))).toBe(false);
  });
});

describe('structural findings are located', () => {
  it('maps ajv errors to pointers (wrong type, unknown field, missing field)', async () => {
    const doc = withRef('#/components/schemas/A') as Record<string, any>;
    doc.components.schemas.A = { type: 'object', properties: {} };
    doc.paths['/a'].post.operationId = 5;
    doc.paths['/a'].post.bogus = true;
    delete doc.info.version;
    const findings = await checkStructure(doc);
    expect(findings.map((f) => f.pointer).sort()).toEqual(['/info', '/paths/~1a/post/bogus', '/paths/~1a/post/operationId']);
  });

  it('a Swagger 2.0 document is named as such', async () => {
    expect(await checkStructure({ swagger: '2.0', info: {}, paths: {} })).toEqual([
      { rule: 'openapi-structure', pointer: '/swagger', message: 'this is a Swagger 2.0 document; only OpenAPI 3.x is supported' },
    ]);
  });
});
