import { HttpException, HttpStatus } from '@nestjs/common';

/** Our error codes, stable for clients. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_api_key'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'model_not_allowed'
  | 'provider_credential_rejected'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'service_unavailable'
  | 'internal_error';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; code: ApiErrorCode; param?: string | null };
}

/** An error that renders as the OpenAI error shape. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly type: ApiErrorType = defaultType(status),
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { message, type, code } } satisfies ApiErrorBody, status);
  }

  static badRequest(message: string): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, 'invalid_request', message);
  }

  static notFound(what = 'Resource'): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`);
  }

  static forbidden(message = 'You do not have permission to do this'): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'forbidden', message);
  }

  static conflict(message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, 'conflict', message);
  }
}

/** Every authentication failure gets exactly this body, whatever went wrong. */
export const UNAUTHORIZED_BODY: ApiErrorBody = {
  error: { message: 'Invalid or missing credentials', type: 'authentication_error', code: 'unauthorized' },
};

export function defaultType(status: number): ApiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function defaultCode(status: number): ApiErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}
