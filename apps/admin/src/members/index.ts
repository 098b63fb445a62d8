import PeopleIcon from '@mui/icons-material/People';
import type { ResourceProps } from 'react-admin';
import { MemberEdit } from './MemberEdit';
import { MemberList } from './MemberList';

export { MemberEdit, MemberList };

export const members: ResourceProps = {
  name: 'members',
  list: MemberList,
  edit: MemberEdit,
  icon: PeopleIcon,
  recordRepresentation: 'email',
  options: { label: 'Members' },
};
