import { Alert } from '@mui/material';
import {
  AutocompleteInput,
  FormDataConsumer,
  RadioButtonGroupInput,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  TextInput,
  required,
  useRecordContext,
} from 'react-admin';
import { nanoToUsdInput, usdToNano } from '../common/money';
import { modeChoices, periodChoices, scopeChoices, type BudgetRecord } from './budget-fields';

export interface BudgetFormValues {
  scope: BudgetRecord['scope'];
  memberId?: string | null;
  apiKeyId?: string | null;
  period: BudgetRecord['period'];
  mode: BudgetRecord['mode'];
  amountUsd: string;
  thresholdsText?: string | null;
}

function parseThresholds(text: string | null | undefined): number[] | null {
  const parts = (text ?? '')
    .split(/[\s,%]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 1000)) return null;
  return [...new Set(values)].sort((a, b) => a - b);
}

const validateAmount = (value: unknown) => {
  const nano = usdToNano(String(value ?? ''));
  if (nano === null) return 'Enter an amount in dollars, e.g. 50 or 12.50';
  return nano <= 0n ? 'The amount must be more than $0' : undefined;
};

const validateThresholds = (value: unknown) =>
  parseThresholds(typeof value === 'string' ? value : '') === null ? 'Whole percents separated by commas, e.g. 50, 80, 100' : undefined;

/** Form values -> API body: dollars become a nano-USD string, the threshold text a sorted number list. */
export function toBudgetPayload(values: BudgetFormValues) {
  return {
    scope: values.scope,
    ...(values.scope === 'member' ? { memberId: values.memberId } : {}),
    ...(values.scope === 'api_key' ? { apiKeyId: values.apiKeyId } : {}),
    period: values.period,
    mode: values.mode,
    amountNanoUsd: (usdToNano(values.amountUsd) ?? 0n).toString(),
    alertThresholds: parseThresholds(values.thresholdsText) ?? [],
  };
}

/** Shared by create and edit; the scope and its target are fixed once the budget exists. */
export const BudgetForm = ({ edit = false }: { edit?: boolean }) => {
  const record = useRecordContext<BudgetRecord>();
  const defaults: Partial<BudgetFormValues> = record
    ? { amountUsd: nanoToUsdInput(record.amountNanoUsd), thresholdsText: record.alertThresholds.join(', ') }
    : { scope: 'team', period: 'month', mode: 'soft', thresholdsText: '50, 80, 100' };
  return (
    <SimpleForm defaultValues={defaults}>
      <SelectInput source="scope" choices={scopeChoices} validate={required()} disabled={edit} />
      <FormDataConsumer<BudgetFormValues>>
        {({ formData }) =>
          formData.scope === 'member' ? (
            <ReferenceInput source="memberId" reference="members">
              <AutocompleteInput label="Member" optionText="email" validate={required()} disabled={edit} />
            </ReferenceInput>
          ) : formData.scope === 'api_key' ? (
            <ReferenceInput source="apiKeyId" reference="api-keys">
              <AutocompleteInput label="API key" optionText="name" validate={required()} disabled={edit} />
            </ReferenceInput>
          ) : null
        }
      </FormDataConsumer>
      <SelectInput source="period" choices={periodChoices} validate={required()} helperText="Day and month reset at 00:00 UTC" />
      <TextInput source="amountUsd" label="Amount (USD)" validate={[required(), validateAmount]} helperText="Provider cost plus Tollgate fee" />
      <RadioButtonGroupInput source="mode" choices={modeChoices} validate={required()} />
      <TextInput
        source="thresholdsText"
        label="Alert thresholds (%)"
        validate={validateThresholds}
        helperText="Team owners and admins are alerted when spending crosses each percentage"
      />
      <Alert severity="info" sx={{ maxWidth: 600 }}>
        A hard budget rejects requests once it is spent; a soft budget only sends alerts.
      </Alert>
    </SimpleForm>
  );
};
