import { ProviderError } from '@tollgate/providers';
import { ApiError } from '../common/api-error';

/** Our error for an upstream failure. Upstream bodies never reach the client (only our words). */
export function fromProviderError(err: ProviderError): ApiError {
  const retryAfter: Record<string, string> = err.retryAfterMs ? { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) } : {};
  switch (err.code) {
    case 'credential_rejected':
      return new ApiError(502, 'provider_credential_rejected', 'The provider rejected the team’s key for this model; an admin should check the provider keys', 'api_error');
    case 'rate_limited':
      return new ApiError(429, 'rate_limited', 'The provider is rate limiting this team’s key; retry later', 'rate_limit_error', retryAfter);
    case 'timeout':
      return TIMEOUT_ERROR();
    case 'bad_request':
      return new ApiError(400, 'invalid_request', `The provider refused the request${err.upstreamCode ? ` (${err.upstreamCode})` : ''}`, 'invalid_request_error');
    case 'unsupported':
      return new ApiError(400, 'invalid_request', 'This provider does not support this operation', 'invalid_request_error');
    case 'aborted':
      return new ApiError(499 as number, 'upstream_error', 'The request was cancelled', 'api_error');
    default:
      return new ApiError(502, 'upstream_error', 'The provider failed to answer', 'api_error');
  }
}

export const NO_KEY_ERROR = () => new ApiError(503, 'provider_credential_rejected', 'This team has no usable provider key for the requested model', 'api_error');

/** The attempt's or the request's own clock ran out (GATEWAY_ATTEMPT_TIMEOUT_MS, GATEWAY_TOTAL_TIMEOUT_MS). */
export const TIMEOUT_ERROR = () => new ApiError(504, 'upstream_timeout', 'The provider did not answer in time', 'api_error');
