import type { ProviderId } from '../core/adapter.types';
import { parseJsonSafe, providerErrorFromHttp, type HeaderBag, type ProviderError } from '../core/errors';

const KEY_REJECTED = /incorrect api key|invalid api key|api key not valid|invalid_api_key/i;

/**
 * OpenAI-shaped errors, plus xAI's flat `{"code":"invalid-argument","error":"Incorrect API key ..."}`
 * 400 for a bad key, and OpenRouter's numeric `error.code`.
 */
export function mapOpenAICompatibleError(
  status: number,
  headers: HeaderBag,
  body: string,
  provider: ProviderId,
): ProviderError {
  const parsed = parseJsonSafe(body) as Record<string, unknown> | undefined;
  let upstreamCode: string | undefined;
  let message = '';
  if (parsed && typeof parsed === 'object') {
    const err = parsed['error'];
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>;
      if (typeof e['code'] === 'string' && e['code']) upstreamCode = e['code'];
      else if (typeof e['type'] === 'string') upstreamCode = e['type'];
      if (typeof e['message'] === 'string') message = e['message'];
    } else {
      if (typeof err === 'string') message = err;
      if (typeof parsed['code'] === 'string') upstreamCode = parsed['code'];
    }
  }
  const credentialRejected = (status === 400 || status === 422) && (KEY_REJECTED.test(message) || upstreamCode === 'invalid_api_key');
  return providerErrorFromHttp({
    provider,
    status,
    headers,
    body,
    credentialRejected,
    ...(upstreamCode ? { upstreamCode } : {}),
  });
}
