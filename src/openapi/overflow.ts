/**
 * `--overflow generic`: the tools past ChatGPT's 30-operation limit are reached through two operations:
 * `describe_tool` (read-only: a tool's description and input schema, so the model learns its arguments
 * instead of guessing) and `call_tool` (body `{ name, arguments }`, which the adapter validates against the
 * named tool's own input schema and turns into tools/call).
 */
import type { OperationObject, SchemaObject } from 'openapi3-ts/oas31';
import type { CatalogTool } from '../mcp/catalog.js';
import { operationResponses, toolResultResponse } from './components.js';

export const GENERIC_OPERATION_ID = 'call_tool';
export const DESCRIBE_OPERATION_ID = 'describe_tool';

/**
 * The operations the overflow adds to the spec (call_tool and describe_tool): they count in the 30-operation
 * budget like any other fixed operation (see `fixed` in select-tools.ts).
 */
export const OVERFLOW_OPERATIONS = 2;

/** `base`, or `base_2`, `base_3` … when a tool already uses that id. */
export function freeOperationId(base: string, taken: ReadonlySet<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}

/** `call_tool`, or a variant when a tool already uses that id. */
export function genericOperationId(taken: ReadonlySet<string>): string {
  return freeOperationId(GENERIC_OPERATION_ID, taken);
}

const nameProperty = (names: string[], description: string): SchemaObject => ({ type: 'string', enum: names, description });

export function buildGenericOperation(
  tools: CatalogTool[],
  operationId: string,
  consequential: 'annotations' | 'all' | 'none',
  authenticated: boolean,
  jobs = false,
  describeId: string = DESCRIBE_OPERATION_ID,
): OperationObject {
  const names = tools.map((t) => t.name);
  const anyWrites = tools.some((t) => t.annotations?.readOnlyHint !== true);
  const structured = tools.some((t) => t.outputSchema !== undefined);
  return {
    operationId,
    summary: 'Call one of the other tools by name',
    // the advice first: a long tool list is what gets shortened
    description: `Calls a tool that has no operation of its own. Call ${describeId} first to read its input schema; arguments that do not match it are refused with 400. Tools: ${names.join(', ')}.`,
    'x-mcp-tools': names,
    'x-openai-isConsequential': consequential === 'all' || (consequential === 'annotations' && anyWrites),
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              name: nameProperty(names, 'The tool to call.'),
              arguments: {
                type: 'object',
                properties: {},
                additionalProperties: true,
                description: `The tool's arguments: an object matching the inputSchema that ${describeId} returns.`,
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

/** What `describe_tool` answers (the adapter builds the same shape: adapter/invoke.ts). */
export function toolDescriptionSchema(): SchemaObject {
  return {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The tool name, as call_tool takes it.' },
      title: { type: 'string', description: 'A display title.' },
      description: { type: 'string', description: 'What the tool does.' },
      readOnly: { type: 'boolean', description: 'True when the server says the tool changes nothing.' },
      inputSchema: {
        type: 'object',
        properties: {},
        additionalProperties: true,
        description: 'The JSON Schema its arguments must match.',
      },
    },
    required: ['name', 'inputSchema'],
  };
}

/** `describe_tool`: read-only, never consequential; body `{ name }`. */
export function buildDescribeOperation(tools: CatalogTool[], operationId: string, authenticated: boolean, callId: string = GENERIC_OPERATION_ID): OperationObject {
  const names = tools.map((t) => t.name);
  return {
    operationId,
    summary: 'Describe one of the other tools',
    description: `Returns the description and the input schema of a tool that has no operation of its own. Call it before ${callId}, then send arguments that match the schema.`,
    'x-mcp-tools': names,
    'x-openai-isConsequential': false,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { name: nameProperty(names, 'The tool to describe.') }, required: ['name'], additionalProperties: false },
        },
      },
    },
    responses: operationResponses(
      { description: 'The tool\'s name, description and input schema.', content: { 'application/json': { schema: toolDescriptionSchema() } } },
      authenticated,
    ),
  };
}
