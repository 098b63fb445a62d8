import KeyIcon from '@mui/icons-material/Key';
import { CreateButton, DataTable, DateField, List, SearchInput, TopToolbar } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { useCompact, useWide } from '../common/use-compact';
import { isTeamAdmin } from '../providers/permissions';
import { useSession } from '../providers/session';
import { ApiKeyPrefixField, ApiKeyStatusField, ModelAllowlistField } from './ApiKeyFields';
import { RevokeApiKeyButton } from './RevokeApiKeyButton';

const filters = [<SearchInput key="q" source="q" alwaysOn placeholder="Search keys" />];

const ApiKeyEmpty = () => (
  <EmptyState
    icon={<KeyIcon />}
    title="No API keys yet"
    description="API keys let your apps call the Tollgate gateway with any OpenAI-compatible client. Every request is metered per key."
    createLabel="Create an API key"
  />
);

/** Members see their own keys; owners and admins see every key of the team. */
export const ApiKeyList = () => {
  const compact = useCompact();
  const wide = useWide();
  const session = useSession();
  const showOwner = isTeamAdmin(session);
  return (
    <List
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={filters}
      empty={<ApiKeyEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Create API key" aria-label="Create API key" />
        </TopToolbar>
      }
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="prefix" label="Key">
          <ApiKeyPrefixField />
        </DataTable.Col>
        {showOwner && !compact && <DataTable.Col source="memberEmail" label="Owner" />}
        <DataTable.Col label="Status" disableSort>
          <ApiKeyStatusField />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col label="Models" disableSort>
            <ModelAllowlistField />
          </DataTable.Col>
        )}
        {!compact && (
          <DataTable.Col source="expiresAt" label="Expires">
            <DateField source="expiresAt" showTime emptyText="Never" />
          </DataTable.Col>
        )}
        <DataTable.Col source="lastUsedAt" label="Last used">
          <DateField source="lastUsedAt" showTime emptyText="Never" />
        </DataTable.Col>
        {wide && (
          <DataTable.Col source="createdAt" label="Created">
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <RevokeApiKeyButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
