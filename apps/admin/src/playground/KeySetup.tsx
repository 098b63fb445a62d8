import KeyIcon from '@mui/icons-material/Key';
import { Alert, Box, Button, Card, CardContent, CircularProgress, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { apiRequest } from '../providers/http-client';
import type { StoredPlaygroundKey } from './playground-storage';

interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
}

/**
 * No key yet: create one with the console session (POST /api-keys, name "Playground"), or paste an
 * existing one. The API shows a secret once, so the playground keeps it in this browser.
 */
export const KeySetup = ({ onKey }: { onKey: (key: StoredPlaygroundKey) => void }) => {
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState('');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setCreating(true);
    setError(null);
    try {
      const created = await apiRequest<CreatedApiKey>('/api-keys', { method: 'POST', json: { name: 'Playground' } });
      onKey({ key: created.key, id: created.id, createdAt: new Date().toISOString() });
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The key could not be created');
      setCreating(false);
    }
  };

  const usePasted = () => {
    const key = pasted.trim();
    if (!/^tg_\S+$/.test(key)) {
      setError('Tollgate API keys start with tg_');
      return;
    }
    onKey({ key, createdAt: new Date().toISOString() });
  };

  return (
    <Card data-testid="playground-key-setup">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
          <KeyIcon color="primary" />
          <Typography variant="h6" component="h2">
            Choose an API key for the playground
          </Typography>
        </Box>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          The playground calls the gateway like any of your apps, with one of your API keys, so its requests are
          metered, logged and counted against your budgets. Secrets are shown only once, so create a dedicated key (it
          is kept in this browser) or paste one you saved.
        </Typography>
        {error && (
          <Alert severity="error" sx={{ mb: 2 }}>
            {error}
          </Alert>
        )}
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
          <Button variant="contained" onClick={create} disabled={creating} startIcon={creating ? <CircularProgress size={16} /> : <KeyIcon />}>
            Create a playground key
          </Button>
          {!pasting && (
            <Button variant="outlined" onClick={() => setPasting(true)}>
              Paste a key
            </Button>
          )}
        </Box>
        {pasting && (
          <Box sx={{ display: 'flex', gap: 1, mt: 2, flexWrap: 'wrap', alignItems: 'center' }}>
            <TextField
              size="small"
              type="password"
              label="API key"
              autoComplete="off"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') usePasted();
              }}
              sx={{ minWidth: 320 }}
            />
            <Button variant="contained" onClick={usePasted} disabled={!pasted.trim()}>
              Use this key
            </Button>
          </Box>
        )}
      </CardContent>
    </Card>
  );
};
