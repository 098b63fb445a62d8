import { Edit, Labeled, NumberInput, SelectField, SimpleForm, TextInput, maxLength, minValue, number, required } from 'react-admin';
import { Last4Field } from './ProviderKeyList';
import { providerChoices } from './providers';

/** Routing settings only; the key itself is never editable (rotate by adding a new key). */
export const ProviderKeyEdit = () => (
  <Edit
    title="Edit provider key"
    mutationMode="pessimistic"
    redirect="show"
    transform={({ label, weight, priority }: { label: string; weight: number; priority: number }) => ({ label, weight, priority })}
  >
    <SimpleForm>
      <Labeled label="Provider">
        <SelectField source="provider" choices={providerChoices} />
      </Labeled>
      <Labeled label="Key">
        <Last4Field />
      </Labeled>
      <TextInput source="label" validate={[required(), maxLength(100)]} />
      <NumberInput source="weight" validate={[required(), number(), minValue(0)]} />
      <NumberInput source="priority" validate={[required(), number(), minValue(0)]} />
    </SimpleForm>
  </Edit>
);
