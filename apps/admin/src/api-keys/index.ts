import KeyIcon from '@mui/icons-material/Key';
import type { ResourceProps } from 'react-admin';
import { ApiKeyCreate } from './ApiKeyCreate';
import { ApiKeyList } from './ApiKeyList';
import { ApiKeyShow } from './ApiKeyShow';

export { ApiKeyCreate, ApiKeyList, ApiKeyShow };

export const apiKeys: ResourceProps = {
  name: 'api-keys',
  list: ApiKeyList,
  create: ApiKeyCreate,
  show: ApiKeyShow,
  icon: KeyIcon,
  recordRepresentation: 'name',
  options: { label: 'API keys' },
};
