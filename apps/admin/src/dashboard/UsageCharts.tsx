import { Box, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography, useTheme } from '@mui/material';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompactCount, formatCount, formatNanoUsd, nanoUsdToChartNumber, sumBigInt } from '../common/money';
import { eachDay, type DateRange } from './date-range';
import type { DailyUsageRow, GroupedUsageRow } from './usage-api';

/**
 * Charts never animate: screenshots and slow machines must not catch a half-drawn chart, and the numbers
 * matter more than the motion.
 */
const ANIMATE = false;

function useChartColors() {
  const theme = useTheme();
  return {
    axis: theme.palette.text.secondary,
    grid: theme.palette.divider,
    cost: theme.palette.primary.main,
    fee: theme.palette.warning.main,
    input: theme.palette.primary.main,
    cached: theme.palette.info.light,
    output: theme.palette.success.main,
    tooltip: {
      contentStyle: { background: theme.palette.background.paper, border: `1px solid ${theme.palette.divider}`, color: theme.palette.text.primary },
      labelStyle: { color: theme.palette.text.primary },
      itemStyle: { color: theme.palette.text.primary },
    },
  };
}

const usdTick = (value: number) => (value === 0 ? '$0' : value < 0.01 ? `$${value.toPrecision(1)}` : `$${value.toFixed(2)}`);

interface DailyPoint {
  day: string;
  label: string;
  costUsd: number;
  feeUsd: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  input: number;
  cached: number;
  output: number;
}

function dailyPoints(rows: DailyUsageRow[], range: DateRange): DailyPoint[] {
  const byDay = new Map(rows.map((r) => [r.day ?? r.id, r]));
  return eachDay(range).map((day) => {
    const r = byDay.get(day);
    return {
      day,
      label: day.slice(5),
      costUsd: nanoUsdToChartNumber(r?.costNanoUsd),
      feeUsd: nanoUsdToChartNumber(r?.feeNanoUsd),
      costNanoUsd: r?.costNanoUsd ?? '0',
      feeNanoUsd: r?.feeNanoUsd ?? '0',
      input: r?.inputTokens ?? 0,
      cached: r?.cachedInputTokens ?? 0,
      output: r?.outputTokens ?? 0,
    };
  });
}

/** Exact dollar values in the tooltip, from the nano-USD strings rather than the plotted floats. */
const SpendTooltipFormatter = (point: DailyPoint | undefined, name: string) => {
  if (!point) return '';
  return name === 'Fee' ? formatNanoUsd(point.feeNanoUsd) : formatNanoUsd(point.costNanoUsd);
};

export const DailySpendChart = ({ rows, range }: { rows: DailyUsageRow[]; range: DateRange }) => {
  const c = useChartColors();
  const data = dailyPoints(rows, range);
  return (
    <Box sx={{ width: '100%', height: 260 }} data-testid="chart-daily-spend">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={c.grid} vertical={false} />
          <XAxis dataKey="label" stroke={c.axis} tick={{ fontSize: 11 }} interval="preserveStartEnd" />
          <YAxis stroke={c.axis} tick={{ fontSize: 11 }} tickFormatter={usdTick} width={64} />
          <Tooltip
            {...c.tooltip}
            formatter={(_value, name, item) => SpendTooltipFormatter(item?.payload as DailyPoint | undefined, String(name))}
            labelFormatter={(_label, payload) => (payload?.[0]?.payload as DailyPoint | undefined)?.day ?? ''}
          />
          <Legend />
          <Bar dataKey="costUsd" name="Provider cost" stackId="spend" fill={c.cost} isAnimationActive={ANIMATE} />
          <Bar dataKey="feeUsd" name="Fee" stackId="spend" fill={c.fee} isAnimationActive={ANIMATE} />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
};

export const DailyTokensChart = ({ rows, range }: { rows: DailyUsageRow[]; range: DateRange }) => {
  const c = useChartColors();
  const data = dailyPoints(rows, range);
  return (
    <Box sx={{ width: '100%', height: 260 }} data-testid="chart-daily-tokens">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={c.grid} vertical={false} />
          <XAxis dataKey="label" stroke={c.axis} tick={{ fontSize: 11 }} interval="preserveStartEnd" />
          <YAxis stroke={c.axis} tick={{ fontSize: 11 }} tickFormatter={formatCompactCount} width={56} />
          <Tooltip {...c.tooltip} formatter={(value) => formatCount(value)} />
          <Legend />
          <Area type="monotone" dataKey="input" name="Input" stackId="tokens" stroke={c.input} fill={c.input} fillOpacity={0.35} isAnimationActive={ANIMATE} />
          <Area type="monotone" dataKey="cached" name="Cached input" stackId="tokens" stroke={c.cached} fill={c.cached} fillOpacity={0.35} isAnimationActive={ANIMATE} />
          <Area type="monotone" dataKey="output" name="Output" stackId="tokens" stroke={c.output} fill={c.output} fillOpacity={0.35} isAnimationActive={ANIMATE} />
        </AreaChart>
      </ResponsiveContainer>
    </Box>
  );
};

/** Rows sorted by spend (cost + fee), largest first, compared as BigInt. */
export function bySpend(rows: GroupedUsageRow[]): GroupedUsageRow[] {
  return [...rows].sort((a, b) => {
    const diff = sumBigInt(b.costNanoUsd, b.feeNanoUsd) - sumBigInt(a.costNanoUsd, a.feeNanoUsd);
    return diff > 0n ? 1 : diff < 0n ? -1 : b.requests - a.requests;
  });
}

export const ByModelChart = ({ rows }: { rows: GroupedUsageRow[] }) => {
  const c = useChartColors();
  const top = bySpend(rows).slice(0, 10);
  const data = top.map((r) => ({
    label: r.label,
    spendUsd: nanoUsdToChartNumber(sumBigInt(r.costNanoUsd, r.feeNanoUsd)),
    spendNanoUsd: sumBigInt(r.costNanoUsd, r.feeNanoUsd).toString(),
    requests: r.requests,
  }));
  return (
    <Box sx={{ width: '100%', height: Math.max(120, 40 * data.length + 40) }} data-testid="chart-by-model">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={c.grid} horizontal={false} />
          <XAxis type="number" stroke={c.axis} tick={{ fontSize: 11 }} tickFormatter={usdTick} />
          <YAxis type="category" dataKey="label" stroke={c.axis} tick={{ fontSize: 11 }} width={150} />
          <Tooltip
            {...c.tooltip}
            formatter={(_value, _name, item) => {
              const p = item?.payload as (typeof data)[number] | undefined;
              return p ? `${formatNanoUsd(p.spendNanoUsd)} · ${formatCount(p.requests)} requests` : '';
            }}
          />
          <Bar dataKey="spendUsd" name="Spend" fill={c.cost} isAnimationActive={ANIMATE} />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
};

/** Top rows of a grouping (members, keys) as a compact table. */
export const UsageTable = ({ rows, labelHeader, testId }: { rows: GroupedUsageRow[]; labelHeader: string; testId: string }) => {
  const top = bySpend(rows).slice(0, 10);
  if (top.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        Nothing in this period.
      </Typography>
    );
  }
  return (
    <TableContainer data-testid={testId}>
      <Table size="small" aria-label={`Usage by ${labelHeader.toLowerCase()}`}>
        <TableHead>
          <TableRow>
            <TableCell>{labelHeader}</TableCell>
            <TableCell align="right">Requests</TableCell>
            <TableCell align="right">Tokens</TableCell>
            <TableCell align="right">Spend</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {top.map((r) => (
            <TableRow key={r.id}>
              <TableCell sx={{ maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={r.label}>
                {r.label}
              </TableCell>
              <TableCell align="right">{formatCount(r.requests)}</TableCell>
              <TableCell align="right">{formatCount(r.inputTokens + r.outputTokens)}</TableCell>
              <TableCell align="right">{formatNanoUsd(sumBigInt(r.costNanoUsd, r.feeNanoUsd))}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
};
