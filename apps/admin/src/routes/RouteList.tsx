import AltRouteIcon from '@mui/icons-material/AltRoute';
import { Box, Chip, Stack } from '@mui/material';
import { CreateButton, DataTable, DateField, DeleteButton, EditButton, List, SearchInput, TopToolbar, useRecordContext } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { useCompact } from '../common/use-compact';
import type { RouteRecord } from './RouteForm';

const filters = [<SearchInput key="q" source="q" alwaysOn placeholder="Search names" />];

const RouteEmpty = () => (
  <EmptyState
    icon={<AltRouteIcon />}
    title="No routes yet"
    description='A route is a model alias such as "fast" or "smart" that points at one or more real models, with weights and fallbacks. Clients keep sending the alias while you change the models behind it.'
    createLabel="Create a route"
  />
);

/** Targets in fallback order: "1. openai/gpt-4o-mini ×2 → 2. anthropic/...". */
const TargetsField = (_props: { label?: string }) => {
  const record = useRecordContext<RouteRecord>();
  return (
    <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
      {(record?.targets ?? []).map((t, i) => (
        <Chip key={`${t.model}-${i}`} size="small" variant="outlined" label={`${i + 1}. ${t.model}${t.weight !== 1 ? ` ×${t.weight}` : ''}`} />
      ))}
    </Stack>
  );
};

export const RouteList = () => {
  const compact = useCompact();
  return (
    <List<RouteRecord>
      sort={{ field: 'name', order: 'ASC' }}
      filters={filters}
      empty={<RouteEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Create route" aria-label="Create route" />
        </TopToolbar>
      }
    >
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="name" render={(r: RouteRecord) => <code>{r.name}</code>} />
        <DataTable.Col label="Targets (fallback order)" disableSort>
          <TargetsField />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="createdAt" label="Created">
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <Box sx={{ display: 'flex', flexWrap: 'nowrap' }}>
            <EditButton />
            <DeleteButton mutationMode="pessimistic" confirmTitle="Delete this route?" confirmContent="Clients sending this alias will get an unknown-model error." />
          </Box>
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
