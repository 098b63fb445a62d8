import { parseJsonSafe, providerErrorFromHttp, type HeaderBag, type ProviderError } from '../core/errors';

/** `{"type":"error","error":{"type":"rate_limit_error","message"}}`; 529 overloaded is retryable. */
export function mapAnthropicError(status: number, headers: HeaderBag, body: string): ProviderError {
  const parsed = parseJsonSafe(body) as { error?: { type?: unknown } } | undefined;
  const type = parsed?.error?.type;
  return providerErrorFromHttp({
    provider: 'anthropic',
    status,
    headers,
    body,
    credentialRejected: type === 'authentication_error',
    ...(typeof type === 'string' ? { upstreamCode: type } : {}),
  });
}
