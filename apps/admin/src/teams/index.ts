import GroupsIcon from '@mui/icons-material/Groups';
import type { ResourceProps } from 'react-admin';
import { TeamCreate } from './TeamCreate';
import { TeamEdit } from './TeamEdit';
import { TeamList } from './TeamList';

export { TeamCreate, TeamEdit, TeamList };

export const teams: ResourceProps = {
  name: 'teams',
  list: TeamList,
  create: TeamCreate,
  edit: TeamEdit,
  icon: GroupsIcon,
  recordRepresentation: 'name',
  options: { label: 'Teams' },
};
