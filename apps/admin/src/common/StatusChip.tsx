import { Chip, type ChipProps } from '@mui/material';
import { useRecordContext } from 'react-admin';

type Color = NonNullable<ChipProps['color']>;

export interface StatusChipProps {
  source: string;
  colors: Record<string, Color>;
  /** Same choices as the matching SelectInput, for human labels. */
  choices?: { id: string; name: string }[];
}

/** A record's status as a colored chip. */
export const StatusChip = ({ source, colors, choices }: StatusChipProps) => {
  const record = useRecordContext();
  const value = record?.[source];
  if (value === null || value === undefined) return null;
  const text = String(value);
  return <Chip size="small" label={choices?.find((c) => c.id === text)?.name ?? text.replace(/_/g, ' ')} color={colors[text] ?? 'default'} />;
};
