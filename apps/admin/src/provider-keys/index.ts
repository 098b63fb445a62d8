import VpnKeyIcon from '@mui/icons-material/VpnKey';
import type { ResourceProps } from 'react-admin';
import { ProviderKeyCreate } from './ProviderKeyCreate';
import { ProviderKeyEdit } from './ProviderKeyEdit';
import { ProviderKeyList } from './ProviderKeyList';
import { ProviderKeyShow } from './ProviderKeyShow';

export { ProviderKeyCreate, ProviderKeyEdit, ProviderKeyList, ProviderKeyShow };

export const providerKeys: ResourceProps = {
  name: 'provider-keys',
  list: ProviderKeyList,
  create: ProviderKeyCreate,
  edit: ProviderKeyEdit,
  show: ProviderKeyShow,
  icon: VpnKeyIcon,
  recordRepresentation: 'label',
  options: { label: 'Provider keys' },
};
