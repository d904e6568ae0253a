/**
 * `get_job`: the one operation a caller polls after a call answered 202 (a long-running call, or a tool that runs
 * as an MCP task). Counted in ChatGPT's 30 operations like any other. Pure.
 */
import type { OperationObject } from 'openapi3-ts/oas31';
import { jobOperationResponses } from './components.js';

export const JOB_OPERATION_ID = 'get_job';
export const JOB_PATH = '/jobs/{id}';

/** `get_job`, or a variant when a tool already uses that id. */
export function jobOperationId(taken: Set<string>): string {
  let id = JOB_OPERATION_ID;
  for (let n = 2; taken.has(id); n++) id = `${JOB_OPERATION_ID}_${n}`;
  return id;
}

export function buildJobOperation(operationId: string, authenticated: boolean): OperationObject {
  return {
    operationId,
    summary: 'Get the result of a call that is still running',
    description:
      'A call that answered 202 goes on as a job. Wait poll_after_s seconds, then call this with its job id: it answers 202 while the job runs, then exactly what the call would have answered.',
    'x-openai-isConsequential': false,
    parameters: [{ name: 'id', in: 'path', required: true, description: 'The job id from the 202 answer (job.id).', schema: { type: 'string' } }],
    responses: jobOperationResponses(authenticated),
  };
}
