import AltRouteIcon from '@mui/icons-material/AltRoute';
import type { ResourceProps } from 'react-admin';
import { RouteCreate } from './RouteCreate';
import { RouteEdit } from './RouteEdit';
import { RouteList } from './RouteList';

export { RouteCreate, RouteEdit, RouteList };

export const routes: ResourceProps = {
  name: 'routes',
  list: RouteList,
  create: RouteCreate,
  edit: RouteEdit,
  icon: AltRouteIcon,
  recordRepresentation: 'name',
  options: { label: 'Routes' },
};
