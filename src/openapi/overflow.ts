/**
 * `--overflow generic`: the tools past ChatGPT's 30-operation limit are reached through one operation
 * whose body is `{ name, arguments }` (the adapter turns it into tools/call).
 */
import type { OperationObject } from 'openapi3-ts/oas31';
import type { CatalogTool } from '../mcp/catalog.js';
import { operationResponses, toolResultResponse } from './components.js';

export const GENERIC_OPERATION_ID = 'call_tool';

/** `call_tool`, or a variant when a tool already uses that id. */
export function genericOperationId(taken: Set<string>): string {
  let id = GENERIC_OPERATION_ID;
  for (let n = 2; taken.has(id); n++) id = `${GENERIC_OPERATION_ID}_${n}`;
  return id;
}

export function buildGenericOperation(
  tools: CatalogTool[],
  operationId: string,
  consequential: 'annotations' | 'all' | 'none',
  authenticated: boolean,
  jobs = false,
): OperationObject {
  const names = tools.map((t) => t.name);
  const anyWrites = tools.some((t) => t.annotations?.readOnlyHint !== true);
  const structured = tools.some((t) => t.outputSchema !== undefined);
  return {
    operationId,
    summary: 'Call one of the other tools by name',
    description: `Calls a tool that has no operation of its own, with its arguments as an object. Tools: ${names.join(', ')}.`,
    'x-mcp-tools': names,
    'x-openai-isConsequential': consequential === 'all' || (consequential === 'annotations' && anyWrites),
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string', enum: names, description: 'The tool to call.' },
              arguments: {
                type: 'object',
                properties: {},
                additionalProperties: true,
                description: 'The tool\'s arguments, as described in the instructions.',
              },
            },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    },
    responses: operationResponses(
      structured
        ? {
            description: 'The tool result: its structured content, or the ToolResult shape.',
            content: { 'application/json': { schema: { type: 'object', properties: {}, additionalProperties: true } } },
          }
        : toolResultResponse(),
      authenticated,
      jobs,
    ),
  };
}
