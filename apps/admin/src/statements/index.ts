import DescriptionIcon from '@mui/icons-material/Description';
import type { ResourceProps } from 'react-admin';
import { StatementList } from './StatementList';
import { StatementShow } from './StatementShow';

export { StatementList, StatementShow };

export const statements: ResourceProps = {
  name: 'statements',
  list: StatementList,
  show: StatementShow,
  icon: DescriptionIcon,
  recordRepresentation: 'month',
  options: { label: 'Statements' },
};
