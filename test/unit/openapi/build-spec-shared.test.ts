/** The error responses operations share: one frozen object each, so a change through one operation cannot leak into the others. */
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/openapi/build-spec.js';

const catalog = {
  server: { name: 's', version: '1.0.0' },
  tools: ['a', 'b'].map((name) => ({ name, inputSchema: { type: 'object' as const, properties: { q: { type: 'string' } } } })),
};

describe('shared error responses', () => {
  it('are the same frozen objects in every operation; 401 only with auth', () => {
    const { spec } = buildSpec(catalog, { serverUrl: 'https://api.example.com' });
    const a = spec.paths!['/tools/a']!.post!.responses!;
    const b = spec.paths!['/tools/b']!.post!.responses!;
    expect(a['400']).toBe(b['400']);
    expect(Object.isFrozen(a['503'])).toBe(true);
    expect(Object.isFrozen(a['503'].headers['Retry-After'].schema)).toBe(true);
    expect(() => {
      a['400'].description = 'changed';
    }).toThrow(TypeError);
    expect(a['401']).toBeUndefined();
    expect(a['200']).not.toBe(b['200']); // each tool's own success response
    const withAuth = buildSpec(catalog, { serverUrl: 'https://api.example.com', auth: { type: 'bearer' } }).spec;
    expect(Object.keys(withAuth.paths!['/tools/a']!.post!.responses!)).toEqual(['200', '202', '400', '401', '404', '413', '415', '422', '429', '502', '503', '504']);
    expect(a['202']).toBe(b['202']);
    expect(Object.isFrozen(a['202'])).toBe(true);
  });

  it('a JSON copy of the spec can be changed freely, one operation at a time', () => {
    const { spec } = buildSpec(catalog, { serverUrl: 'https://api.example.com' });
    const copy = JSON.parse(JSON.stringify(spec)) as typeof spec;
    copy.paths!['/tools/a']!.post!.responses!['400'].description = 'changed';
    expect(copy.paths!['/tools/b']!.post!.responses!['400'].description).not.toBe('changed');
  });
});
