import { DateField, EditButton, NumberField, SelectField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { StatusChip } from '../common/StatusChip';
import { DeleteProviderKeyButton, Last4Field } from './ProviderKeyList';
import { providerChoices, providerKeyStatusChoices, providerKeyStatusColors } from './providers';
import { TestProviderKeyButton } from './TestProviderKeyButton';

const ProviderKeyShowActions = () => (
  <TopToolbar>
    <TestProviderKeyButton />
    <EditButton />
    <DeleteProviderKeyButton redirect="list" />
  </TopToolbar>
);

export const ProviderKeyShow = () => (
  <Show title="Provider key" actions={<ProviderKeyShowActions />}>
    <SimpleShowLayout>
      <TextField source="label" />
      <SelectField source="provider" choices={providerChoices} />
      <Last4Field label="Key" />
      <TextField source="fingerprint" emptyText="—" />
      <StatusChip source="status" colors={providerKeyStatusColors} choices={providerKeyStatusChoices} />
      <DateField source="statusSince" label="Status since" showTime emptyText="—" />
      <TextField source="lastErrorCode" label="Last error" emptyText="—" />
      <NumberField source="priority" />
      <NumberField source="weight" />
      <DateField source="lastUsedAt" label="Last used" showTime emptyText="Never" />
      <DateField source="createdAt" label="Added" showTime />
    </SimpleShowLayout>
  </Show>
);
