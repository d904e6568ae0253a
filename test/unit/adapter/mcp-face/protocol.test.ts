/** The MCP face's pure parts: message classification, header decoding, 2026-07-28 request checks. */
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkModernRequest } from '../../../../src/adapter/mcp-face/modern.js';
import { classify, decodeHeaderValue, idKey, RpcError, type RpcRequest } from '../../../../src/adapter/mcp-face/protocol.js';

describe('classify', () => {
  it.each([
    ['a request', { jsonrpc: '2.0', id: 1, method: 'ping' }, 'request'],
    ['a request with a string id and params', { jsonrpc: '2.0', id: 'a', method: 'tools/list', params: {} }, 'request'],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/initialized' }, 'notification'],
    ['a response', { jsonrpc: '2.0', id: 3, result: {} }, 'response'],
    ['an error response', { jsonrpc: '2.0', id: 3, error: { code: 1, message: 'x' } }, 'response'],
    ['no jsonrpc', { id: 1, method: 'ping' }, 'invalid'],
    ['jsonrpc 1.0', { jsonrpc: '1.0', id: 1, method: 'ping' }, 'invalid'],
    ['params as an array', { jsonrpc: '2.0', id: 1, method: 'ping', params: [] }, 'invalid'],
    ['an object id', { jsonrpc: '2.0', id: {}, method: 'ping' }, 'invalid'],
    ['a null id', { jsonrpc: '2.0', id: null, method: 'ping' }, 'invalid'],
    ['an Infinity-like id', { jsonrpc: '2.0', id: Number.NaN, method: 'ping' }, 'invalid'],
    ['no method, no result', { jsonrpc: '2.0', id: 1 }, 'invalid'],
    ['a string', 'ping', 'invalid'],
    ['null', null, 'invalid'],
  ])('%s → %s', (_name, value, kind) => {
    expect(classify(value).kind).toBe(kind);
  });
  it('keeps the id of an invalid message when it has a usable one', () => {
    expect(classify({ jsonrpc: '1.0', id: 7, method: 'x' })).toMatchObject({ kind: 'invalid', id: 7 });
  });
  it('request ids of both types never collide as map keys', () => {
    expect(idKey(1)).not.toBe(idKey('1'));
    expect(idKey({})).toBeUndefined();
  });
});

describe('decodeHeaderValue (2026-07-28 "Value Encoding")', () => {
  it.each([
    ['us-west1', 'us-west1'],
    ['=?base64?SGVsbG8sIOS4lueVjA==?=', 'Hello, 世界'],
    ['=?base64?IHBhZGRlZCA=?=', ' padded '],
    ['=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=', '=?base64?literal?='],
    ['=?base64?not base64!?=', undefined],
  ])('%s → %s', (value, decoded) => {
    expect(decodeHeaderValue(value)).toBe(decoded);
  });
});

describe('checkModernRequest', () => {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const req = (method: string, params: Record<string, unknown> = {}): RpcRequest => ({ id: 1, method, params: { ...params, _meta: meta } });
  const headers = (extra: IncomingHttpHeaders = {}): IncomingHttpHeaders => ({ 'mcp-protocol-version': '2026-07-28', ...extra });
  const fails = (h: IncomingHttpHeaders, r: RpcRequest, schema?: Record<string, unknown>) => {
    try {
      checkModernRequest(h, r, schema);
    } catch (error) {
      expect(error).toBeInstanceOf(RpcError);
      return { code: (error as RpcError).code, status: (error as RpcError).httpStatus, message: (error as Error).message };
    }
    return undefined;
  };

  it('passes a well-formed tools/call', () => {
    expect(fails(headers({ 'mcp-method': 'tools/call', 'mcp-name': 'echo' }), req('tools/call', { name: 'echo' }))).toBeUndefined();
  });
  it('resources/read is named by its uri', () => {
    expect(fails(headers({ 'mcp-method': 'resources/read', 'mcp-name': 'file:///a' }), req('resources/read', { uri: 'file:///a' }))).toBeUndefined();
    expect(fails(headers({ 'mcp-method': 'resources/read', 'mcp-name': 'file:///b' }), req('resources/read', { uri: 'file:///a' }))?.code).toBe(-32020);
  });
  it.each([
    ['no MCP-Protocol-Version', { 'mcp-method': 'tools/list' }, -32020],
    ['no Mcp-Method', { 'mcp-protocol-version': '2026-07-28' }, -32020],
  ])('%s → %i, HTTP 400', (_n, h, code) => {
    expect(fails(h as IncomingHttpHeaders, req('tools/list'))).toMatchObject({ code, status: 400 });
  });
  it('x-mcp-header arguments: header required when the argument is present, and equal to it', () => {
    const schema = { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' }, n: { type: 'integer', 'x-mcp-header': 'N' } } };
    const base = { 'mcp-method': 'tools/call', 'mcp-name': 't' };
    const call = (args: Record<string, unknown>) => req('tools/call', { name: 't', arguments: args });
    expect(fails(headers({ ...base, 'mcp-param-region': 'eu', 'mcp-param-n': '42' }), call({ region: 'eu', n: 42 }), schema)).toBeUndefined();
    expect(fails(headers(base), call({ region: 'eu' }), schema)?.message).toMatch(/mcp-param-region header is missing/);
    expect(fails(headers({ ...base, 'mcp-param-region': 'us' }), call({ region: 'eu' }), schema)?.code).toBe(-32020);
    expect(fails(headers({ ...base, 'mcp-param-region': 'eu' }), call({}), schema)?.code).toBe(-32020);
    expect(fails(headers({ ...base, 'mcp-param-n': '42.0' }), call({ n: 42 }), schema)).toBeUndefined();
  });
});
