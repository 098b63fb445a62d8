import MailOutlinedIcon from '@mui/icons-material/MailOutlined';
import type { ResourceProps } from 'react-admin';
import { InvitationCreate } from './InvitationCreate';
import { InvitationList } from './InvitationList';

export { InvitationCreate, InvitationList };

export const invitations: ResourceProps = {
  name: 'invitations',
  list: InvitationList,
  create: InvitationCreate,
  icon: MailOutlinedIcon,
  recordRepresentation: 'email',
  options: { label: 'Invitations' },
};
