import NetworkCheckIcon from '@mui/icons-material/NetworkCheck';
import { CircularProgress } from '@mui/material';
import { useState, type MouseEvent } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { TollgateDataProvider } from '../providers/data-provider';

const outcome: Record<string, { text: string; type: 'success' | 'warning' | 'error' | 'info' }> = {
  active: { text: 'The key works', type: 'success' },
  invalid: { text: 'The provider rejected the key', type: 'error' },
  cooling_down: { text: 'The provider is rate limiting this key; it cools down before being used again', type: 'warning' },
  unverified: { text: 'The key could not be verified right now', type: 'info' },
};

/** Calls POST /provider-keys/:id/test and reports the provider's verdict. */
export const TestProviderKeyButton = () => {
  const record = useRecordContext();
  const dataProvider = useDataProvider<TollgateDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [testing, setTesting] = useState(false);
  if (!record) return null;

  const test = async (event: MouseEvent) => {
    // Inside a clickable row: testing must not open the record.
    event.stopPropagation();
    setTesting(true);
    try {
      const result = await dataProvider.testProviderKey(record.id);
      const known = outcome[result.status] ?? { text: `Status: ${result.status}`, type: 'info' as const };
      const http = result.httpStatus ? ` (HTTP ${result.httpStatus})` : '';
      notify(`${record.label ?? 'Provider key'}: ${known.text}${http}`, { type: known.type });
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : 'The test failed', { type: 'error' });
    } finally {
      setTesting(false);
    }
  };

  return (
    <Button
      label="Test"
      onClick={test}
      disabled={testing}
      aria-label={`Test provider key ${record.label ?? ''}`.trim()}
    >
      {testing ? <CircularProgress size={16} /> : <NetworkCheckIcon />}
    </Button>
  );
};
