import { Box, Grid, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { Show, TopToolbar, useRecordContext } from 'react-admin';
import { formatCount, formatNanoUsd } from '../common/money';
import { DownloadStatementButton } from './DownloadStatementButton';
import { monthLabel, type StatementRecord } from './statement-types';

const StatementTitle = () => {
  const r = useRecordContext<StatementRecord>();
  return <span>Statement {r ? monthLabel(r.month ?? String(r.id)) : ''}</span>;
};

const Summary = ({ label, value }: { label: string; value: string }) => (
  <Grid size={{ xs: 6, sm: 4, md: 2.4 }}>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    <Typography variant="h6" component="div" sx={{ fontVariantNumeric: 'tabular-nums' }}>
      {value}
    </Typography>
  </Grid>
);

const StatementDetails = () => {
  const r = useRecordContext<StatementRecord>();
  if (!r) return null;
  const lines = r.lines ?? [];
  return (
    <Box sx={{ p: 2 }}>
      <Grid container spacing={2} sx={{ mb: 3 }}>
        <Summary label="Requests" value={formatCount(r.requests)} />
        <Summary label="Tokens" value={formatCount(r.totalTokens)} />
        <Summary label="Provider cost" value={formatNanoUsd(r.costNanoUsd)} />
        <Summary label="Tollgate fee" value={formatNanoUsd(r.feeNanoUsd)} />
        <Summary label="Total" value={formatNanoUsd(r.totalNanoUsd)} />
      </Grid>
      <Typography variant="subtitle2" gutterBottom>
        By model
      </Typography>
      {lines.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No requests this month.
        </Typography>
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Statement lines">
            <TableHead>
              <TableRow>
                <TableCell>Model</TableCell>
                <TableCell>Provider</TableCell>
                <TableCell align="right">Requests</TableCell>
                <TableCell align="right">Input tokens</TableCell>
                <TableCell align="right">Output tokens</TableCell>
                <TableCell align="right">Cost</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {lines.map((line) => (
                <TableRow key={`${line.provider}/${line.model}`}>
                  <TableCell>{line.model}</TableCell>
                  <TableCell>{line.provider}</TableCell>
                  <TableCell align="right">{formatCount(line.requests)}</TableCell>
                  <TableCell align="right">{formatCount(line.inputTokens)}</TableCell>
                  <TableCell align="right">{formatCount(line.outputTokens)}</TableCell>
                  <TableCell align="right">{formatNanoUsd(line.costNanoUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Box>
  );
};

export const StatementShow = () => (
  <Show
    title={<StatementTitle />}
    actions={
      <TopToolbar>
        <DownloadStatementButton />
      </TopToolbar>
    }
  >
    <StatementDetails />
  </Show>
);
