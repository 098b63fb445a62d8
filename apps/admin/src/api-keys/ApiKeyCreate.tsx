import { Typography } from '@mui/material';
import { useState } from 'react';
import { Create, DateTimeInput, SimpleForm, TextInput, maxLength, required, useRedirect } from 'react-admin';
import { splitList, toIso } from '../common/compact';
import { SecretDialog } from '../common/SecretDialog';

interface CreatedApiKey {
  id: string;
  name: string;
  key?: string;
}

interface ApiKeyFormValues {
  name: string;
  expiresAt?: string | Date | null;
  modelAllowlistText?: string | null;
}

function toPayload({ name, expiresAt, modelAllowlistText }: ApiKeyFormValues) {
  const models = splitList(modelAllowlistText);
  const expires = toIso(expiresAt);
  return {
    name: name.trim(),
    ...(expires ? { expiresAt: expires } : {}),
    ...(models.length > 0 ? { modelAllowlist: models } : {}),
  };
}

const validateFuture = (value: unknown) => {
  const iso = toIso(value);
  return iso && new Date(iso).getTime() <= Date.now() ? 'The expiry must be in the future' : undefined;
};

/** Creates a key for the current user; the secret comes back once and is shown in a dialog. */
export const ApiKeyCreate = () => {
  const redirect = useRedirect();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  return (
    <>
      <Create
        title="Create an API key"
        transform={toPayload}
        mutationOptions={{
          onSuccess: (data: CreatedApiKey) => {
            if (data.key) setCreated(data);
            else redirect('list', 'api-keys');
          },
        }}
      >
        <SimpleForm>
          <TextInput source="name" validate={[required(), maxLength(100)]} helperText="e.g. the app or environment using it" />
          <DateTimeInput source="expiresAt" label="Expires at" helperText="Optional: leave empty for a key that does not expire" validate={validateFuture} />
          <TextInput
            source="modelAllowlistText"
            label="Allowed models"
            helperText="Optional: model ids separated by commas (e.g. gpt-4o-mini, claude-sonnet-4-5); empty allows every model"
            multiline
          />
          <Typography variant="body2" color="text.secondary">
            The secret is shown once, right after creation.
          </Typography>
        </SimpleForm>
      </Create>
      {created?.key && (
        <SecretDialog
          open
          title={`API key "${created.name}" created`}
          secret={created.key}
          copyLabel="Copy API key"
          warning="Copy this key now and store it somewhere safe. It won't be shown again: Tollgate keeps only a hash of it."
          onClose={() => {
            setCreated(null);
            redirect('list', 'api-keys');
          }}
        />
      )}
    </>
  );
};
