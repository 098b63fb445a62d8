import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import RequestQuoteIcon from '@mui/icons-material/RequestQuote';
import { Button as MuiButton, Chip } from '@mui/material';
import type { ChipProps } from '@mui/material';
import { DataTable, DateField, LinkBase, List, SelectInput, useRecordContext } from 'react-admin';
import { EmptyState } from '../common/EmptyState';
import { formatCents } from '../common/money';
import { useCompact } from '../common/use-compact';

export interface InvoiceRecord {
  id: string;
  stripeInvoiceId: string;
  periodStart: string;
  periodEnd: string;
  amountDueCents: number | string;
  amountPaidCents: number | string;
  currency: string;
  status: string;
  hostedInvoiceUrl: string | null;
}

const statusChoices = [
  { id: 'draft', name: 'Draft' },
  { id: 'open', name: 'Open' },
  { id: 'paid', name: 'Paid' },
  { id: 'uncollectible', name: 'Uncollectible' },
  { id: 'void', name: 'Void' },
];

const statusColors: Record<string, NonNullable<ChipProps['color']>> = {
  draft: 'default',
  open: 'warning',
  paid: 'success',
  uncollectible: 'error',
  void: 'default',
};

const filters = [<SelectInput key="status" source="status" choices={statusChoices} alwaysOn />];

const InvoiceEmpty = () => (
  <EmptyState
    icon={<RequestQuoteIcon />}
    title="No invoices"
    description="Invoices appear here when this Tollgate instance bills through Stripe. If it does not, use the monthly statements for your records."
    actions={
      <MuiButton component={LinkBase} to="/statements" variant="outlined">
        See statements
      </MuiButton>
    }
  />
);

const InvoiceStatus = (_props: { label?: string }) => {
  const r = useRecordContext<InvoiceRecord>();
  if (!r) return null;
  return <Chip size="small" label={statusChoices.find((c) => c.id === r.status)?.name ?? r.status} color={statusColors[r.status] ?? 'default'} />;
};

/** Opens Stripe's hosted invoice page (payment, PDF) in a new tab. */
const HostedInvoiceLink = (_props: { label?: string }) => {
  const r = useRecordContext<InvoiceRecord>();
  if (!r?.hostedInvoiceUrl) return <span>—</span>;
  return (
    <MuiButton
      size="small"
      href={r.hostedInvoiceUrl}
      target="_blank"
      rel="noopener noreferrer"
      endIcon={<OpenInNewIcon fontSize="small" />}
      onClick={(e) => e.stopPropagation()}
      aria-label={`Open invoice ${r.stripeInvoiceId}`}
    >
      View
    </MuiButton>
  );
};

export const InvoiceList = () => {
  const compact = useCompact();
  return (
    <List<InvoiceRecord> sort={{ field: 'periodStart', order: 'DESC' }} filters={filters} empty={<InvoiceEmpty />} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="periodStart" label="Period">
          <DateField source="periodStart" options={{ timeZone: 'UTC' }} /> – <DateField source="periodEnd" options={{ timeZone: 'UTC' }} />
        </DataTable.Col>
        {!compact && <DataTable.Col source="stripeInvoiceId" label="Invoice" disableSort />}
        <DataTable.Col source="status">
          <InvoiceStatus />
        </DataTable.Col>
        <DataTable.Col source="amountDueCents" label="Amount due" align="right" render={(r: InvoiceRecord) => formatCents(r.amountDueCents, r.currency)} />
        {!compact && (
          <DataTable.Col source="amountPaidCents" label="Paid" align="right" render={(r: InvoiceRecord) => formatCents(r.amountPaidCents, r.currency)} />
        )}
        <DataTable.Col label="Hosted invoice" disableSort>
          <HostedInvoiceLink />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
