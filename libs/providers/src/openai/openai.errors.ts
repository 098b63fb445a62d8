import type { ProviderId } from '../core/adapter.types';
import { extractErrorCode, parseJsonSafe, providerErrorFromHttp, type HeaderBag, type ProviderError } from '../core/errors';

/** `{"error":{"message","type","param","code"}}`; retry-after-ms / retry-after headers. */
export function mapOpenAIError(
  status: number,
  headers: HeaderBag,
  body: string,
  provider: ProviderId = 'openai',
): ProviderError {
  const parsed = parseJsonSafe(body) as { error?: { code?: unknown; type?: unknown } } | undefined;
  const e = parsed?.error;
  const upstreamCode =
    e && typeof e === 'object'
      ? typeof e.code === 'string' && e.code
        ? e.code
        : typeof e.type === 'string'
          ? e.type
          : undefined
      : extractErrorCode(parsed);
  return providerErrorFromHttp({ provider, status, headers, body, ...(upstreamCode ? { upstreamCode } : {}) });
}
