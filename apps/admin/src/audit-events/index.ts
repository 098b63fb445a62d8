import HistoryIcon from '@mui/icons-material/History';
import type { ResourceProps } from 'react-admin';
import { AuditEventList } from './AuditEventList';

export { AuditEventList };

export const auditEvents: ResourceProps = {
  name: 'audit-events',
  list: AuditEventList,
  icon: HistoryIcon,
  recordRepresentation: 'action',
  options: { label: 'Audit log' },
};
