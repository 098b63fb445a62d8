import MailOutlinedIcon from '@mui/icons-material/MailOutlined';
import {
  CreateButton,
  DataTable,
  DateField,
  DeleteButton,
  List,
  SearchInput,
  SelectInput,
  TopToolbar,
  useRecordContext,
} from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { StatusChip } from '../common/StatusChip';
import { useCompact } from '../common/use-compact';
import { roleChoices, roleColors } from '../members/roles';
import { invitationStatusChoices, invitationStatusColors } from './statuses';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Search email" />,
  <SelectInput key="status" source="status" choices={invitationStatusChoices} alwaysOn />,
  <SelectInput key="role" source="role" choices={roleChoices} />,
];

const InvitationEmpty = () => (
  <EmptyState
    icon={<MailOutlinedIcon />}
    title="No invitations yet"
    description="Invite teammates by email. You get a one-time link to send them; they pick a name and password when they accept."
    createLabel="Invite a member"
  />
);

const RevokeInvitationButton = () => {
  const record = useRecordContext();
  if (record?.status !== 'pending') return null;
  return (
    <DeleteButton
      label="Revoke"
      mutationMode="pessimistic"
      confirmTitle="Revoke invitation?"
      confirmContent={`The link sent to ${record.email} will stop working.`}
      aria-label={`Revoke invitation for ${record.email}`}
    />
  );
};

export const InvitationList = () => {
  const compact = useCompact();
  return (
    <List
      sort={{ field: 'createdAt', order: 'DESC' }}
      filters={filters}
      empty={<InvitationEmpty />}
      actions={
        <TopToolbar>
          <CreateButton label="Invite" aria-label="Invite a member" />
        </TopToolbar>
      }
    >
      <DataTable rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="email" />
        <DataTable.Col source="role">
          <StatusChip source="role" colors={roleColors} choices={roleChoices} />
        </DataTable.Col>
        <DataTable.Col source="status">
          <StatusChip source="status" colors={invitationStatusColors} choices={invitationStatusChoices} />
        </DataTable.Col>
        <DataTable.Col source="expiresAt" label="Expires">
          <DateField source="expiresAt" showTime />
        </DataTable.Col>
        {!compact && (
          <DataTable.Col source="createdAt" label="Sent">
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        )}
        <DataTable.Col label="Actions" disableSort>
          <RevokeInvitationButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
