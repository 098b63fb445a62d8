import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import type { ResourceProps } from 'react-admin';
import { RequestList } from './RequestList';
import { RequestShow } from './RequestShow';

export { RequestList, RequestShow };

export const requests: ResourceProps = {
  name: 'requests',
  list: RequestList,
  show: RequestShow,
  icon: ReceiptLongIcon,
  recordRepresentation: 'id',
  options: { label: 'Requests' },
};
