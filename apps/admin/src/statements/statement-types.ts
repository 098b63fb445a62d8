export interface StatementLine {
  model: string;
  provider: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanoUsd: string;
}

export interface StatementRecord {
  id: string;
  month: string;
  requests: number;
  totalTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  totalNanoUsd: string;
  lines: StatementLine[];
}

/** "2026-11" -> "November 2026" (UTC, the statement's own calendar). */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
