import { Box } from '@mui/material';
import { useRecordContext } from 'react-admin';

/** Pretty-printed JSON of one record property (audit metadata). */
export const JsonField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const value = record?.[source];
  if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)) {
    return <Box sx={{ color: 'text.secondary', fontStyle: 'italic' }}>No details</Box>;
  }
  return (
    <Box component="pre" sx={{ m: 0, p: 1, fontSize: '0.8rem', overflowX: 'auto', bgcolor: 'action.hover', borderRadius: 1 }}>
      {JSON.stringify(value, null, 2)}
    </Box>
  );
};
