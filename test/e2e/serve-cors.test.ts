/** CORS: off by default (ChatGPT calls server to server); --cors ORIGIN allows exactly the listed origins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, request, startAdapter, stdio, type Running } from './serve-helpers.js';

const DEMO = 'fixtures/servers/demo.mjs';
const ALLOWED = 'https://tools.example.com';

describe('CORS', () => {
  let off: Running;
  let on: Running;
  beforeAll(async () => {
    [off, on] = await Promise.all([
      startAdapter(stdio(DEMO)),
      startAdapter(stdio(DEMO), { cors: [ALLOWED, 'https://other.example.com'], auth: { type: 'api-key', header: 'X-API-Key', secret: 's' }, specOptions: { profile: 'generic', auth: { type: 'api-key' } } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([off?.close(), on?.close()]);
  });

  const preflight = (base: string, origin: string) =>
    request(`${base}/tools/add`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' } });

  it('is off by default: a call from a web page is refused with 403 before it runs, and so is its preflight', async () => {
    const a = await callTool(off.url, 'add', { a: 1, b: 2 }, { Origin: ALLOWED });
    expect(a.status).toBe(403);
    expect(a.body.error).toMatchObject({ type: 'forbidden', message: expect.stringContaining(`--cors ${ALLOWED}`) });
    expect(a.headers.get('access-control-allow-origin')).toBeNull();
    const p = await preflight(off.url, ALLOWED);
    expect(p.status).toBe(403);
    expect(p.headers.get('access-control-allow-origin')).toBeNull();
    // Server to server (no Origin): ChatGPT, curl, SDKs.
    expect((await callTool(off.url, 'add', { a: 1, b: 2 })).status).toBe(200);
  });

  it('answers the preflight of a listed origin, with the API key header allowed', async () => {
    const p = await preflight(on.url, ALLOWED);
    expect(p.status).toBe(204);
    expect(p.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(p.headers.get('access-control-allow-methods')).toContain('POST');
    expect(p.headers.get('access-control-allow-headers')).toContain('X-API-Key');
  });

  it('marks answers to a listed origin, and only to it', async () => {
    const ok = await callTool(on.url, 'add', { a: 1, b: 2 }, { Origin: ALLOWED, 'X-API-Key': 's' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ result: '3' });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('vary')).toContain('Origin');
    const other = await callTool(on.url, 'add', { a: 1, b: 2 }, { Origin: 'https://evil.example.com', 'X-API-Key': 's' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const p = await preflight(on.url, 'https://evil.example.com');
    expect(p.status).toBe(403);
    expect(p.headers.get('access-control-allow-origin')).toBeNull();
  });
});
