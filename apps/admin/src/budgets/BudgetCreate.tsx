import { Create } from 'react-admin';
import { BudgetForm, toBudgetPayload } from './BudgetForm';

export const BudgetCreate = () => (
  <Create title="Create a budget" redirect="list" transform={toBudgetPayload}>
    <BudgetForm />
  </Create>
);
