import type { ChipProps } from '@mui/material';
import { Chip, Tooltip } from '@mui/material';
import { useRecordContext } from 'react-admin';

export interface RequestAttempt {
  provider: string;
  model: string;
  providerKeyId: string | null;
  outcome: string;
  httpStatus: number | null;
  latencyMs: number | null;
}

export interface RequestRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'success' | 'upstream_error' | 'client_abort' | 'incomplete' | 'rejected';
  stream: boolean;
  requestedModel: string;
  servedModel: string | null;
  provider: string | null;
  memberEmail: string;
  apiKeyId: string;
  apiKeyName: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  unpriced: boolean;
  estimated: boolean;
  latencyMs: number | null;
  ttftMs: number | null;
  attemptCount: number;
  attempts: RequestAttempt[];
  errorCode: string | null;
}

export const requestStatusChoices = [
  { id: 'success', name: 'Success' },
  { id: 'upstream_error', name: 'Upstream error' },
  { id: 'client_abort', name: 'Client aborted' },
  { id: 'incomplete', name: 'Incomplete' },
  { id: 'rejected', name: 'Rejected' },
];

export const requestStatusColors: Record<string, NonNullable<ChipProps['color']>> = {
  success: 'success',
  upstream_error: 'error',
  client_abort: 'default',
  incomplete: 'warning',
  rejected: 'error',
};

const statusHelp: Record<string, string> = {
  success: 'The provider answered completely.',
  upstream_error: 'Every attempt failed at the provider; see the attempts.',
  client_abort: 'The client disconnected before the answer finished; tokens produced so far are billed.',
  incomplete: 'The stream ended without a final usage report; token counts are estimated.',
  rejected: 'Tollgate refused the request (budget, allowlist, validation) before calling a provider.',
};

/** Status chip with a one-line explanation on hover. */
export const RequestStatusField = (_props: { label?: string }) => {
  const record = useRecordContext<RequestRecord>();
  if (!record) return null;
  const label = requestStatusChoices.find((c) => c.id === record.status)?.name ?? record.status;
  return (
    <Tooltip title={statusHelp[record.status] ?? ''}>
      <Chip size="small" label={label} color={requestStatusColors[record.status] ?? 'default'} />
    </Tooltip>
  );
};

/** The served model, with the requested one when routing changed it (alias, fallback). */
export const ModelField = (_props: { label?: string }) => {
  const record = useRecordContext<RequestRecord>();
  if (!record) return null;
  const served = record.servedModel ?? record.requestedModel;
  return (
    <span>
      {served}
      {record.servedModel && record.servedModel !== record.requestedModel && (
        <Chip size="small" variant="outlined" label={`asked ${record.requestedModel}`} sx={{ ml: 0.5 }} />
      )}
    </span>
  );
};

/** Flags shown next to the cost: estimated usage, unpriced model, fallbacks. */
export const RequestFlags = (_props: { label?: string }) => {
  const record = useRecordContext<RequestRecord>();
  if (!record) return null;
  return (
    <span>
      {record.estimated && (
        <Tooltip title="The provider did not report usage; Tollgate counted the tokens itself">
          <Chip size="small" variant="outlined" color="warning" label="estimated" sx={{ mr: 0.5 }} />
        </Tooltip>
      )}
      {record.unpriced && (
        <Tooltip title="No price is known for this model; the cost is recorded as 0">
          <Chip size="small" variant="outlined" label="unpriced" sx={{ mr: 0.5 }} />
        </Tooltip>
      )}
      {record.attemptCount > 1 && (
        <Tooltip title="Earlier attempts failed and Tollgate fell back to another key or model">
          <Chip size="small" variant="outlined" color="info" label={`${record.attemptCount} attempts`} />
        </Tooltip>
      )}
    </span>
  );
};
