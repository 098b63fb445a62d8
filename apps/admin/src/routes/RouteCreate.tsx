import { Create } from 'react-admin';
import { RouteForm, toRoutePayload } from './RouteForm';

export const RouteCreate = () => (
  <Create title="Create a route" redirect="list" transform={toRoutePayload}>
    <RouteForm />
  </Create>
);
