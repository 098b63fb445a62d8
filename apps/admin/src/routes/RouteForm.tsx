import { Alert } from '@mui/material';
import { ArrayInput, NumberInput, SimpleForm, SimpleFormIterator, TextInput, minValue, number, regex, required } from 'react-admin';

export interface RouteTarget {
  model: string;
  weight: number;
}

export interface RouteRecord {
  id: string;
  name: string;
  targets: RouteTarget[];
  createdAt: string;
}

const validateTargets = (value: unknown) => (Array.isArray(value) && value.length > 0 ? undefined : 'Add at least one target model');

export function toRoutePayload({ name, targets }: { name: string; targets: RouteTarget[] }) {
  return { name: name.trim(), targets: (targets ?? []).map((t) => ({ model: t.model.trim(), weight: Number(t.weight) })) };
}

/** Name + ordered targets. The order is the fallback order, so the iterator keeps its reorder buttons. */
export const RouteForm = () => (
  <SimpleForm defaultValues={{ targets: [{ model: '', weight: 1 }] }}>
    <TextInput
      source="name"
      validate={[required(), regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'Letters, digits, dot, dash and underscore')]}
      helperText='Clients send it as the model, e.g. "fast"'
    />
    <Alert severity="info" sx={{ maxWidth: 640, mb: 1 }}>
      Targets are tried top to bottom when one fails; targets with a weight share traffic in proportion to it. Models
      are written provider/model, e.g. openai/gpt-4o-mini.
    </Alert>
    <ArrayInput source="targets" label="Targets (fallback order)" validate={validateTargets}>
      <SimpleFormIterator inline>
        <TextInput source="model" label="Model" validate={[required(), regex(/^[a-z0-9-]+\/\S+$/, 'provider/model')]} helperText={false} />
        <NumberInput source="weight" label="Weight" validate={[required(), number(), minValue(0)]} helperText={false} sx={{ maxWidth: 120 }} />
      </SimpleFormIterator>
    </ArrayInput>
  </SimpleForm>
);
