import { Alert, Box, Chip, Divider, Grid, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { DateField, Labeled, Show, TextField, useRecordContext } from 'react-admin';
import { formatCount, formatNanoUsd, sumBigInt } from '../common/money';
import { DurationField } from '../common/MoneyField';
import { ModelField, RequestFlags, RequestStatusField, type RequestRecord } from './request-fields';

const Stat = ({ label, children }: { label: string; children: ReactNode }) => (
  <Box>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    <Typography variant="body1" component="div" sx={{ fontVariantNumeric: 'tabular-nums' }}>
      {children}
    </Typography>
  </Box>
);

const TokenTable = () => {
  const r = useRecordContext<RequestRecord>();
  if (!r) return null;
  const rows: [string, number, string][] = [
    ['Input (uncached)', r.inputTokens, 'Prompt tokens billed at the input price'],
    ['Cached input', r.cachedInputTokens, 'Prompt tokens read from the provider cache, usually cheaper'],
    ['Cache writes', r.cacheWriteTokens, 'Prompt tokens written to the provider cache'],
    ['Output', r.outputTokens, 'Completion tokens, reasoning included'],
    ['of which reasoning', r.reasoningTokens, 'Hidden reasoning tokens, billed as output'],
  ];
  return (
    <Table size="small" aria-label="Tokens by class">
      <TableBody>
        {rows.map(([label, value, help]) => (
          <TableRow key={label}>
            <TableCell component="th" scope="row" title={help}>
              {label}
            </TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatCount(value)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const AttemptsTable = () => {
  const r = useRecordContext<RequestRecord>();
  const attempts = r?.attempts ?? [];
  if (attempts.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No provider was called (the request was rejected before routing).
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table size="small" aria-label="Attempts">
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Provider</TableCell>
            <TableCell>Model</TableCell>
            <TableCell>Provider key</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell align="right">HTTP</TableCell>
            <TableCell align="right">Latency</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {attempts.map((a, i) => (
            <TableRow key={i}>
              <TableCell>{i + 1}</TableCell>
              <TableCell>{a.provider}</TableCell>
              <TableCell>{a.model}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace', fontSize: '0.8rem' }}>{a.providerKeyId ?? '—'}</TableCell>
              <TableCell>
                <Chip size="small" label={a.outcome.replace(/_/g, ' ')} color={a.outcome === 'success' ? 'success' : 'default'} />
              </TableCell>
              <TableCell align="right">{a.httpStatus ?? '—'}</TableCell>
              <TableCell align="right">{a.latencyMs === null || a.latencyMs === undefined ? '—' : `${formatCount(a.latencyMs)} ms`}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
};

const RequestDetails = () => {
  const r = useRecordContext<RequestRecord>();
  if (!r) return null;
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <RequestStatusField />
        <RequestFlags />
        {r.stream && <Chip size="small" variant="outlined" label="streamed" />}
        {r.errorCode && <Chip size="small" color="error" variant="outlined" label={`error: ${r.errorCode}`} />}
      </Box>
      {r.estimated && (
        <Alert severity="info">
          Estimated usage: the provider did not report token counts for this request (for example the stream was cut
          before its final usage event), so Tollgate counted the prompt and the answer it relayed with a tokenizer.
          Estimates can differ slightly from the provider&apos;s invoice.
        </Alert>
      )}
      {r.unpriced && (
        <Alert severity="warning">
          No price is known for {r.servedModel ?? r.requestedModel}; its cost is recorded as $0. Check the price list.
        </Alert>
      )}
      <Grid container spacing={3}>
        <Grid size={{ xs: 6, sm: 3 }}>
          <Stat label="Cost">{formatNanoUsd(r.costNanoUsd)}</Stat>
        </Grid>
        <Grid size={{ xs: 6, sm: 3 }}>
          <Stat label="Fee">{formatNanoUsd(r.feeNanoUsd)}</Stat>
        </Grid>
        <Grid size={{ xs: 6, sm: 3 }}>
          <Stat label="Total">{formatNanoUsd(sumBigInt(r.costNanoUsd, r.feeNanoUsd))}</Stat>
        </Grid>
        <Grid size={{ xs: 6, sm: 3 }}>
          <Stat label="Latency / time to first token">
            <DurationField source="latencyMs" /> / <DurationField source="ttftMs" />
          </Stat>
        </Grid>
      </Grid>
      <Divider />
      <Grid container spacing={3}>
        <Grid size={{ xs: 12, md: 6 }}>
          <Labeled label="Model">
            <ModelField />
          </Labeled>
          <Labeled label="Provider">
            <TextField source="provider" emptyText="—" />
          </Labeled>
          <Labeled label="Member">
            <TextField source="memberEmail" />
          </Labeled>
          <Labeled label="API key">
            <TextField source="apiKeyName" />
          </Labeled>
          <Labeled label="Started">
            <DateField source="startedAt" showTime options={{ dateStyle: 'medium', timeStyle: 'medium' }} />
          </Labeled>
          <Labeled label="Finished">
            <DateField source="finishedAt" showTime emptyText="—" options={{ dateStyle: 'medium', timeStyle: 'medium' }} />
          </Labeled>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <Typography variant="subtitle2" gutterBottom>
            Tokens by class
          </Typography>
          <TokenTable />
        </Grid>
      </Grid>
      <Divider />
      <Box>
        <Typography variant="subtitle2" gutterBottom>
          Attempts {r.attemptCount > 1 ? `(${r.attemptCount}: fallbacks were used)` : ''}
        </Typography>
        <AttemptsTable />
      </Box>
    </Box>
  );
};

export const RequestShow = () => (
  <Show title={<RequestTitle />}>
    <RequestDetails />
  </Show>
);

const RequestTitle = () => {
  const r = useRecordContext<RequestRecord>();
  return <span>Request {r ? r.id : ''}</span>;
};
