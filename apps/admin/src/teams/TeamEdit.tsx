import { DateField, Edit, Labeled, NumberField, SimpleForm, TextField, TextInput, maxLength, required, useNotify, useRedirect } from 'react-admin';
import { loadMe } from '../providers/auth-provider';
import { getSession, setTeam } from '../providers/session';

interface TeamRecord {
  id: string;
  name: string;
}

/** Rename a team (owners, admins, operators). */
export const TeamEdit = () => {
  const notify = useNotify();
  const redirect = useRedirect();
  const onSuccess = (team: TeamRecord) => {
    const session = getSession();
    // The app bar and dashboard show the team name: keep them in step.
    if (session.team?.id === String(team.id)) setTeam({ id: String(team.id), name: team.name });
    void loadMe().catch(() => undefined);
    notify('Team updated', { type: 'success' });
    redirect(session.isOperator ? '/teams' : '/');
  };
  return (
    <Edit title="Team settings" mutationMode="pessimistic" mutationOptions={{ onSuccess }} transform={({ name }: { name: string }) => ({ name })}>
      <SimpleForm>
        <TextInput source="name" validate={[required(), maxLength(100)]} />
        <Labeled label="Slug">
          <TextField source="slug" />
        </Labeled>
        <Labeled label="Members">
          <NumberField source="memberCount" />
        </Labeled>
        <Labeled label="Created">
          <DateField source="createdAt" showTime />
        </Labeled>
      </SimpleForm>
    </Edit>
  );
};
