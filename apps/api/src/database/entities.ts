import { ApiKey } from '../api-keys/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { StripeMeterHour, StripeMeterReportRow, StripeMeterRow, StripeReconciliationRow } from '../billing/stripe-billing.entity';
import { Budget, BudgetAlert, RateLimit } from '../budgets/budget.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { Invitation } from '../invitations/invitation.entity';
import { Invoice, StripeCustomer, StripeEventSeen } from '../invoices/invoice.entity';
import { Membership } from '../members/membership.entity';
import { FeePlanRow, ModelPriceRow } from '../pricing/model-price.entity';
import { ProviderKey } from '../provider-keys/provider-key.entity';
import { Route } from '../routes/route.entity';
import { UsageLedgerRow, UsageOutbox, UsageRollupDaily } from '../usage/usage-ledger.entity';
import { Team } from '../teams/team.entity';
import { User } from '../users/user.entity';

/** Every entity, listed explicitly (no globs: the compiled and test layouts differ). */
export const ENTITIES = [AuditEvent, User, Team, Membership, Invitation, ApiKey, RefreshToken, ProviderKey, Route, UsageLedgerRow, UsageRollupDaily, UsageOutbox, ModelPriceRow, FeePlanRow, Budget, RateLimit, BudgetAlert, Invoice, StripeEventSeen, StripeCustomer, StripeMeterRow, StripeMeterHour, StripeMeterReportRow, StripeReconciliationRow];
