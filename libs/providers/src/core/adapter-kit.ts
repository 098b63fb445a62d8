import type { CallContext, KeyTestResult, ProviderId } from './adapter.types';
import { ProviderError, type HeaderBag } from './errors';
import { MAX_ERROR_BODY_BYTES, sendRequest, type UpstreamRequest, type UpstreamResponse } from './http-client';

export type ErrorMapper = (status: number, headers: HeaderBag, body: string) => ProviderError;

/** Removes the caller's key from text that may end up in logs (some vendors echo it, masked or not). */
export function redactSecret(text: string, ctx: CallContext): string {
  const key = ctx.apiKey.reveal();
  return key.length >= 4 ? text.split(key).join('[REDACTED]') : text;
}

async function readErrorBody(res: UpstreamResponse, ctx: CallContext): Promise<string> {
  try {
    return redactSecret(await res.readText(MAX_ERROR_BODY_BYTES), ctx);
  } catch {
    return '';
  } finally {
    res.close();
  }
}

/** Sends the request; any non-2xx becomes the provider's mapped ProviderError. */
export async function sendChecked(req: UpstreamRequest, ctx: CallContext, mapError: ErrorMapper): Promise<UpstreamResponse> {
  const res = await sendRequest(req, ctx);
  if (res.status < 200 || res.status >= 300) {
    const body = await readErrorBody(res, ctx);
    throw mapError(res.status, res.headers, body);
  }
  return res;
}

export async function callJson(req: UpstreamRequest, ctx: CallContext, mapError: ErrorMapper): Promise<unknown> {
  const res = await sendChecked(req, ctx, mapError);
  const text = await res.readText();
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError({
      code: 'upstream_error',
      provider: req.provider,
      detail: 'malformed_body',
      httpStatus: res.status,
      retryable: true,
      upstreamBody: redactSecret(text.slice(0, MAX_ERROR_BODY_BYTES), ctx),
    });
  }
}

/**
 * GET on the cheapest authenticated endpoint. 2xx valid; 401/403 (or what `isInvalid` recognises,
 * e.g. Gemini's 400 API_KEY_INVALID) invalid; anything else, including 429 and transport errors,
 * unreachable. The upstream body is read for classification only and never returned.
 */
export async function probeKey(
  req: UpstreamRequest,
  ctx: CallContext,
  isInvalid: (status: number, body: string) => boolean = () => false,
): Promise<KeyTestResult> {
  let res: UpstreamResponse;
  try {
    res = await sendRequest(req, ctx);
  } catch {
    return { status: 'unreachable' };
  }
  const status = res.status;
  let body = '';
  try {
    body = await res.readText(MAX_ERROR_BODY_BYTES);
  } catch {
    // classification falls back to the status alone
  } finally {
    res.close();
  }
  if (status >= 200 && status < 300) return { status: 'valid', httpStatus: status };
  if (status === 401 || status === 403 || isInvalid(status, body)) return { status: 'invalid', httpStatus: status };
  return { status: 'unreachable', httpStatus: status };
}

export function unsupported(provider: ProviderId, what: string): ProviderError {
  return new ProviderError({ code: 'unsupported', provider, message: `${what} is not supported by this provider.` });
}

export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' } as const;
export const SSE_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream' } as const;
