/**
 * The shared component schemas every spec carries: `Error` (every non-200 response of the adapter)
 * and `ToolResult` (200 for tools without an outputSchema), and the responses that reference them.
 * @see DESIGN.md "Responses"
 */
import type { ResponseObject, ResponsesObject, SchemaObject } from 'openapi3-ts/oas31';

export const ERROR_SCHEMA = 'Error';
export const TOOL_RESULT_SCHEMA = 'ToolResult';
export const JOB_SCHEMA = 'Job';

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
            description:
              'invalid_arguments, invalid_json, unauthorized, not_found, payload_too_large, unsupported_media_type, tool_error, input_required, rate_limited, upstream_error, response_too_large, overloaded, upstream_unavailable, upstream_timeout …',
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

/** The content item shapes of ToolResult: exactly what the adapter's describeContent emits (map-result.ts). */
const DESCRIBED_TYPES = ['image', 'audio', 'resource_link', 'resource'];

function contentItem(type: SchemaObject, description: string, fields: Record<string, SchemaObject>): SchemaObject {
  return { type: 'object', description, properties: { type, ...fields }, required: ['type'], additionalProperties: false };
}

/** At most this many files per answer, each at most FILE_MAX_BYTES (OpenAI: actions/sending-files). */
export const MAX_FILES = 10;
export const FILE_MAX_BYTES = 10 * 1024 * 1024;

/** `openaiFileResponse`: the files of a result, for ChatGPT to hand to the user (the GPT profile). */
function fileResponseSchema(): SchemaObject {
  return {
    type: 'array',
    maxItems: MAX_FILES,
    description:
      'Files the tool returned (documents such as PDF or CSV; never images or video), which ChatGPT gives to the user: each inline (name, mime_type, base64 content) or as a short-lived download URL.',
    items: {
      anyOf: [
        {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'The file name.' },
            mime_type: { type: 'string', description: 'The MIME type of the file.' },
            content: { type: 'string', description: 'The file, base64-encoded.' },
          },
          required: ['name', 'mime_type', 'content'],
          additionalProperties: false,
        },
        { type: 'string', format: 'uri', description: 'A download URL of the file (it expires after a few minutes).' },
      ],
    },
  };
}

export function toolResultSchema(files = false): SchemaObject {
  const mimeType: SchemaObject = { type: 'string', description: 'The MIME type of the content.' };
  const bytes: SchemaObject = { type: 'integer', minimum: 0, description: 'Size of the content in bytes.' };
  const uri: SchemaObject = { type: 'string', description: 'The URI of the resource.' };
  return {
    type: 'object',
    description: 'The text the tool returned, and a description of any other content it returned.',
    properties: {
      result: { type: 'string', description: 'The text content of the tool result.' },
      content: {
        type: 'array',
        description: 'Content items other than text (images, audio, resources), described, never raw data.',
        items: {
          oneOf: [
            contentItem({ type: 'string', enum: ['image', 'audio'] }, 'An image or audio clip (its data is not included).', { mimeType, size: bytes }),
            contentItem({ type: 'string', enum: ['resource_link'] }, 'A link to a resource the server offers.', {
              uri,
              name: { type: 'string', description: 'The name of the resource.' },
              mimeType,
              size: { type: 'number', description: 'Size of the resource in bytes, as the server reports it.' },
              description: { type: 'string', description: 'What the resource is.' },
            }),
            contentItem({ type: 'string', enum: ['resource'] }, 'An embedded resource: its text when it is text (binary data is not included).', {
              uri,
              mimeType,
              size: bytes,
              text: { type: 'string', description: 'The text of a text resource (left out when the answer is too long).' },
            }),
            contentItem({ type: 'string', not: { enum: DESCRIBED_TYPES } }, 'Another kind of content, named only.', {}),
          ],
        },
      },
      ...(files ? { openaiFileResponse: fileResponseSchema() } : {}),
    },
    required: ['result'],
    additionalProperties: false,
  };
}

const ERROR_REF = `#/components/schemas/${ERROR_SCHEMA}`;

/** Deeply frozen: one object shared by every operation must never be changed through any of them. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const errorResponse = (description: string, retryAfter = false): ResponseObject =>
  frozen({
    description,
    ...(retryAfter
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } } }
      : {}),
    content: { 'application/json': { schema: { $ref: ERROR_REF } } },
  });

/** The error responses every operation documents; the same (frozen) objects in every operation. */
const ERROR_RESPONSES = {
  '400': errorResponse('The arguments do not match the input schema, or the body is not valid JSON.'),
  '401': errorResponse('Missing or wrong credentials.'),
  '404': errorResponse('No such tool.'),
  '413': errorResponse('The request body is too large.'),
  '415': errorResponse('The request body is not JSON (send Content-Type: application/json).'),
  '422': errorResponse('The tool ran and reported an error.'),
  '429': errorResponse('Too many requests; retry after the Retry-After header.', true),
  '502': errorResponse('The MCP server is down or crashed.'),
  '503': errorResponse('The adapter is overloaded or the MCP server is reconnecting; retry after the Retry-After header.', true),
  '504': errorResponse('The MCP server did not answer in time.'),
} as const;

/** What a call that outlives the adapter's wait answers (DESIGN.md "Responses"): 202 and a job. */
export function jobSchema(): SchemaObject {
  return {
    type: 'object',
    description: 'A call still running: poll get_job with job.id.',
    properties: {
      job: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'The job id, for get_job.' },
          status: { type: 'string', enum: ['working'], description: 'The job is still running.' },
          poll_after_s: { type: 'integer', minimum: 0, description: 'Seconds to wait before calling get_job.' },
          progress: {
            type: 'object',
            description: 'How far the job got, when the tool reports it.',
            properties: {
              progress: { type: 'number', description: 'Work done so far.' },
              total: { type: 'number', description: 'Work in all, when known.' },
              message: { type: 'string', description: 'What the tool is doing now.' },
            },
          },
        },
        required: ['id', 'status', 'poll_after_s'],
      },
    },
    required: ['job'],
  };
}

const JOB_RESPONSE: ResponseObject = frozen({
  description:
    'Still running: the call goes on as a job. Tell the user it is running, wait poll_after_s seconds, then call get_job with job.id for its result.',
  headers: {
    Location: { description: 'The URL of the job (GET it for the result).', schema: { type: 'string' } },
    'Retry-After': { description: 'Seconds to wait before polling.', schema: { type: 'integer', minimum: 0 } },
  },
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${JOB_SCHEMA}` } } },
});

/**
 * The responses of one operation; 401 only when the spec declares authentication; 202 (a job) when the adapter
 * runs long calls as jobs; 429 and 503 with a `Retry-After` header (seconds). The error responses are shared,
 * frozen objects: each operation carried ~45 objects of its own before, most of the objects of a large spec
 * (JSON and YAML output are the same).
 */
export function operationResponses(success: ResponseObject, authenticated: boolean, jobs = false): ResponsesObject {
  const e = ERROR_RESPONSES;
  const out: ResponsesObject = { '200': success };
  if (jobs) out['202'] = JOB_RESPONSE;
  out['400'] = e['400'];
  if (authenticated) out['401'] = e['401'];
  out['404'] = e['404'];
  out['413'] = e['413'];
  out['415'] = e['415'];
  out['422'] = e['422'];
  out['429'] = e['429'];
  out['502'] = e['502'];
  out['503'] = e['503'];
  out['504'] = e['504'];
  return out;
}

/** The responses of get_job: 200 (the call's answer), 202 (still running), 404 (unknown, expired, another caller's). */
export function jobOperationResponses(authenticated: boolean): ResponsesObject {
  const e = ERROR_RESPONSES;
  const out: ResponsesObject = {
    '200': {
      description: 'The job is done: exactly what the call itself would have answered (its operation documents the shape).',
      content: { 'application/json': { schema: { type: 'object', properties: {}, additionalProperties: true } } },
    },
    '202': JOB_RESPONSE,
  };
  if (authenticated) out['401'] = e['401'];
  out['404'] = JOB_NOT_FOUND;
  out['422'] = e['422'];
  out['429'] = e['429'];
  out['502'] = e['502'];
  out['503'] = e['503'];
  out['504'] = e['504'];
  return out;
}

const JOB_NOT_FOUND = errorResponse('No such job: unknown, expired, or started by another caller.');

export function toolResultResponse(): ResponseObject {
  return { description: 'The tool result.', content: { 'application/json': { schema: { $ref: `#/components/schemas/${TOOL_RESULT_SCHEMA}` } } } };
}
