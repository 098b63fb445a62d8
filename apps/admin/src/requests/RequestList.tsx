import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import { Button as MuiButton } from '@mui/material';
import {
  AutocompleteInput,
  DataTable,
  DateField,
  DateTimeInput,
  LinkBase,
  List,
  ReferenceInput,
  SelectInput,
  TextInput,
  useCanAccess,
} from 'react-admin';
import { toIso } from '../common/compact';
import { EmptyState } from '../common/EmptyState';
import { DurationField, NanoUsdField } from '../common/MoneyField';
import { useCompact, useWide } from '../common/use-compact';
import { isTeamAdmin } from '../providers/permissions';
import { useSession } from '../providers/session';
import { ModelField, RequestFlags, RequestStatusField, requestStatusChoices, type RequestRecord } from './request-fields';

function baseFilters(showTeamFilters: boolean) {
  return [
    <SelectInput key="status" source="status" choices={requestStatusChoices} alwaysOn />,
    <TextInput key="model" source="model" label="Model" alwaysOn placeholder="e.g. openai/gpt-4o-mini" />,
    <DateTimeInput key="from" source="startedAt_gte" label="From" alwaysOn parse={toIso} />,
    <DateTimeInput key="to" source="startedAt_lte" label="To" parse={toIso} />,
    ...(showTeamFilters
      ? [
          <ReferenceInput key="member" source="memberId" reference="members">
            <AutocompleteInput label="Member" optionText="email" />
          </ReferenceInput>,
        ]
      : []),
    <ReferenceInput key="apiKey" source="apiKeyId" reference="api-keys">
      <AutocompleteInput label="API key" optionText="name" />
    </ReferenceInput>,
  ];
}

const RequestEmpty = () => {
  const { canAccess } = useCanAccess({ resource: 'api-keys', action: 'create' });
  return (
    <EmptyState
      icon={<ReceiptLongIcon />}
      title="No requests yet"
      description="Every call through the gateway is logged here with its tokens, cost and latency. Create an API key and send a request, or try a model in the playground."
      actions={
        <>
          <MuiButton component={LinkBase} to="/playground" variant="contained">
            Open the playground
          </MuiButton>
          {canAccess && (
            <MuiButton component={LinkBase} to="/api-keys/create" variant="outlined">
              Create an API key
            </MuiButton>
          )}
        </>
      }
    />
  );
};

/** Request log: newest first, filterable by status, model, member, key and time. */
export const RequestList = () => {
  const compact = useCompact();
  const wide = useWide();
  const session = useSession();
  const admin = isTeamAdmin(session);
  return (
    <List<RequestRecord>
      sort={{ field: 'startedAt', order: 'DESC' }}
      filters={baseFilters(admin)}
      empty={<RequestEmpty />}
      perPage={25}
      title="Requests"
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="startedAt" label="Started">
          <DateField source="startedAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="status" label="Status" disableSort>
          <RequestStatusField />
        </DataTable.Col>
        <DataTable.Col source="servedModel" label="Model" disableSort>
          <ModelField />
        </DataTable.Col>
        {admin && !compact && <DataTable.Col source="memberEmail" label="Member" disableSort />}
        {wide && <DataTable.Col source="apiKeyName" label="API key" disableSort />}
        {!compact && (
          <DataTable.Col
            label="Tokens in / out"
            disableSort
            render={(r: RequestRecord) => `${(r.inputTokens + r.cachedInputTokens + r.cacheWriteTokens).toLocaleString('en-US')} / ${r.outputTokens.toLocaleString('en-US')}`}
          />
        )}
        <DataTable.Col source="costNanoUsd" label="Cost">
          <NanoUsdField source="costNanoUsd" />
        </DataTable.Col>
        <DataTable.Col source="latencyMs" label="Latency">
          <DurationField source="latencyMs" />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="ttftMs" label="TTFT" disableSort>
            <DurationField source="ttftMs" />
          </DataTable.Col>
        )}
        {!compact && (
          <DataTable.Col label="Notes" disableSort>
            <RequestFlags />
          </DataTable.Col>
        )}
      </DataTable>
    </List>
  );
};
