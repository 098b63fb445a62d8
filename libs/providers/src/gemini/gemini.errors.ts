import { parseDurationMs, parseJsonSafe, providerErrorFromHttp, type HeaderBag, type ProviderError } from '../core/errors';

interface GeminiErrorBody {
  error?: { code?: number; status?: string; details?: Array<Record<string, unknown>> };
}

export function geminiErrorReason(body: unknown): string | undefined {
  const details = (body as GeminiErrorBody | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) if (typeof d['reason'] === 'string') return d['reason'];
  return undefined;
}

/**
 * `{"error":{"code","message","status","details"}}`. An invalid key is a 400 with ErrorInfo reason
 * API_KEY_INVALID; 429 carries RetryInfo.retryDelay ("37s") instead of rate-limit headers.
 */
export function mapGeminiError(status: number, headers: HeaderBag, body: string): ProviderError {
  const parsed = parseJsonSafe(body) as GeminiErrorBody | undefined;
  const reason = geminiErrorReason(parsed);
  let retryDelay: number | undefined;
  for (const d of parsed?.error?.details ?? []) {
    if (String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo')) retryDelay = parseDurationMs(d['retryDelay']);
  }
  const upstreamCode = reason ?? parsed?.error?.status;
  return providerErrorFromHttp({
    provider: 'gemini',
    status,
    headers,
    body,
    credentialRejected: reason === 'API_KEY_INVALID',
    ...(upstreamCode ? { upstreamCode } : {}),
    ...(retryDelay !== undefined ? { retryAfterMs: retryDelay } : {}),
  });
}
