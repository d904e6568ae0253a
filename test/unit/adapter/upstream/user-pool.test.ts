import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/adapter/http-error.js';
import { ANONYMOUS, type Identity } from '../../../../src/adapter/identity/identity.js';
import { UserPool, type UserUpstream } from '../../../../src/adapter/upstream/user-pool.js';
import type { ToolCatalog } from '../../../../src/mcp/catalog.js';

const catalog = { server: { name: 's', version: '1' }, tools: [] } as unknown as ToolCatalog;
const user = (name: string): Identity => ({ key: `cred:${name}`, kind: 'credential', token: name });

/** A fake upstream per user: calls wait for `release` when asked to, close is recorded. */
function harness(options: { fail?: Set<string> } = {}) {
  const started: string[] = [];
  const closed: string[] = [];
  const holds: (() => void)[] = [];
  const ups = new Map<string, EventEmitter & UserUpstream>();
  const start = async (identity: Identity) => {
    started.push(identity.key);
    if (options.fail?.has(identity.key)) throw new Error('cannot start');
    const up = Object.assign(new EventEmitter(), {
      catalog,
      ready: true,
      callTool: async (name: string) => {
        if (name === 'hold') await new Promise<void>((r) => holds.push(r));
        return { content: [{ type: 'text', text: identity.key }] };
      },
      close: async () => void closed.push(identity.key),
    });
    ups.set(identity.key, up as unknown as EventEmitter & UserUpstream);
    return up as unknown as UserUpstream;
  };
  return { started, closed, holds, ups, start };
}
const call = (pool: UserPool, who: Identity, name = 'echo') => pool.callTool(name, {}, { timeoutMs: 1000, identity: who });
const text = (r: { content?: unknown[] }) => (r.content![0] as { text: string }).text;

describe('UserPool', () => {
  it('starts one upstream per user, on first call, and reuses it', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start });
    expect(text(await call(pool, user('a')))).toBe('cred:a');
    expect(text(await call(pool, user('b')))).toBe('cred:b');
    await Promise.all([call(pool, user('a')), call(pool, user('a'))]);
    expect(h.started).toEqual(['cred:a', 'cred:b']);
    expect(pool.users).toBe(2);
    await pool.close();
    expect(h.closed.sort()).toEqual(['cred:a', 'cred:b']);
  });

  it('refuses a call without a verified caller', async () => {
    const pool = new UserPool({ catalog, start: harness().start });
    await expect(pool.callTool('x', {}, { timeoutMs: 1 })).rejects.toMatchObject({ status: 401 });
    await expect(call(pool, ANONYMOUS)).rejects.toMatchObject({ status: 401 });
    expect(pool.users).toBe(0);
  });

  it('when full, closes the least recently used idle user first, and starts the new one after', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start, maxUsers: 2 });
    await call(pool, user('a'));
    await call(pool, user('b'));
    await call(pool, user('a'));
    await call(pool, user('c'));
    expect(h.closed).toEqual(['cred:b']);
    expect(pool.users).toBe(2);
    await pool.close();
  });

  it('when every user is busy, a new one gets 503 with Retry-After and nothing starts', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start, maxUsers: 2 });
    const busy = [call(pool, user('a'), 'hold'), call(pool, user('b'), 'hold')];
    const refused = await call(pool, user('c')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, type: 'overloaded', headers: { 'Retry-After': '5' } });
    expect(h.started).toEqual(['cred:a', 'cred:b']);
    while (h.holds.length < 2) await new Promise((r) => setImmediate(r));
    for (const release of h.holds) release();
    await Promise.all(busy);
    await call(pool, user('c'));
    await pool.close();
  });

  it('a flood of new users never holds more than maxUsers upstreams', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start, maxUsers: 3 });
    let peak = 0;
    pool.on('started', () => (peak = Math.max(peak, h.started.length - h.closed.length)));
    await Promise.allSettled(Array.from({ length: 200 }, (_, i) => call(pool, user(`u${i}`))));
    expect(pool.users).toBeLessThanOrEqual(3);
    expect(peak).toBeLessThanOrEqual(3);
    await pool.close();
  });

  it('closes an idle user after idleTimeoutMs', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start, idleTimeoutMs: 20 });
    const closed = new Promise((r) => pool.once('closed', (key, reason) => r([key, reason])));
    await call(pool, user('a'));
    expect(await closed).toEqual(['cred:a', 'idle']);
    expect(pool.users).toBe(0);
    await pool.close();
  });

  it('forgets a user whose upstream failed to start, so the next call tries again', async () => {
    const h = harness({ fail: new Set(['cred:a']) });
    const pool = new UserPool({ catalog, start: h.start });
    await expect(call(pool, user('a'))).rejects.toThrow('cannot start');
    expect(pool.users).toBe(0);
    await expect(call(pool, user('a'))).rejects.toThrow('cannot start');
    expect(h.started).toEqual(['cred:a', 'cred:a']);
  });

  it('follows a changed tool list of any user, and refuses new calls once draining', async () => {
    const h = harness();
    const pool = new UserPool({ catalog, start: h.start });
    await call(pool, user('a'));
    const next = { ...catalog, tools: [{ name: 'new' }] } as unknown as ToolCatalog;
    const seen = new Promise((r) => pool.once('catalog', r));
    h.ups.get('cred:a')!.emit('catalog', next);
    expect(await seen).toBe(next);
    expect(pool.catalog).toBe(next);
    pool.drain();
    expect(pool.ready).toBe(false);
    await expect(call(pool, user('a'))).rejects.toMatchObject({ status: 503 });
    await pool.close();
  });
});
