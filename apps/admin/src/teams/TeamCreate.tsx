import { Create, SimpleForm, TextInput, maxLength, regex, required } from 'react-admin';
import { compact } from '../common/compact';

/** Operators only. The slug is optional: the API derives it from the name. */
export const TeamCreate = () => (
  <Create title="Create a team" redirect="list" transform={(data: Record<string, unknown>) => compact(data)}>
    <SimpleForm>
      <TextInput source="name" validate={[required(), maxLength(100)]} />
      <TextInput
        source="slug"
        helperText="Optional: lowercase letters, digits and dashes; derived from the name when empty"
        validate={regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lowercase letters, digits and dashes')}
      />
    </SimpleForm>
  </Create>
);
