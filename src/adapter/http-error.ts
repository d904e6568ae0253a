/**
 * The one error shape of the adapter: every error answer, whatever went wrong, is
 * `{ "error": { "type", "message", "details"? } }` with a status from DESIGN.md's response table.
 */

/** The `type` of an error body; one per row of the response table (plus the rare internal error). */
export type ErrorType =
  | 'tool_error'
  | 'invalid_arguments'
  | 'invalid_json'
  | 'bad_request'
  | 'headers_too_large'
  | 'request_timeout'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  /** A valid OAuth token without the scope the tool needs (403). */
  | 'insufficient_scope'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'overloaded'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'response_too_large'
  | 'input_required'
  | 'cancelled'
  | 'internal_error';

export interface ErrorBody {
  error: { type: ErrorType; message: string; details?: unknown };
}

/** An answer the adapter gives: a status, a JSON body and maybe extra headers. */
export interface AdapterResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A known failure that maps to one HTTP answer. Thrown inside the adapter, answered by the error handler. */
export class HttpError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;
  constructor(
    status: number,
    type: ErrorType,
    message: string,
    options?: { details?: unknown; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.type = type;
    this.details = options?.details;
    this.headers = options?.headers;
  }

  toResponse(): AdapterResponse {
    return {
      status: this.status,
      body: errorBody(this.type, this.message, this.details),
      ...(this.headers ? { headers: this.headers } : {}),
    };
  }
}

export function errorBody(type: ErrorType, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { type, message } } : { error: { type, message, details } };
}

/** Statuses express/body readers may raise (e.g. a malformed URI) mapped onto error types. */
export function typeForStatus(status: number): ErrorType {
  switch (status) {
    case 400:
      return 'invalid_arguments';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 408:
      return 'request_timeout';
    case 431:
      return 'headers_too_large';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'overloaded';
    case 502:
      return 'upstream_error';
    case 504:
      return 'upstream_timeout';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_arguments';
  }
}
