import { Init1763900000000 } from './1763900000000-Init';
import { Identity1763900100000 } from './1763900100000-Identity';
import { ProviderKeys1795460715206 } from './1795460715206-ProviderKeys';
import { UsageLedger1795461077401 } from './1795461077401-UsageLedger';
import { Budgets1795461229647 } from './1795461229647-Budgets';
import { Invoices1795463182862 } from './1795463182862-Invoices';
import { StripeMeterReports1796236462770 } from './1796236462770-StripeMeterReports';

/** Every migration in order. Add new ones at the end (see CONTRIBUTING.md). */
export const MIGRATIONS = [Init1763900000000, Identity1763900100000, ProviderKeys1795460715206, UsageLedger1795461077401, Budgets1795461229647, Invoices1795463182862, StripeMeterReports1796236462770];
