import DownloadIcon from '@mui/icons-material/Download';
import { useState, type MouseEvent } from 'react';
import { Button, useNotify, useRecordContext } from 'react-admin';
import { downloadFile } from '../common/download';
import type { StatementRecord } from './statement-types';

/** GET /statements/:month/export.csv with the console session, saved as tollgate-statement-<month>.csv. */
export const DownloadStatementButton = () => {
  const record = useRecordContext<StatementRecord>();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  if (!record) return null;
  const download = async (event: MouseEvent) => {
    event.stopPropagation();
    setBusy(true);
    try {
      await downloadFile(`/statements/${encodeURIComponent(String(record.id))}/export.csv`, `tollgate-statement-${record.id}.csv`);
    } catch (error) {
      notify(error instanceof Error ? error.message : 'The download failed', { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button label="CSV" onClick={download} disabled={busy} aria-label={`Download statement ${record.id} as CSV`}>
      <DownloadIcon />
    </Button>
  );
};
