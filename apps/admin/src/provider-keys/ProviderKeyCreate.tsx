import { Alert } from '@mui/material';
import {
  Create,
  FormDataConsumer,
  NumberInput,
  PasswordInput,
  SelectInput,
  SimpleForm,
  TextInput,
  maxLength,
  minValue,
  number,
  regex,
  required,
} from 'react-admin';
import { compact } from '../common/compact';
import { providerChoices, selfHostedProviders } from './providers';

interface ProviderKeyFormValues {
  provider: string;
  label: string;
  key?: string | null;
  organization?: string | null;
  project?: string | null;
  baseUrl?: string | null;
  weight?: number | null;
  priority?: number | null;
}

function toPayload(values: ProviderKeyFormValues) {
  const selfHosted = selfHostedProviders.has(values.provider);
  return compact({
    provider: values.provider,
    label: values.label?.trim(),
    key: values.key?.trim(),
    organization: values.organization?.trim(),
    project: values.project?.trim(),
    baseUrl: selfHosted ? values.baseUrl?.trim() : undefined,
    weight: values.weight,
    priority: values.priority,
  });
}

/** Self-hosted servers may run without a key; every hosted provider needs one. */
const keyRequiredUnlessSelfHosted = (value: unknown, values: Record<string, unknown>) =>
  !value && !selfHostedProviders.has(String(values.provider ?? '')) ? 'Required' : undefined;

/** Write-only: the key is sent once, stored encrypted, and only its last 4 characters come back. */
export const ProviderKeyCreate = () => (
  <Create title="Add a provider key" redirect="list" transform={toPayload}>
    <SimpleForm defaultValues={{ weight: 1, priority: 0 }}>
      <Alert severity="info" sx={{ mb: 2, maxWidth: 600 }}>
        The key is write-only: after saving you will only see its last 4 characters. To rotate it, add the new key
        and delete the old one.
      </Alert>
      <SelectInput source="provider" choices={providerChoices} validate={required()} />
      <TextInput source="label" validate={[required(), maxLength(100)]} helperText="e.g. Production OpenAI key" />
      <PasswordInput source="key" label="API key" autoComplete="off" validate={keyRequiredUnlessSelfHosted} />
      <FormDataConsumer<ProviderKeyFormValues>>
        {({ formData }) =>
          selfHostedProviders.has(formData.provider) ? (
            <TextInput
              source="baseUrl"
              label="Base URL"
              helperText="Where your server listens, e.g. http://ollama.internal:11434"
              validate={[required(), regex(/^https?:\/\/\S+$/, 'Enter an http(s) URL')]}
            />
          ) : null
        }
      </FormDataConsumer>
      <TextInput source="organization" helperText="Optional (OpenAI organization id)" />
      <TextInput source="project" helperText="Optional (OpenAI project id)" />
      <NumberInput
        source="weight"
        validate={[required(), number(), minValue(0)]}
        helperText="Share of traffic among keys with the same priority"
      />
      <NumberInput
        source="priority"
        validate={[required(), number(), minValue(0)]}
        helperText="Lower is tried first; higher priorities are fallbacks"
      />
    </SimpleForm>
  </Create>
);
