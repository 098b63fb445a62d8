import { Box, LinearProgress, Typography } from '@mui/material';
import { formatNanoUsd, percentOf } from './money';

export interface BudgetGaugeProps {
  spentNanoUsd: string;
  amountNanoUsd: string;
  /** Percent thresholds where alerts fire, drawn as ticks. */
  alertThresholds?: number[];
  label?: string;
  mode?: 'hard' | 'soft';
}

/** Spent over amount as a bar: green, amber past the first alert threshold, red at 100 %. */
export const BudgetGauge = ({ spentNanoUsd, amountNanoUsd, alertThresholds = [], label, mode }: BudgetGaugeProps) => {
  const percent = percentOf(spentNanoUsd, amountNanoUsd);
  const warnAt = Math.min(...alertThresholds.filter((t) => t < 100), 80);
  const color = percent >= 100 ? 'error' : percent >= warnAt ? 'warning' : 'success';
  const text = `${formatNanoUsd(spentNanoUsd)} of ${formatNanoUsd(amountNanoUsd)} (${percent}%)`;
  return (
    <Box sx={{ minWidth: 160 }} data-testid="budget-gauge">
      {label && (
        <Typography variant="body2" sx={{ fontWeight: 500 }} noWrap>
          {label}
        </Typography>
      )}
      <Box sx={{ position: 'relative', my: 0.5 }}>
        <LinearProgress
          variant="determinate"
          value={Math.min(percent, 100)}
          color={color}
          aria-label={label ? `${label}: ${text}` : text}
          sx={{ height: 8, borderRadius: 4 }}
        />
        {alertThresholds
          .filter((t) => t > 0 && t < 100)
          .map((t) => (
            <Box
              key={t}
              aria-hidden
              sx={{ position: 'absolute', top: -2, bottom: -2, left: `${t}%`, width: 2, bgcolor: 'text.secondary', opacity: 0.6 }}
            />
          ))}
      </Box>
      <Typography variant="caption" color="text.secondary" sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {text}
        {mode ? ` · ${mode === 'hard' ? 'blocks at 100%' : 'alerts only'}` : ''}
      </Typography>
    </Box>
  );
};
