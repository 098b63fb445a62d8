import RequestQuoteIcon from '@mui/icons-material/RequestQuote';
import type { ResourceProps } from 'react-admin';
import { InvoiceList } from './InvoiceList';

export { InvoiceList };

export const invoices: ResourceProps = {
  name: 'invoices',
  list: InvoiceList,
  icon: RequestQuoteIcon,
  recordRepresentation: 'stripeInvoiceId',
  options: { label: 'Invoices' },
};
