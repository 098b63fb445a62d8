import { Route } from 'react-router';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { apiKeys } from './api-keys';
import { auditEvents } from './audit-events';
import { AcceptInvitationPage } from './auth/AcceptInvitationPage';
import { LoginPage } from './auth/LoginPage';
import { SignupPage } from './auth/SignupPage';
import { BillingPlanPage } from './billing-plan';
import { budgets } from './budgets';
import { Dashboard } from './dashboard';
import { invitations } from './invitations';
import { invoices } from './invoices';
import { darkTheme, lightTheme } from './layout/theme';
import { TollgateLayout } from './layout/TollgateLayout';
import { members } from './members';
import { PlaygroundPage } from './playground';
import { prices } from './prices';
import { authProvider } from './providers/auth-provider';
import { dataProvider } from './providers/data-provider';
import { providerKeys } from './provider-keys';
import { requests } from './requests';
import { routes } from './routes';
import { statements } from './statements';
import { meterReports, reconciliations } from './stripe-billing';
import { teams } from './teams';

export const App = () => (
  <Admin
    title="Tollgate"
    dataProvider={dataProvider}
    authProvider={authProvider}
    loginPage={LoginPage}
    dashboard={Dashboard}
    layout={TollgateLayout}
    theme={lightTheme}
    darkTheme={darkTheme}
    disableTelemetry
  >
    <Resource {...requests} />
    <Resource {...apiKeys} />
    <Resource {...providerKeys} />
    <Resource {...routes} />
    <Resource {...budgets} />
    <Resource {...statements} />
    <Resource {...invoices} />
    <Resource {...prices} />
    <Resource {...members} />
    <Resource {...invitations} />
    <Resource {...auditEvents} />
    <Resource {...teams} />
    <Resource {...reconciliations} />
    <Resource {...meterReports} />
    <CustomRoutes>
      <Route path="/playground" element={<PlaygroundPage />} />
      <Route path="/billing-plan" element={<BillingPlanPage />} />
    </CustomRoutes>
    <CustomRoutes noLayout>
      <Route path="/signup" element={<SignupPage />} />
      <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
    </CustomRoutes>
  </Admin>
);
