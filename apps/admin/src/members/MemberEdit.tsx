import {
  DateField,
  DeleteButton,
  Edit,
  Labeled,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextField,
  Toolbar,
  required,
  useRecordContext,
} from 'react-admin';
import { roleChoices } from './roles';

const MemberEditToolbar = () => {
  const record = useRecordContext();
  return (
    <Toolbar sx={{ display: 'flex', justifyContent: 'space-between' }}>
      <SaveButton />
      <DeleteButton
        label="Remove from team"
        mutationMode="pessimistic"
        confirmTitle="Remove member?"
        confirmContent={`${record?.email ?? 'This member'} will lose access to this team. Their API keys stop working.`}
      />
    </Toolbar>
  );
};

/** Owners and admins change a member's role here; only the role is sent. */
export const MemberEdit = () => (
  <Edit title="Change member role" mutationMode="pessimistic" redirect="list" transform={({ role }: { role: string }) => ({ role })}>
    <SimpleForm toolbar={<MemberEditToolbar />}>
      <Labeled label="Name">
        <TextField source="name" emptyText="—" />
      </Labeled>
      <Labeled label="Email">
        <TextField source="email" />
      </Labeled>
      <Labeled label="Joined">
        <DateField source="createdAt" showTime />
      </Labeled>
      <SelectInput source="role" choices={roleChoices} validate={required()} />
    </SimpleForm>
  </Edit>
);
