import DownloadIcon from '@mui/icons-material/Download';
import InsightsIcon from '@mui/icons-material/Insights';
import { Alert, Box, Button, Card, CardContent, CircularProgress, Grid, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { LinkBase, useGetList, useNotify } from 'react-admin';
import { BudgetGauge } from '../common/BudgetGauge';
import { downloadFile } from '../common/download';
import { formatCount, formatNanoUsd, sumBigInt } from '../common/money';
import type { BudgetRecord } from '../budgets/budget-fields';
import { DateRangePicker } from './DateRangePicker';
import { isValidRange, thisMonth, type DateRange } from './date-range';
import { ByModelChart, DailySpendChart, DailyTokensChart, UsageTable } from './UsageCharts';
import { usageQueryString, useUsageReport, type DailyUsageRow, type GroupedUsageRow, type UsageTotals } from './usage-api';

const Section = ({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) => (
  <Card sx={{ height: '100%' }} data-testid={testId}>
    <CardContent>
      <Typography variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);

const StatCard = ({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) => (
  <Card sx={{ height: '100%' }}>
    <CardContent>
      <Typography variant="overline" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h4" component="div" data-testid={testId} sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Typography>
      {detail && (
        <Typography variant="caption" color="text.secondary">
          {detail}
        </Typography>
      )}
    </CardContent>
  </Card>
);

/** Shown when the team has no usage at all in the period. */
export const FirstRequestHint = ({ gatewayUrl }: { gatewayUrl: string }) => (
  <Box data-testid="usage-empty">
    <Typography variant="body1" gutterBottom>
      Send your first request: create an API key, then point any OpenAI-compatible client at <code>{gatewayUrl}</code>.
    </Typography>
    <Box
      component="pre"
      sx={{ p: 1.5, borderRadius: 1, bgcolor: 'action.hover', fontSize: '0.8rem', overflowX: 'auto', whiteSpace: 'pre' }}
    >
      {`curl ${gatewayUrl}/chat/completions \\
  -H "Authorization: Bearer tg_..." \\
  -H "Content-Type: application/json" \\
  -d '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`}
    </Box>
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mt: 1 }}>
      <Button component={LinkBase} to="/api-keys/create" variant="contained" size="small">
        Create an API key
      </Button>
      <Button component={LinkBase} to="/playground" variant="outlined" size="small">
        Try the playground
      </Button>
    </Box>
  </Box>
);

const BudgetGauges = () => {
  const { data, isPending, error } = useGetList<BudgetRecord>('budgets', {
    pagination: { page: 1, perPage: 6 },
    sort: { field: 'createdAt', order: 'DESC' },
  });
  if (isPending) return <CircularProgress size={20} />;
  if (error) return <Typography color="text.secondary">Budgets could not be loaded.</Typography>;
  if (!data || data.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No budgets. <LinkBase to="/budgets/create">Create one</LinkBase> to cap or watch spending.
      </Typography>
    );
  }
  const label = (b: BudgetRecord) =>
    `${b.scope === 'team' ? 'Team' : b.scope === 'member' ? 'Member' : 'API key'} · ${b.period === 'total' ? 'lifetime' : `per ${b.period}`}`;
  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {data.map((b) => (
        <BudgetGauge key={b.id} label={label(b)} spentNanoUsd={b.spentNanoUsd} amountNanoUsd={b.amountNanoUsd} alertThresholds={b.alertThresholds} mode={b.mode} />
      ))}
    </Box>
  );
};

/** Team usage for a date range: totals, daily spend and tokens, breakdowns, budgets and a CSV export. */
export const UsagePanel = () => {
  const notify = useNotify();
  const [range, setRange] = useState<DateRange>(thisMonth());
  const [exporting, setExporting] = useState(false);
  const valid = isValidRange(range);
  const filter = { from: range.from, to: range.to };
  const gatewayUrl = `${window.location.origin}/v1`;

  const totals = useUsageReport<UsageTotals>('totals', filter, valid);
  const daily = useUsageReport<DailyUsageRow[]>('daily', filter, valid);
  const byModel = useUsageReport<GroupedUsageRow[]>('by-model', filter, valid);
  const byMember = useUsageReport<GroupedUsageRow[]>('by-member', filter, valid);
  const byKey = useUsageReport<GroupedUsageRow[]>('by-key', filter, valid);

  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadFile(`/usage/export.csv?${usageQueryString(filter)}`, `tollgate-usage-${range.from}-to-${range.to}.csv`);
    } catch (e) {
      notify(e instanceof Error ? e.message : 'The export failed', { type: 'error' });
    } finally {
      setExporting(false);
    }
  };

  const t = totals.data;
  const spend = t ? sumBigInt(t.costNanoUsd, t.feeNanoUsd) : 0n;
  const empty = t !== undefined && t.requests === 0;

  return (
    <Box sx={{ display: 'grid', gap: 2 }} data-testid="usage-panel">
      <Card>
        <CardContent sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap', justifyContent: 'space-between' }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            <InsightsIcon color="primary" />
            <Typography variant="h6" component="h2">
              Usage
            </Typography>
          </Box>
          <DateRangePicker value={range} onChange={setRange} />
          <Button variant="outlined" size="small" startIcon={<DownloadIcon />} onClick={exportCsv} disabled={!valid || exporting} aria-label="Export usage as CSV">
            Export CSV
          </Button>
        </CardContent>
      </Card>
      {!valid && <Alert severity="warning">Pick a start day on or before the end day.</Alert>}
      {totals.error && (
        <Alert severity="error">Usage could not be loaded: {totals.error instanceof Error ? totals.error.message : 'unknown error'}</Alert>
      )}
      {totals.isPending && valid && !totals.error && <CircularProgress size={24} sx={{ justifySelf: 'center' }} />}
      {t && (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, sm: 4 }}>
            <StatCard label="Requests" value={formatCount(t.requests)} testId="usage-total-requests" detail={t.unpricedRequests > 0 ? `${formatCount(t.unpricedRequests)} unpriced` : undefined} />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <StatCard
              label="Tokens"
              value={formatCount(t.inputTokens + t.cachedInputTokens + t.outputTokens)}
              testId="usage-total-tokens"
              detail={`${formatCount(t.inputTokens + t.cachedInputTokens)} in (${formatCount(t.cachedInputTokens)} cached) · ${formatCount(t.outputTokens)} out`}
            />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <StatCard
              label="Spend"
              value={formatNanoUsd(spend)}
              testId="usage-total-spend"
              detail={`${formatNanoUsd(t.costNanoUsd)} provider cost + ${formatNanoUsd(t.feeNanoUsd)} fee`}
            />
          </Grid>
        </Grid>
      )}
      {empty && (
        <Section title="No usage in this period">
          <FirstRequestHint gatewayUrl={gatewayUrl} />
        </Section>
      )}
      {t && !empty && (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Section title="Spend per day">{daily.data ? <DailySpendChart rows={daily.data} range={range} /> : <CircularProgress size={20} />}</Section>
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Section title="Tokens per day">{daily.data ? <DailyTokensChart rows={daily.data} range={range} /> : <CircularProgress size={20} />}</Section>
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Section title="Spend by model">{byModel.data ? <ByModelChart rows={byModel.data} /> : <CircularProgress size={20} />}</Section>
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Section title="Budgets" testId="dashboard-budgets">
              <BudgetGauges />
            </Section>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <Section title="By member">
              {byMember.data ? <UsageTable rows={byMember.data} labelHeader="Member" testId="usage-by-member" /> : <CircularProgress size={20} />}
            </Section>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <Section title="By API key">
              {byKey.data ? <UsageTable rows={byKey.data} labelHeader="API key" testId="usage-by-key" /> : <CircularProgress size={20} />}
            </Section>
          </Grid>
        </Grid>
      )}
    </Box>
  );
};
