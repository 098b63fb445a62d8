import SavingsIcon from '@mui/icons-material/Savings';
import { Box } from '@mui/material';
import { CreateButton, DataTable, DateField, DeleteButton, EditButton, List, SelectField, SelectInput, TopToolbar } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { useCompact } from '../common/use-compact';
import { BudgetGaugeField, BudgetTargetField, modeChoices, periodChoices, scopeChoices, type BudgetRecord } from './budget-fields';

const filters = [
  <SelectInput key="scope" source="scope" choices={scopeChoices} alwaysOn />,
  <SelectInput key="period" source="period" choices={periodChoices} alwaysOn />,
  <SelectInput key="mode" source="mode" choices={[{ id: 'hard', name: 'Hard' }, { id: 'soft', name: 'Soft' }]} />,
];

const BudgetEmpty = () => (
  <EmptyState
    icon={<SavingsIcon />}
    title="No budgets yet"
    description="Cap what the team, a member or a single API key may spend per day, per month or in total. Hard budgets reject requests once spent; soft budgets send alerts."
    createLabel="Create a budget"
  />
);

export const BudgetList = () => {
  const compact = useCompact();
  return (
    <List<BudgetRecord>
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={filters}
      empty={<BudgetEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Create budget" aria-label="Create budget" />
        </TopToolbar>
      }
    >
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="scope">
          <SelectField source="scope" choices={scopeChoices} />
        </DataTable.Col>
        <DataTable.Col label="Applies to" disableSort>
          <BudgetTargetField />
        </DataTable.Col>
        <DataTable.Col source="period">
          <SelectField source="period" choices={periodChoices} />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="mode">
            <SelectField source="mode" choices={modeChoices.map((c) => ({ id: c.id, name: c.id === 'hard' ? 'Hard' : 'Soft' }))} />
          </DataTable.Col>
        )}
        <DataTable.Col label="Consumption" disableSort>
          <BudgetGaugeField />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="periodStart" label="Period started">
            <DateField source="periodStart" emptyText="—" />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <Box sx={{ display: 'flex', flexWrap: 'nowrap' }}>
            <EditButton />
            <DeleteButton mutationMode="pessimistic" confirmTitle="Delete this budget?" confirmContent="Spending under it is no longer capped or alerted." />
          </Box>
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
