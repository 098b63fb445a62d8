import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiError, ApiErrorBody, UNAUTHORIZED_BODY, defaultCode, defaultType } from './api-error';
import { sendJson } from './send-json';

/** Renders every error as `{"error":{"message","type","code"}}`; never leaks internals. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(exception, host.switchToHttp().getResponse<ServerResponse>());
  }

  /** Nest's routes reach this through catch(); the gateway's HTTP entry (gateway-http.ts) calls it directly. */
  send(exception: unknown, res: ServerResponse): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const { status, body, headers } = this.render(exception);
    if (status >= 500) {
      this.logger.error({ err: exception instanceof Error ? { type: exception.name, message: exception.message, stack: exception.stack } : String(exception) }, 'unhandled error');
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    sendJson(res, status, body);
  }

  render(exception: unknown): { status: number; body: ApiErrorBody; headers: Record<string, string> } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.getResponse() as ApiErrorBody, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const bodyError = bodyParserError(exception.cause);
      if (bodyError) return bodyError;
      if (status === 401) return { status, body: UNAUTHORIZED_BODY, headers: {} };
      return { status, body: { error: { message: messageOf(exception), type: defaultType(status), code: defaultCode(status) } }, headers: {} };
    }
    return (
      bodyParserError(exception) ?? {
        status: 500,
        body: { error: { message: 'Internal server error', type: 'api_error', code: 'internal_error' } },
        headers: {},
      }
    );
  }
}

/** body-parser errors carry a status and a type (entity.parse.failed, entity.too.large, ...). */
function bodyParserError(e: unknown): { status: number; body: ApiErrorBody; headers: Record<string, string> } | null {
  const err = e as { status?: number; statusCode?: number; type?: string } | undefined;
  if (!err || typeof err.type !== 'string') return null;
  const status = err.status ?? err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  const message =
    err.type === 'entity.too.large' ? 'Request body is too large' : err.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : 'Request body could not be read';
  return { status, body: { error: { message, type: defaultType(status), code: defaultCode(status) } }, headers: {} };
}

function messageOf(exception: HttpException): string {
  const r = exception.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  if (Array.isArray(m)) return m.map(String).join('; ');
  if (typeof m === 'string') return m;
  return exception.message;
}
