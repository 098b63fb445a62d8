import FactCheckIcon from '@mui/icons-material/FactCheck';
import OutboxIcon from '@mui/icons-material/Outbox';
import type { ResourceProps } from 'react-admin';
import { MeterReportList } from './MeterReportList';
import { ReconciliationList } from './ReconciliationList';

export { MeterReportList, ReconciliationList };
export { formatMeterValue } from './meter-value';

/** Operators only (the API refuses everyone else); resource names are the API paths. */
export const reconciliations: ResourceProps = {
  name: 'billing/reconciliations',
  list: ReconciliationList,
  icon: FactCheckIcon,
  options: { label: 'Stripe reconciliation' },
};

export const meterReports: ResourceProps = {
  name: 'billing/meter-reports',
  list: MeterReportList,
  icon: OutboxIcon,
  options: { label: 'Stripe meter reports' },
};
