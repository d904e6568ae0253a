/**
 * notifications/tools/list_changed through the supervised upstream (what `serve` runs): routes, validators
 * and /openapi.json follow, info.version changes; a respawned server's new tool list is picked up too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSupervised, type Supervised } from './faults-helpers.js';
import { callTool, request, stdio } from './serve-helpers.js';

let s: Supervised;
beforeAll(async () => {
  s = await startSupervised(stdio('fixtures/servers/adapter-dynamic.mjs'), { supervisor: { backoffInitialMs: 100 } });
});
afterAll(async () => {
  await s?.close();
});

const spec = async () => (await request(`${s.url}/openapi.json`)).body;

it('follows a tool added at run time, and the original list again after a respawn', async () => {
  const before = await spec();
  expect(Object.keys(before.paths)).toEqual(['/tools/grow']);
  expect((await callTool(s.url, 'grow', { name: 'late_tool' })).status).toBe(200);
  await expect.poll(async () => Object.keys((await spec()).paths).sort()).toEqual(['/tools/grow', '/tools/late_tool']);
  const grown = await spec();
  expect(grown.info.version).not.toBe(before.info.version);
  expect((await callTool(s.url, 'late_tool', { x: 2 })).body).toEqual({ result: 'late_tool(2)' });
  expect((await callTool(s.url, 'late_tool', { x: 'two' })).status).toBe(400);

  // The respawned server starts with its original list: the catalog is re-read, late_tool is gone.
  process.kill(s.supervisor.info!.pid!, 'SIGKILL');
  await expect.poll(async () => Object.keys((await spec()).paths), { timeout: 8000 }).toEqual(['/tools/grow']);
  expect((await spec()).info.version).toBe(before.info.version);
  expect((await callTool(s.url, 'late_tool', { x: 2 })).status).toBe(404);
});
