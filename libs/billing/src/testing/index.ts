// Test helpers (not part of the runtime API): a stateful fake of the Stripe HTTP API.
export { startFakeStripe, signWebhook } from './fake-stripe';
export type { FakeStripe, FakeStripeFaults, StartFakeStripeOptions } from './fake-stripe';
export { FakeStripeError, FakeStripeState, METER_EVENT_MAX_AGE_SEC, METER_EVENT_MAX_FUTURE_SEC } from './fake-stripe-state';
export type { CreateInvoiceOptions, FakeMeterEvent, FakeMeterEventError, RecordedRequest, StripeErrorBody } from './fake-stripe-state';
export { fingerprintForm, parseStripeForm } from './form-body';
export type { FormObject, FormValue } from './form-body';
