import { Alert, Box, Card, CardContent, CircularProgress, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { BooleanInput, Form, NumberInput, SaveButton, TextInput, Title, maxValue, minValue, number, required, useNotify } from 'react-admin';
import { formatMicroUsdPerMTok, toBigInt } from '../common/money';
import { apiRequest } from '../providers/http-client';
import { useSession } from '../providers/session';

export interface BillingPlan {
  feeMicroUsdPerMTok: string;
  markupBasisPoints: number;
  stripeEnabled: boolean;
}

interface BillingPlanForm {
  feeUsdPerMTok: string;
  markupBasisPoints: number;
  stripeEnabled: boolean;
}

const MICRO_PER_USD = 1_000_000n;

/** "0.05" ($ per million tokens) -> "50000" micro-USD per MTok, exact. */
function usdToMicro(text: string): string | null {
  const match = /^\s*\$?(\d+)(?:\.(\d{0,6}))?\s*$/.exec(text);
  if (!match) return null;
  return (BigInt(match[1]) * MICRO_PER_USD + BigInt((match[2] ?? '').padEnd(6, '0') || '0')).toString();
}

function microToUsd(value: string): string {
  return formatMicroUsdPerMTok(value).replace(/^\$/, '').replace(/,/g, '');
}

const validateFee = (value: unknown) => (usdToMicro(String(value ?? '')) === null ? 'Dollars with up to 6 decimals, e.g. 0.05' : undefined);

const PLAN_KEY = ['billing-plan'];

/** Operator-only instance setting: the fee and markup added on top of provider cost. */
export const BillingPlanPage = () => {
  const { isOperator } = useSession();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const { data, isPending, error } = useQuery({
    queryKey: PLAN_KEY,
    queryFn: () => apiRequest<BillingPlan>('/billing-plan', { noTeam: true }),
    enabled: isOperator,
  });

  const save = async (values: Record<string, unknown>) => {
    const form = values as unknown as BillingPlanForm;
    setSaving(true);
    try {
      const body: BillingPlan = {
        feeMicroUsdPerMTok: usdToMicro(String(form.feeUsdPerMTok)) ?? '0',
        markupBasisPoints: Number(form.markupBasisPoints),
        stripeEnabled: Boolean(form.stripeEnabled),
      };
      const saved = await apiRequest<BillingPlan>('/billing-plan', { method: 'PUT', json: body, noTeam: true });
      queryClient.setQueryData(PLAN_KEY, saved);
      notify('Billing plan saved', { type: 'success' });
    } catch (e) {
      notify(e instanceof Error ? e.message : 'Saving failed', { type: 'error' });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box sx={{ mt: 2, maxWidth: 720 }}>
      <Title title="Billing plan" />
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            Billing plan
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            What every team pays on top of its own provider cost. The fee is charged per million tokens (input and
            output); the markup is a percentage of provider cost. Changes apply to requests made after saving.
          </Typography>
          {!isOperator ? (
            <Alert severity="warning">Only Tollgate operators can see and change the billing plan.</Alert>
          ) : isPending ? (
            <CircularProgress size={24} />
          ) : error || !data ? (
            <Alert severity="error">{error instanceof Error ? error.message : 'The billing plan could not be loaded'}</Alert>
          ) : (
            <Form
              key={`${data.feeMicroUsdPerMTok}-${data.markupBasisPoints}-${data.stripeEnabled}`}
              defaultValues={{ feeUsdPerMTok: microToUsd(data.feeMicroUsdPerMTok), markupBasisPoints: data.markupBasisPoints, stripeEnabled: data.stripeEnabled }}
              onSubmit={save}
            >
              <TextInput
                source="feeUsdPerMTok"
                label="Fee (USD per million tokens)"
                validate={[required(), validateFee]}
                helperText={`Currently ${formatMicroUsdPerMTok(data.feeMicroUsdPerMTok)} per 1M tokens (${toBigInt(data.feeMicroUsdPerMTok).toString()} micro-USD)`}
              />
              <NumberInput
                source="markupBasisPoints"
                label="Markup (basis points)"
                validate={[required(), number(), minValue(0), maxValue(100_000)]}
                helperText="100 basis points = 1% of provider cost"
              />
              <BooleanInput source="stripeEnabled" label="Invoice teams through Stripe" helperText="Needs the Stripe keys in the server configuration" />
              <SaveButton disabled={saving} alwaysEnable={false} />
            </Form>
          )}
        </CardContent>
      </Card>
    </Box>
  );
};
