import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../testing/fake-stripe';
import { createStripeClient } from './stripe-client';

describe('createStripeClient', () => {
  let fake: FakeStripe;
  beforeEach(async () => {
    fake = await startFakeStripe({ secretKey: 'sk_test_abc' }); // rejects any other key
  });
  afterEach(async () => {
    await fake.close();
  });

  it('talks to the configured host with the secret key and sends no telemetry', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_abc', host: fake.host, port: fake.port, protocol: 'http' });
    await stripe.customers.list();
    await stripe.customers.list(); // telemetry, when on, rides on the request after the first
    expect(fake.state.requests).toHaveLength(2);
    for (const r of fake.state.requests) {
      expect(r.outcome).toBe(200);
      expect(r.headers['authorization']).toMatch(/^Bearer sk_test_/);
      expect(r.headers['x-stripe-client-telemetry']).toBeUndefined();
      expect(r.headers['stripe-version']).toBe(Stripe.API_VERSION);
    }
  });

  it('(control) the SDK with telemetry on does send the header the test above looks for', async () => {
    const chatty = new Stripe('sk_test_abc', { host: fake.host, port: fake.port, protocol: 'http', telemetry: true });
    await chatty.customers.list();
    await chatty.customers.list();
    expect(fake.state.requests[1]?.headers['x-stripe-client-telemetry']).toBeDefined();
  });

  it('does not retry 5xx or 429 itself (our jobs do)', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_abc', host: fake.host, port: fake.port, protocol: 'http' });
    fake.setFaults({ nextStatuses: [500, 429] });
    await expect(stripe.customers.create({ name: 'x' })).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.customers.create({ name: 'x' })).rejects.toMatchObject({ statusCode: 429 });
    expect(fake.state.requests.map((r) => r.outcome)).toEqual([500, 429]);
  });

  it('refuses to build a client without a key', () => {
    expect(() => createStripeClient({ secretKey: '' })).toThrow(/secretKey/);
  });
});
