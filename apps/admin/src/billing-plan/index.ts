export { BillingPlanPage } from './BillingPlanPage';
