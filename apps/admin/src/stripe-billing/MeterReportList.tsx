import OutboxIcon from '@mui/icons-material/Outbox';
import { DataTable, DateField, List, NumberField, SelectInput, useRecordContext } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { StatusChip } from '../common/StatusChip';
import { useCompact } from '../common/use-compact';
import { MeterValue, meterChoices } from './meter-value';

const statusChoices = [
  { id: 'pending', name: 'Pending' },
  { id: 'delivered', name: 'Delivered' },
  { id: 'expired', name: 'Expired' },
  { id: 'failed', name: 'Failed' },
];

const filters = [
  <SelectInput key="status" source="status" choices={statusChoices} alwaysOn />,
  <SelectInput key="meter" source="meter" choices={meterChoices} alwaysOn />,
];

const MeterReportEmpty = () => (
  <EmptyState
    icon={<OutboxIcon />}
    title="No meter reports yet"
    description="With Stripe invoicing on, every closed hour of each team's usage becomes one meter event per meter; the worker sends them and retries failures."
  />
);

/** Delivery detail: the last error of a report that has not gone through, or when it did. */
const DeliveryDetail = () => {
  const r = useRecordContext<{ lastError: string | null; deliveredAt: string | null }>();
  if (!r) return null;
  if (r.lastError) return <span title={r.lastError}>{r.lastError.length > 80 ? `${r.lastError.slice(0, 80)}…` : r.lastError}</span>;
  if (r.deliveredAt) return <DateField source="deliveredAt" showTime />;
  return <span>—</span>;
};

/**
 * Operators only: the meter-report outbox, one row per team, meter and hour (and revision), with its
 * delivery state to Stripe (GET /billing/meter-reports).
 */
export const MeterReportList = () => {
  const compact = useCompact();
  return (
    <List title="Stripe meter reports" sort={{ field: 'hourStart', order: 'DESC' }} filters={filters} empty={<MeterReportEmpty />} perPage={50}>
      <DataTable bulkActionButtons={false}>
        <DataTable.Col source="hourStart" label="Hour">
          <DateField source="hourStart" showTime options={{ timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }} />
        </DataTable.Col>
        <DataTable.Col source="teamName" label="Team" disableSort />
        <DataTable.Col source="meter" disableSort />
        <DataTable.Col source="value" disableSort>
          <MeterValue source="value" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <StatusChip source="status" choices={statusChoices} colors={{ pending: 'warning', delivered: 'success', expired: 'default', failed: 'error' }} />
        </DataTable.Col>
        {!compact && <DataTable.NumberCol source="revision" disableSort />}
        <DataTable.Col source="attempts" disableSort>
          <NumberField source="attempts" />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="lastError" label="Delivery" disableSort>
            <DeliveryDetail />
          </DataTable.Col>
        )}
      </DataTable>
    </List>
  );
};
