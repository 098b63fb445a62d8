import FactCheckIcon from '@mui/icons-material/FactCheck';
import { DataTable, DateField, List, SelectInput } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { StatusChip } from '../common/StatusChip';
import { useCompact } from '../common/use-compact';
import { MeterValue, meterChoices } from './meter-value';

const statusChoices = [
  { id: 'ok', name: 'OK' },
  { id: 'pending', name: 'Pending' },
  { id: 'mismatch', name: 'Mismatch' },
];

const filters = [
  <SelectInput key="status" source="status" choices={statusChoices} alwaysOn />,
  <SelectInput key="meter" source="meter" choices={meterChoices} alwaysOn />,
];

const ReconciliationEmpty = () => (
  <EmptyState
    icon={<FactCheckIcon />}
    title="No reconciliations yet"
    description="With Stripe invoicing on, the worker compares each team's daily meter totals in Stripe with the usage ledger and records the result here."
  />
);

/**
 * Operators only: per team, meter and day, the ledger's total against what was reported to Stripe and
 * what Stripe counted. A mismatch names a difference to look into (GET /billing/reconciliations).
 */
export const ReconciliationList = () => {
  const compact = useCompact();
  return (
    <List title="Stripe reconciliation" sort={{ field: 'periodStart', order: 'DESC' }} filters={filters} empty={<ReconciliationEmpty />} perPage={50}>
      <DataTable bulkActionButtons={false}>
        <DataTable.Col source="periodStart" label="Day">
          <DateField source="periodStart" options={{ timeZone: 'UTC' }} />
        </DataTable.Col>
        <DataTable.Col source="teamName" label="Team" disableSort />
        <DataTable.Col source="meter" disableSort />
        <DataTable.Col source="status" disableSort>
          <StatusChip source="status" choices={statusChoices} colors={{ ok: 'success', pending: 'warning', mismatch: 'error' }} />
        </DataTable.Col>
        <DataTable.Col source="ledgerValue" label="Ledger" disableSort>
          <MeterValue source="ledgerValue" />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="deliveredValue" label="Reported" disableSort>
            <MeterValue source="deliveredValue" />
          </DataTable.Col>
        )}
        <DataTable.Col source="stripeValue" label="In Stripe" disableSort>
          <MeterValue source="stripeValue" />
        </DataTable.Col>
        <DataTable.Col source="difference" disableSort>
          <MeterValue source="difference" />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="checkedAt" label="Checked">
            <DateField source="checkedAt" showTime />
          </DataTable.Col>
        )}
      </DataTable>
    </List>
  );
};
