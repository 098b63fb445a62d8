import { Box, Chip, Stack } from '@mui/material';
import { useRecordContext } from 'react-admin';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  memberId: string;
  memberEmail: string;
  expiresAt: string | null;
  modelAllowlist: string[] | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export function apiKeyState(record: ApiKeyRecord): 'revoked' | 'expired' | 'active' {
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && new Date(record.expiresAt).getTime() <= Date.now()) return 'expired';
  return 'active';
}

/** Active / Revoked / Expired, computed from revokedAt and expiresAt. */
export const ApiKeyStatusField = (_props: { label?: string }) => {
  const record = useRecordContext<ApiKeyRecord>();
  if (!record) return null;
  const state = apiKeyState(record);
  const color = state === 'active' ? 'success' : state === 'expired' ? 'warning' : 'default';
  return <Chip size="small" color={color} label={state[0].toUpperCase() + state.slice(1)} />;
};

/** The public part of the key, as it appears at the start of the secret. */
export const ApiKeyPrefixField = (_props: { label?: string }) => {
  const record = useRecordContext<ApiKeyRecord>();
  if (!record) return null;
  return (
    <Box component="code" sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
      tg_{record.prefix}_…
    </Box>
  );
};

export const ModelAllowlistField = (_props: { label?: string }) => {
  const record = useRecordContext<ApiKeyRecord>();
  const models = record?.modelAllowlist ?? [];
  if (models.length === 0) return <Box sx={{ color: 'text.secondary' }}>All models</Box>;
  return (
    <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
      {models.map((model) => (
        <Chip key={model} size="small" variant="outlined" label={model} />
      ))}
    </Stack>
  );
};
