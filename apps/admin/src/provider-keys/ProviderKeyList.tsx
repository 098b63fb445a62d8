import VpnKeyIcon from '@mui/icons-material/VpnKey';
import { Box } from '@mui/material';
import {
  CreateButton,
  DataTable,
  DateField,
  DeleteButton,
  List,
  SearchInput,
  SelectField,
  SelectInput,
  TextField,
  TopToolbar,
  useRecordContext,
} from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { StatusChip } from '../common/StatusChip';
import { useCompact, useWide } from '../common/use-compact';
import { providerChoices, providerKeyStatusChoices, providerKeyStatusColors } from './providers';
import { TestProviderKeyButton } from './TestProviderKeyButton';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Search labels" />,
  <SelectInput key="provider" source="provider" choices={providerChoices} alwaysOn />,
  <SelectInput key="status" source="status" choices={providerKeyStatusChoices} alwaysOn />,
];

const ProviderKeyEmpty = () => (
  <EmptyState
    icon={<VpnKeyIcon />}
    title="No provider keys yet"
    description="Add your team's own key for OpenAI, Anthropic, Mistral or another provider. Tollgate routes your members' requests through it; the key is encrypted and never shown again."
    createLabel="Add a provider key"
  />
);

export const Last4Field = (_props: { label?: string }) => {
  const record = useRecordContext();
  if (!record?.last4) return null;
  return (
    <Box component="code" sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
      …{record.last4}
    </Box>
  );
};

export const DeleteProviderKeyButton = ({ redirect = false }: { redirect?: 'list' | false }) => {
  const record = useRecordContext();
  return (
    <DeleteButton
      mutationMode="pessimistic"
      redirect={redirect}
      confirmTitle={`Delete provider key "${record?.label ?? ''}"?`}
      confirmContent="Requests stop using this key immediately. To rotate a key, add the new one first, then delete the old one."
      aria-label={`Delete provider key ${record?.label ?? ''}`.trim()}
    />
  );
};

export const ProviderKeyList = () => {
  const compact = useCompact();
  const wide = useWide();
  return (
    <List
      sort={{ field: 'priority', order: 'ASC' }}
      filters={filters}
      empty={<ProviderKeyEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Add provider key" aria-label="Add provider key" />
        </TopToolbar>
      }
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="label" />
        <DataTable.Col source="provider">
          <SelectField source="provider" choices={providerChoices} />
        </DataTable.Col>
        <DataTable.Col source="last4" label="Key">
          <Last4Field />
        </DataTable.Col>
        <DataTable.Col source="status">
          <StatusChip source="status" colors={providerKeyStatusColors} choices={providerKeyStatusChoices} />
        </DataTable.Col>
        {wide && (
          <DataTable.Col source="lastErrorCode" label="Last error">
            <TextField source="lastErrorCode" emptyText="—" />
          </DataTable.Col>
        )}
        {!compact && <DataTable.NumberCol source="priority" />}
        {!compact && <DataTable.NumberCol source="weight" />}
        <DataTable.Col source="lastUsedAt" label="Last used">
          <DateField source="lastUsedAt" showTime emptyText="Never" />
        </DataTable.Col>
        {wide && (
          <DataTable.Col source="createdAt" label="Added">
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <Box sx={{ display: 'flex', flexWrap: 'nowrap' }}>
            <TestProviderKeyButton />
            <DeleteProviderKeyButton />
          </Box>
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
