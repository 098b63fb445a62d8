import { DateField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { ApiKeyPrefixField, ApiKeyStatusField, ModelAllowlistField } from './ApiKeyFields';
import { RevokeApiKeyButton } from './RevokeApiKeyButton';

const ApiKeyShowActions = () => (
  <TopToolbar>
    <RevokeApiKeyButton redirect="list" />
  </TopToolbar>
);

export const ApiKeyShow = () => (
  <Show title="API key" actions={<ApiKeyShowActions />}>
    <SimpleShowLayout>
      <TextField source="name" />
      <ApiKeyPrefixField label="Key" />
      <ApiKeyStatusField label="Status" />
      <TextField source="memberEmail" label="Owner" />
      <ModelAllowlistField label="Allowed models" />
      <DateField source="expiresAt" label="Expires" showTime emptyText="Never" />
      <DateField source="lastUsedAt" label="Last used" showTime emptyText="Never" />
      <DateField source="revokedAt" label="Revoked" showTime emptyText="—" />
      <DateField source="createdAt" label="Created" showTime />
    </SimpleShowLayout>
  </Show>
);
