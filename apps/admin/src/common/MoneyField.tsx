import { Box } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { formatCount, formatNanoUsd, sumBigInt } from './money';

/** A nano-USD string rendered as dollars; `sources` adds several fields (e.g. cost + fee). */
export const NanoUsdField = ({ source, sources }: { source?: string; sources?: string[]; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  if (!record) return null;
  const keys = sources ?? (source ? [source] : []);
  const total = sumBigInt(...keys.map((k) => record[k]));
  return (
    <Box component="span" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
      {formatNanoUsd(total)}
    </Box>
  );
};

/** A token or request count with thousands separators. */
export const CountField = ({ source }: { source: string; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <Box component="span" sx={{ fontVariantNumeric: 'tabular-nums' }}>
      {formatCount(record[source])}
    </Box>
  );
};

/** Milliseconds, or a dash when unknown (no first token, rejected request). */
export const DurationField = ({ source }: { source: string; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  const value = record?.[source];
  if (value === null || value === undefined) return <span>—</span>;
  const ms = Number(value);
  return (
    <Box component="span" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
      {ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${formatCount(ms)} ms`}
    </Box>
  );
};
