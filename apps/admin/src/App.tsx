import { Route } from 'react-router';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { apiKeys } from './api-keys';
import { auditEvents } from './audit-events';
import { AcceptInvitationPage } from './auth/AcceptInvitationPage';
import { LoginPage } from './auth/LoginPage';
import { SignupPage } from './auth/SignupPage';
import { Dashboard } from './dashboard';
import { invitations } from './invitations';
import { darkTheme, lightTheme } from './layout/theme';
import { TollgateLayout } from './layout/TollgateLayout';
import { members } from './members';
import { authProvider } from './providers/auth-provider';
import { dataProvider } from './providers/data-provider';
import { providerKeys } from './provider-keys';
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
    <Resource {...apiKeys} />
    <Resource {...providerKeys} />
    <Resource {...members} />
    <Resource {...invitations} />
    <Resource {...auditEvents} />
    <Resource {...teams} />
    <CustomRoutes noLayout>
      <Route path="/signup" element={<SignupPage />} />
      <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
    </CustomRoutes>
  </Admin>
);
