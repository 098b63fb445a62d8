import SellIcon from '@mui/icons-material/Sell';
import type { ResourceProps } from 'react-admin';
import { PriceList } from './PriceList';

export { PriceList };

export const prices: ResourceProps = {
  name: 'prices',
  list: PriceList,
  icon: SellIcon,
  recordRepresentation: 'id',
  options: { label: 'Prices' },
};
