import GroupsIcon from '@mui/icons-material/Groups';
import { CreateButton, DataTable, DateField, List, SearchInput, TopToolbar } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { useCompact } from '../common/use-compact';

const filters = [<SearchInput key="q" source="q" alwaysOn placeholder="Search teams" />];

const TeamEmpty = () => (
  <EmptyState
    icon={<GroupsIcon />}
    title="No teams yet"
    description="Teams own provider keys, members and API keys. Create the first team, then invite its owner."
    createLabel="Create a team"
  />
);

/** Operators only: every team on this Tollgate instance. */
export const TeamList = () => {
  const compact = useCompact();
  return (
    <List
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={filters}
      empty={<TeamEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Create team" />
        </TopToolbar>
      }
    >
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="name" />
        {!compact && <DataTable.Col source="slug" />}
        <DataTable.NumberCol source="memberCount" label="Members" />
        <DataTable.Col source="createdAt" label="Created">
          <DateField source="createdAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
