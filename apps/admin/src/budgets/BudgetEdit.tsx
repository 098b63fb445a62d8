import { Edit } from 'react-admin';
import { BudgetForm, toBudgetPayload, type BudgetFormValues } from './BudgetForm';

/** The scope and target cannot change; only amount, period, mode and thresholds are sent. */
export const BudgetEdit = () => (
  <Edit
    title="Edit budget"
    mutationMode="pessimistic"
    redirect="list"
    transform={(values: BudgetFormValues) => {
      const { period, mode, amountNanoUsd, alertThresholds } = toBudgetPayload(values);
      return { period, mode, amountNanoUsd, alertThresholds };
    }}
  >
    <BudgetForm edit />
  </Edit>
);
