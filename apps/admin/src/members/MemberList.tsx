import PeopleIcon from '@mui/icons-material/People';
import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { Button as MuiButton } from '@mui/material';
import {
  DataTable,
  DateField,
  DeleteButton,
  EditButton,
  ExportButton,
  LinkBase,
  List,
  SearchInput,
  SelectInput,
  TextField,
  TopToolbar,
  useRecordContext,
} from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { StatusChip } from '../common/StatusChip';
import { useCompact } from '../common/use-compact';
import { roleChoices, roleColors } from './roles';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Search name or email" />,
  <SelectInput key="role" source="role" choices={roleChoices} alwaysOn />,
];

const MemberEmpty = () => (
  <EmptyState
    icon={<PeopleIcon />}
    title="No members yet"
    description="People join this team through invitations. Invite a teammate to share provider keys and usage."
    actions={
      <MuiButton component={LinkBase} to="/invitations/create" variant="contained">
        Invite a member
      </MuiButton>
    }
  />
);

const RemoveMemberButton = () => {
  const record = useRecordContext();
  return (
    <DeleteButton
      label="Remove"
      mutationMode="pessimistic"
      confirmTitle="Remove member?"
      confirmContent={`${record?.email ?? 'This member'} will lose access to this team. Their API keys stop working.`}
      aria-label={`Remove ${record?.email ?? 'member'}`}
    />
  );
};

export const MemberList = () => {
  const compact = useCompact();
  return (
    <List
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={filters}
      empty={<MemberEmpty />}
      actions={
        <TopToolbar>
          <MuiButton component={LinkBase} to="/invitations/create" startIcon={<PersonAddIcon />} size="small">
            Invite a member
          </MuiButton>
          <ExportButton />
        </TopToolbar>
      }
    >
      <DataTable rowClick="edit" bulkActionButtons={false}>
        <DataTable.Col source="name">
          <TextField source="name" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="email" />
        <DataTable.Col source="role">
          <StatusChip source="role" colors={roleColors} choices={roleChoices} />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="createdAt" label="Joined">
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <EditButton label="Change role" />
          <RemoveMemberButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
