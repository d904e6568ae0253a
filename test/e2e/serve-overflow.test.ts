/**
 * `--overflow generic` over HTTP, with jobs on as `serve` runs by default: 40 tools, 27 operations of their own,
 * get_job, and the rest reached through call_tool, whose schemas the model reads from describe_tool (answered from
 * the catalog, never run as a job). An overflow tool is described, called with valid arguments,
 * and refused with 400 (details as for any operation) for invalid ones; every body matches the published spec.
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner, parseJobFlags } from '../../src/commands/serve-jobs.js';
import type { JobRunner } from '../../src/adapter/jobs/job-runner.js';
import { ROOT } from '../helpers/run-cli.js';
import { callTool, request, specValidator, startAdapter, stdio, type Running } from './serve-helpers.js';

let running: Running;
let spec: OpenAPIObject;
let check: ReturnType<typeof specValidator>;
let jobs: JobRunner | undefined;

beforeAll(async () => {
  jobs = createJobRunner(parseJobFlags({}, 30_000));
  running = await startAdapter(stdio(`${ROOT}fixtures/servers/catalog-server.mjs`, [`${ROOT}fixtures/tools/forty-tools.json`]), {
    specOptions: { serverUrl: 'https://api.example.com', overflow: 'generic' },
    jobs,
  });
  spec = (await request(`${running.url}/openapi.json`)).body as OpenAPIObject;
  check = specValidator(spec);
}, 60_000);
afterAll(async () => {
  await jobs?.stop();
  await running?.close();
  await jobs?.store.close();
});

describe('overflow tools over HTTP', () => {
  it('publishes 30 operations: 27 tools, call_tool, describe_tool and get_job', () => {
    const ids = Object.values(spec.paths!).map((p) => (p.post ?? p.get)!.operationId);
    expect(ids).toHaveLength(30);
    expect(ids.slice(-3)).toEqual(['call_tool', 'describe_tool', 'get_job']);
    expect(spec.paths!['/tools/describe_tool']!.post!['x-openai-isConsequential']).toBe(false);
  });

  it('describe_tool answers the tool\'s description and the input schema the adapter checks', async () => {
    const answer = await callTool(running.url, 'describe_tool', { name: 'tool_35' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name: 'tool_35',
      description: 'Tool number 35.',
      readOnly: true,
      inputSchema: { type: 'object', properties: { x: { type: 'integer', minimum: 34 } } },
    });
    expect(check('/tools/describe_tool', 200, answer.body)).toBeUndefined();
  });

  it('call_tool runs the tool with valid arguments', async () => {
    const answer = await callTool(running.url, 'call_tool', { name: 'tool_35', arguments: { x: 40 } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ result: 'tool_35 {"x":40}' });
    expect(check('/tools/call_tool', 200, answer.body)).toBeUndefined();
  });

  it('call_tool refuses arguments that do not match the named tool\'s schema: 400 with details, nothing called', async () => {
    const answer = await callTool(running.url, 'call_tool', { name: 'tool_35', arguments: { x: 3 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.type).toBe('invalid_arguments');
    expect(answer.body.error.message).toBe('the arguments for tool "tool_35" do not match its input schema: "/x" must be >= 34');
    expect(answer.body.error.details).toEqual([{ path: '/x', message: '"/x" must be >= 34' }]);
    expect(check('/tools/call_tool', 400, answer.body)).toBeUndefined();
    const wrongType = await callTool(running.url, 'call_tool', { name: 'tool_35', arguments: { x: 'forty' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details).toEqual([{ path: '/x', message: '"/x" must be of type integer' }]);
  });

  it('describe_tool: 404 for an unknown tool, 400 without a name', async () => {
    const unknown = await callTool(running.url, 'describe_tool', { name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('no tool named "nope"; the operation\'s description lists the tools');
    const missing = await callTool(running.url, 'describe_tool', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('send {"name": "<tool name>"}: "name" is missing');
    for (const [status, body] of [[404, unknown.body], [400, missing.body]] as const) expect(check('/tools/describe_tool', status, body)).toBeUndefined();
  });
});
