import DescriptionIcon from '@mui/icons-material/Description';
import { DataTable, List, TextInput } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { CountField, NanoUsdField } from '../common/MoneyField';
import { useCompact } from '../common/use-compact';
import { DownloadStatementButton } from './DownloadStatementButton';
import { monthLabel, type StatementRecord } from './statement-types';

const filters = [<TextInput key="month" source="id" label="Month" placeholder="YYYY-MM" alwaysOn />];

const StatementEmpty = () => (
  <EmptyState
    icon={<DescriptionIcon />}
    title="No statements yet"
    description="A statement summarizes one calendar month of usage: requests, tokens, provider cost and Tollgate fee per model. The first one appears once the team has sent requests."
  />
);

export const StatementList = () => {
  const compact = useCompact();
  return (
    <List<StatementRecord> sort={{ field: 'id', order: 'DESC' }} filters={filters} empty={<StatementEmpty />} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="id" label="Month" render={(r: StatementRecord) => monthLabel(r.month ?? String(r.id))} />
        {!compact && (
          <DataTable.Col source="requests" label="Requests" align="right">
            <CountField source="requests" />
          </DataTable.Col>
        )}
        {!compact && (
          <DataTable.Col source="totalTokens" label="Tokens" align="right">
            <CountField source="totalTokens" />
          </DataTable.Col>
        )}
        {!compact && (
          <DataTable.Col source="costNanoUsd" label="Provider cost" align="right">
            <NanoUsdField source="costNanoUsd" />
          </DataTable.Col>
        )}
        {!compact && (
          <DataTable.Col source="feeNanoUsd" label="Fee" align="right">
            <NanoUsdField source="feeNanoUsd" />
          </DataTable.Col>
        )}
        <DataTable.Col source="totalNanoUsd" label="Total" align="right">
          <NanoUsdField source="totalNanoUsd" />
        </DataTable.Col>
        <DataTable.Col label="Export" disableSort>
          <DownloadStatementButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
