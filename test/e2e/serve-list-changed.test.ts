/** notifications/tools/list_changed: the adapter re-reads the catalog; routes, validators and the spec follow. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callTool, request, startAdapter, stdio, type Running } from './serve-helpers.js';

let run: Running;
beforeAll(async () => {
  run = await startAdapter(stdio('fixtures/servers/adapter-dynamic.mjs'));
});
afterAll(async () => {
  await run?.close();
});

it('serves a tool added at run time, with its own schema, and republishes the spec', async () => {
  const before = (await request(`${run.url}/openapi.json`)).body;
  expect(Object.keys(before.paths)).toEqual(['/tools/grow']);
  expect((await callTool(run.url, 'late_tool', { x: 1 })).status).toBe(404);

  expect((await callTool(run.url, 'grow', { name: 'late_tool' })).body).toEqual({ result: 'added late_tool' });
  await expect.poll(async () => Object.keys((await request(`${run.url}/openapi.json`)).body.paths).sort()).toEqual(['/tools/grow', '/tools/late_tool']);
  const after = (await request(`${run.url}/openapi.json`)).body;
  expect(after.info.version).not.toBe(before.info.version);
  expect(after.servers).toEqual(before.servers);

  expect((await callTool(run.url, 'late_tool', { x: 2 })).body).toEqual({ result: 'late_tool(2)' });
  const bad = await callTool(run.url, 'late_tool', { x: 'two' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([{ path: '/x', message: '"/x" must be of type integer' }]);
});
