import SellIcon from '@mui/icons-material/Sell';
import { Typography } from '@mui/material';
import { DataTable, DateField, List, SearchInput, SelectInput, TopToolbar } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { formatMicroUsdPerMTok } from '../common/money';
import { useCompact } from '../common/use-compact';
import { providerChoices } from '../provider-keys/providers';

export interface PriceRecord {
  id: string;
  provider: string;
  model: string;
  inputMicroUsdPerMTok: string | null;
  cachedInputMicroUsdPerMTok: string | null;
  cacheWriteMicroUsdPerMTok: string | null;
  outputMicroUsdPerMTok: string | null;
  effectiveFrom: string;
}

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Search models" />,
  <SelectInput key="provider" source="provider" choices={providerChoices} alwaysOn />,
];

const PriceEmpty = () => (
  <EmptyState
    icon={<SellIcon />}
    title="No prices"
    description="The price catalog is loaded when the server starts. If it stays empty, ask your Tollgate operator to check the pricing data; requests to unpriced models are logged with a cost of $0."
  />
);

const PriceActions = () => (
  <TopToolbar sx={{ alignItems: 'center' }}>
    <Typography variant="body2" color="text.secondary">
      USD per million tokens. Empty cache prices fall back to the input price.
    </Typography>
  </TopToolbar>
);

const price = (value: string | null) => formatMicroUsdPerMTok(value);

/** Read-only: the catalog Tollgate uses to compute each request's cost. */
export const PriceList = () => {
  const compact = useCompact();
  return (
    <List<PriceRecord> sort={{ field: 'id', order: 'ASC' }} filters={filters} empty={<PriceEmpty />} perPage={50} actions={<PriceActions />} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="id" label="Model" render={(r: PriceRecord) => <code>{r.id}</code>} />
        {!compact && <DataTable.Col source="provider" />}
        <DataTable.Col source="inputMicroUsdPerMTok" label="Input" align="right" render={(r: PriceRecord) => price(r.inputMicroUsdPerMTok)} />
        {!compact && (
          <DataTable.Col source="cachedInputMicroUsdPerMTok" label="Cached input" align="right" render={(r: PriceRecord) => price(r.cachedInputMicroUsdPerMTok)} />
        )}
        {!compact && (
          <DataTable.Col source="cacheWriteMicroUsdPerMTok" label="Cache write" align="right" render={(r: PriceRecord) => price(r.cacheWriteMicroUsdPerMTok)} />
        )}
        <DataTable.Col source="outputMicroUsdPerMTok" label="Output" align="right" render={(r: PriceRecord) => price(r.outputMicroUsdPerMTok)} />
        {!compact && (
          <DataTable.Col source="effectiveFrom" label="Since">
            <DateField source="effectiveFrom" options={{ timeZone: 'UTC' }} />
          </DataTable.Col>
        )}
      </DataTable>
    </List>
  );
};
