import PaymentsIcon from '@mui/icons-material/Payments';
import ScienceIcon from '@mui/icons-material/Science';
import { Menu } from 'react-admin';
import { useSession } from '../providers/session';

/**
 * Role-aware navigation. Resource entries hide themselves when authProvider.canAccess says no (see
 * permissions.ts): members get Dashboard, Playground, Requests, API keys and Prices; owners and admins every
 * team page; operators also Teams, the Billing plan and Stripe's reconciliation and meter reports.
 */
export const TollgateMenu = () => {
  const { isOperator } = useSession();
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.Item to="/playground" primaryText="Playground" leftIcon={<ScienceIcon />} />
      <Menu.ResourceItem name="requests" />
      <Menu.ResourceItem name="api-keys" />
      <Menu.ResourceItem name="provider-keys" />
      <Menu.ResourceItem name="routes" />
      <Menu.ResourceItem name="budgets" />
      <Menu.ResourceItem name="statements" />
      <Menu.ResourceItem name="invoices" />
      <Menu.ResourceItem name="prices" />
      <Menu.ResourceItem name="members" />
      <Menu.ResourceItem name="invitations" />
      <Menu.ResourceItem name="audit-events" />
      <Menu.ResourceItem name="teams" />
      <Menu.ResourceItem name="billing/reconciliations" />
      <Menu.ResourceItem name="billing/meter-reports" />
      {isOperator && <Menu.Item to="/billing-plan" primaryText="Billing plan" leftIcon={<PaymentsIcon />} />}
    </Menu>
  );
};
