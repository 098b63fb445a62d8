import { parseJsonSafe, providerErrorFromHttp, type HeaderBag, type ProviderError } from '../core/errors';

/**
 * 401 `{"message":"Unauthorized"}` / `{"detail":"Unauthorized"}`; others
 * `{"object":"error","message","type":"invalid_model"|"rate_limit_exceeded",...,"code":"1500"}`.
 * Mistral answers an unknown model with 400 `invalid_model`.
 */
export function mapMistralError(status: number, headers: HeaderBag, body: string): ProviderError {
  const parsed = parseJsonSafe(body) as Record<string, unknown> | undefined;
  const type = parsed?.['type'];
  return providerErrorFromHttp({
    provider: 'mistral',
    status,
    headers,
    body,
    ...(typeof type === 'string' && type ? { upstreamCode: type } : {}),
  });
}
