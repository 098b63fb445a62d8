/** One per gateway request, whatever happened. Ids and counts only: never prompts, outputs or keys. */
export type UsageStatus = 'success' | 'upstream_error' | 'client_abort' | 'incomplete' | 'rejected';

export interface UsageAttempt {
  provider: string;
  model: string;
  providerKeyId: string | null;
  outcome: 'success' | 'error' | 'no_key' | 'aborted';
  errorCode?: string;
  httpStatus?: number;
  latencyMs: number;
}

export interface UsageEvent {
  requestId: string;
  teamId: string;
  membershipId: string;
  userId: string;
  apiKeyId: string;
  providerKeyId: string | null;
  provider: string | null;
  endpoint: 'chat' | 'embeddings';
  requestedModel: string;
  servedModel: string | null;
  stream: boolean;
  status: UsageStatus;
  errorCode: string | null;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** True when counts are our estimate (the upstream never reported usage). */
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  startedAt: string;
  finishedAt: string;
  attempts: UsageAttempt[];
  /** Budget reservations to settle (set by the admission step). */
  reservationId?: string | null;
}
