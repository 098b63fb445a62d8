import { useState } from 'react';
import { Create, SelectInput, SimpleForm, TextInput, email, required, useRedirect } from 'react-admin';
import { SecretDialog } from '../common/SecretDialog';
import { roleChoices } from '../members/roles';

interface CreatedInvitation {
  id: string;
  email: string;
  acceptUrl?: string;
}

/** The API may return a path; the person invited needs a full URL. */
function absoluteUrl(url: string): string {
  try {
    return new URL(url, window.location.origin).toString();
  } catch {
    return url;
  }
}

/** Invite by email; the accept link is returned once and shown in a dialog to copy. */
export const InvitationCreate = () => {
  const redirect = useRedirect();
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  return (
    <>
      <Create
        title="Invite a member"
        mutationOptions={{
          onSuccess: (data: CreatedInvitation) => {
            if (data.acceptUrl) setCreated(data);
            else redirect('list', 'invitations');
          },
        }}
        transform={({ email: address, role }: { email: string; role: string }) => ({ email: address.trim(), role })}
      >
        <SimpleForm defaultValues={{ role: 'member' }}>
          <TextInput source="email" type="email" validate={[required(), email()]} />
          <SelectInput source="role" choices={roleChoices} validate={required()} />
        </SimpleForm>
      </Create>
      {created?.acceptUrl && (
        <SecretDialog
          open
          title="Invitation created"
          secret={absoluteUrl(created.acceptUrl)}
          copyLabel="Copy invitation link"
          warning={`Send this link to ${created.email}. It is shown only once; if it gets lost, revoke the invitation and create a new one.`}
          onClose={() => {
            setCreated(null);
            redirect('list', 'invitations');
          }}
        />
      )}
    </>
  );
};
