import * as billing from '../index';

describe('@tollgate/billing exports the Stripe billing API', () => {
  it.each([
    'buildMeterReports',
    'meterEventIdentifier',
    'classifyStripeError',
    'createStripeClient',
    'bootstrapStripeBilling',
    'ensureCustomerAndSubscription',
    'sendMeterEvent',
    'verifyWebhook',
    'mapInvoiceEvent',
  ])('%s', (name) => {
    expect(typeof (billing as Record<string, unknown>)[name]).toBe('function');
  });
});
