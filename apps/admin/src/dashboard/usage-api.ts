import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../providers/http-client';
import { useSession } from '../providers/session';

export interface UsageFilter {
  /** Inclusive calendar days, YYYY-MM-DD. */
  from: string;
  to: string;
  memberId?: string;
  apiKeyId?: string;
  model?: string;
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  unpricedRequests: number;
}

export interface DailyUsageRow {
  id: string;
  day: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
}

export interface GroupedUsageRow {
  id: string;
  label: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
}

export type UsageGrouping = 'by-model' | 'by-member' | 'by-key';

export function usageQueryString(filter: UsageFilter): string {
  const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''));
  return new URLSearchParams({ filter: JSON.stringify(clean) }).toString();
}

/**
 * One usage report for the selected team. The team id is part of the cache key so that switching teams
 * never shows the previous team's numbers.
 */
export function useUsageReport<T>(report: 'totals' | 'daily' | UsageGrouping, filter: UsageFilter, enabled = true) {
  const { team } = useSession();
  return useQuery({
    queryKey: ['usage', team?.id ?? null, report, filter],
    queryFn: ({ signal }) => apiRequest<T>(`/usage/${report}?${usageQueryString(filter)}`, { signal }),
    enabled: enabled && team !== null,
    // The reports are aggregates: a short staleness is fine and avoids refetching on every tab switch.
    staleTime: 30_000,
  });
}
