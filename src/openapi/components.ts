/**
 * The shared component schemas every spec carries: `Error` (every non-200 response of the adapter)
 * and `ToolResult` (200 for tools without an outputSchema), and the responses that reference them.
 * @see DESIGN.md "Responses"
 */
import type { ResponseObject, ResponsesObject, SchemaObject } from 'openapi3-ts/oas31';

export const ERROR_SCHEMA = 'Error';
export const TOOL_RESULT_SCHEMA = 'ToolResult';

export function errorSchema(): SchemaObject {
  return {
    type: 'object',
    description: 'Every error the adapter returns has this shape.',
    properties: {
      error: {
        type: 'object',
        properties: {
          type: {
            type: 'string',
            description: 'invalid_arguments, unauthorized, not_found, tool_error, rate_limited, upstream_error, upstream_timeout …',
          },
          message: { type: 'string', description: 'What went wrong, for the reader.' },
          details: { type: 'array', description: 'Details, e.g. one entry per failing argument.', items: {} },
        },
        required: ['type', 'message'],
      },
    },
    required: ['error'],
  };
}

export function toolResultSchema(): SchemaObject {
  return {
    type: 'object',
    description: 'The text the tool returned, and a description of any other content it returned.',
    properties: {
      result: { type: 'string', description: 'The text content of the tool result.' },
      content: {
        type: 'array',
        description: 'Content items other than text (images, audio, resources), described, never raw data.',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', description: 'image, audio, resource_link or resource.' },
            mimeType: { type: 'string' },
            uri: { type: 'string' },
            name: { type: 'string' },
            description: { type: 'string' },
          },
          required: ['type'],
        },
      },
    },
    required: ['result'],
  };
}

const ERROR_RESPONSES: [string, string][] = [
  ['400', 'The arguments do not match the input schema.'],
  ['401', 'Missing or wrong credentials.'],
  ['404', 'No such tool.'],
  ['422', 'The tool ran and reported an error.'],
  ['429', 'Too many requests; retry after the Retry-After header.'],
  ['502', 'The MCP server is down or crashed.'],
  ['504', 'The MCP server did not answer in time.'],
];

function jsonResponse(description: string, schemaRef: string): ResponseObject {
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaRef}` } } } };
}

/** The responses of one operation; 401 only when the spec declares authentication. */
export function operationResponses(success: ResponseObject, authenticated: boolean): ResponsesObject {
  const out: ResponsesObject = { '200': success };
  for (const [status, description] of ERROR_RESPONSES) {
    if (status === '401' && !authenticated) continue;
    out[status] = jsonResponse(description, ERROR_SCHEMA);
  }
  return out;
}

export function toolResultResponse(): ResponseObject {
  return jsonResponse('The tool result.', TOOL_RESULT_SCHEMA);
}
