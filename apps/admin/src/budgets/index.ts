import SavingsIcon from '@mui/icons-material/Savings';
import type { ResourceProps } from 'react-admin';
import { BudgetCreate } from './BudgetCreate';
import { BudgetEdit } from './BudgetEdit';
import { BudgetList } from './BudgetList';

export { BudgetCreate, BudgetEdit, BudgetList };

export const budgets: ResourceProps = {
  name: 'budgets',
  list: BudgetList,
  create: BudgetCreate,
  edit: BudgetEdit,
  icon: SavingsIcon,
  options: { label: 'Budgets' },
};
