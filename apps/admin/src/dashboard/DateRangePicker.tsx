import { Box, Button, ButtonGroup, TextField } from '@mui/material';
import { lastDays, lastMonth, thisMonth, type DateRange } from './date-range';

/** From/To day inputs plus presets; the default range is the current month. */
export const DateRangePicker = ({ value, onChange }: { value: DateRange; onChange: (range: DateRange) => void }) => {
  const presets: [string, DateRange][] = [
    ['This month', thisMonth()],
    ['Last month', lastMonth()],
    ['Last 7 days', lastDays(7)],
    ['Last 30 days', lastDays(30)],
  ];
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
      <TextField
        type="date"
        size="small"
        label="From"
        value={value.from}
        onChange={(e) => onChange({ ...value, from: e.target.value })}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: value.to } }}
        fullWidth={false}
        sx={{ width: 170 }}
      />
      <TextField
        type="date"
        size="small"
        label="To"
        value={value.to}
        onChange={(e) => onChange({ ...value, to: e.target.value })}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: value.from } }}
        fullWidth={false}
        sx={{ width: 170 }}
      />
      <ButtonGroup size="small" variant="outlined" aria-label="Date presets">
        {presets.map(([label, range]) => (
          <Button
            key={label}
            onClick={() => onChange(range)}
            variant={range.from === value.from && range.to === value.to ? 'contained' : 'outlined'}
          >
            {label}
          </Button>
        ))}
      </ButtonGroup>
    </Box>
  );
};
