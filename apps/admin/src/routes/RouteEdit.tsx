import { Edit } from 'react-admin';
import { RouteForm, toRoutePayload } from './RouteForm';

export const RouteEdit = () => (
  <Edit title="Edit route" mutationMode="pessimistic" redirect="list" transform={toRoutePayload}>
    <RouteForm />
  </Edit>
);
