import { useRecordContext } from 'react-admin';
import { formatCount, formatNanoUsd, toBigInt } from '../common/money';

/**
 * A meter value in its unit: the tokens meter counts tokens; the markup meter counts whole micro-USD
 * (libs/billing meter-reports), shown as dollars.
 */
export function formatMeterValue(meter: string, value: unknown): string {
  if (meter === 'markup') return formatNanoUsd(toBigInt(value) * 1000n);
  return `${formatCount(value)} tokens`;
}

export const MeterValue = ({ source }: { source: string; label?: string }) => {
  const r = useRecordContext<{ meter: string } & Record<string, unknown>>();
  if (!r) return null;
  return <span>{formatMeterValue(r.meter, r[source])}</span>;
};

export const meterChoices = [
  { id: 'tokens', name: 'Tokens' },
  { id: 'markup', name: 'Markup' },
];
