import Stripe from 'stripe';
import { classifyStripeError, isDuplicateIdentifierError, parseRetryAfterMs } from './classify-stripe-error';

const raw = (statusCode: number, extra: Record<string, unknown> = {}): Stripe.StripeRawError =>
  ({
    statusCode,
    type: 'invalid_request_error',
    message: 'x',
    headers: {},
    ...extra,
  }) as Stripe.StripeRawError;

describe('classifyStripeError', () => {
  it('treats the duplicate-identifier 400 as delivered', () => {
    const err = new Stripe.errors.StripeInvalidRequestError(raw(400, { message: 'An event already exists with identifier tg:a:b:c.', param: 'identifier' }));
    expect(classifyStripeError(err)).toMatchObject({ outcome: 'delivered', reason: 'duplicate_identifier', statusCode: 400 });
    expect(isDuplicateIdentifierError({ statusCode: 400, code: 'resource_already_exists', param: 'identifier', message: '' })).toBe(true);
    // Same words on another status, or another 400, are not a duplicate.
    expect(classifyStripeError({ statusCode: 500, message: 'An event already exists with identifier x' }).outcome).toBe('retry');
    expect(classifyStripeError(new Stripe.errors.StripeInvalidRequestError(raw(400, { message: 'Missing required param: event_name.' }))).outcome).toBe('fatal');
  });

  it('retries rate limits and passes the Retry-After hint on', () => {
    const err = new Stripe.errors.StripeRateLimitError(raw(429, { code: 'rate_limit', headers: { 'retry-after': '2' } }));
    expect(classifyStripeError(err)).toEqual({ outcome: 'retry', reason: 'rate_limited', retryAfterMs: 2000, statusCode: 429, code: 'rate_limit', message: 'x' });
    expect(classifyStripeError({ statusCode: 400, code: 'rate_limit', message: 'slow down' })).toMatchObject({ outcome: 'retry', reason: 'rate_limited' });
    expect(classifyStripeError(raw(429)).retryAfterMs).toBeUndefined();
  });

  it('retries 5xx, 409 and 408', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(classifyStripeError(new Stripe.errors.StripeAPIError(raw(status, { type: 'api_error' })))).toMatchObject({ outcome: 'retry', reason: 'server_error' });
    }
    expect(classifyStripeError(raw(409)).outcome).toBe('retry');
    expect(classifyStripeError(raw(408)).outcome).toBe('retry');
  });

  it('retries connection errors and timeouts', () => {
    const conn = new Stripe.errors.StripeConnectionError({ message: 'An error occurred with our connection to Stripe.', detail: { code: 'ECONNRESET' } });
    expect(classifyStripeError(conn)).toMatchObject({ outcome: 'retry', reason: 'connection' });
    expect(classifyStripeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ outcome: 'retry', reason: 'connection' });
    expect(classifyStripeError(new Error('weird'))).toMatchObject({ outcome: 'retry', reason: 'unknown', message: 'weird' });
    expect(classifyStripeError('boom')).toMatchObject({ outcome: 'retry', message: 'boom' });
  });

  it('is fatal for other 4xx: auth, permissions, missing objects, reused idempotency keys, bad timestamps', () => {
    expect(classifyStripeError(new Stripe.errors.StripeAuthenticationError(raw(401)))).toMatchObject({ outcome: 'fatal', reason: 'client_error' });
    expect(classifyStripeError(new Stripe.errors.StripePermissionError(raw(403))).outcome).toBe('fatal');
    expect(classifyStripeError(raw(404, { code: 'resource_missing' })).outcome).toBe('fatal');
    expect(classifyStripeError(new Stripe.errors.StripeIdempotencyError(raw(400, { type: 'idempotency_error' }))).outcome).toBe('fatal');
    expect(classifyStripeError(raw(400, { param: 'timestamp', message: 'Timestamp must be within the past 35 calendar days' })).outcome).toBe('fatal');
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    expect(parseRetryAfterMs(['7'])).toBe(7000);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfterMs('Mon, 23 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});
