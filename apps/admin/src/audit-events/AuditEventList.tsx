import HistoryIcon from '@mui/icons-material/History';
import { DataTable, DateField, DateInput, List, TextInput } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { JsonField } from '../common/JsonField';
import { useCompact } from '../common/use-compact';

/** Date inputs give a local calendar day; the API filters on instants: start and end of that day. */
const startOfDay = (value: string) => (value ? new Date(`${value}T00:00:00`).toISOString() : null);
const endOfDay = (value: string) => (value ? new Date(`${value}T23:59:59.999`).toISOString() : null);

const filters = [
  <TextInput key="action" source="action" label="Action" alwaysOn placeholder="e.g. api_key.created" />,
  <DateInput key="from" source="createdAt_gte" label="From" alwaysOn parse={startOfDay} />,
  <DateInput key="to" source="createdAt_lte" label="To" alwaysOn parse={endOfDay} />,
  <TextInput key="actorEmail" source="actorEmail" label="Actor email" />,
  <TextInput key="targetType" source="targetType" label="Target type" />,
];

const AuditEmpty = () => (
  <EmptyState
    icon={<HistoryIcon />}
    title="No audit events yet"
    description="Sign-ins, invitations, role changes and key creations or revocations are recorded here as your team uses Tollgate."
  />
);

const AuditEventDetails = () => <JsonField source="metadata" />;

/** Read-only trail of security-relevant actions in the team. Click a row for its details. */
export const AuditEventList = () => {
  const compact = useCompact();
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} empty={<AuditEmpty />} perPage={50}>
      <DataTable rowClick="expand" expand={<AuditEventDetails />} bulkActionButtons={false}>
        <DataTable.Col source="createdAt" label="When">
          <DateField source="createdAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="action" />
        <DataTable.Col source="actorEmail" label="Actor" />
        <DataTable.Col source="targetType" label="Target" />
        {!compact && <DataTable.Col source="targetId" label="Target id" />}
        {!compact && <DataTable.Col source="ip" label="IP" />}
      </DataTable>
    </List>
  );
};
