import { classifyStripeError, type StripeCallOutcome, type StripeErrorReason } from '../invoicing/classify-stripe-error';
import { METER_EVENT_IDENTIFIER_MAX_LENGTH } from '../invoicing/meter-reports';
import type { StripeClient } from './stripe-client';

/** What sendMeterEvent needs from a MeterReport (see invoicing/meter-reports.ts). */
export interface MeterEventToSend {
  identifier: string;
  eventName: string;
  customerId: string;
  value: bigint;
  /** Unix seconds. */
  timestamp: number;
}

export interface SendMeterEventResult {
  outcome: StripeCallOutcome;
  retryAfterMs?: number;
  /** Why it was not a plain success (absent on success). */
  reason?: StripeErrorReason;
  statusCode?: number;
  message?: string;
}

function assertSendable(report: MeterEventToSend): void {
  if (!report.identifier || report.identifier.length > METER_EVENT_IDENTIFIER_MAX_LENGTH) {
    throw new RangeError(`meter event identifier must be 1..${METER_EVENT_IDENTIFIER_MAX_LENGTH} characters`);
  }
  if (typeof report.value !== 'bigint' || report.value < 0n) {
    throw new RangeError(`meter event value must be a non-negative bigint, got ${String(report.value)}`);
  }
  if (!Number.isSafeInteger(report.timestamp)) throw new RangeError('meter event timestamp must be integer seconds');
  if (!report.eventName || !report.customerId) throw new TypeError('meter event needs eventName and customerId');
}

/**
 * Sends one meter event. The report's identifier is both the meter event `identifier` (Stripe
 * dedupes on it for at least 24 h) and the Idempotency-Key (a retry within 24 h replays the first
 * answer), so a retry after a lost response can never count twice. Stripe errors become an outcome
 * (see classifyStripeError); only an invalid report (a programming error) throws.
 */
export async function sendMeterEvent(stripe: StripeClient, report: MeterEventToSend): Promise<SendMeterEventResult> {
  assertSendable(report);
  try {
    await stripe.billing.meterEvents.create(
      {
        event_name: report.eventName,
        identifier: report.identifier,
        timestamp: report.timestamp,
        payload: { stripe_customer_id: report.customerId, value: report.value.toString() },
      },
      { idempotencyKey: report.identifier },
    );
    return { outcome: 'delivered' };
  } catch (err) {
    const c = classifyStripeError(err);
    const result: SendMeterEventResult = { outcome: c.outcome, reason: c.reason, message: c.message };
    if (c.retryAfterMs !== undefined) result.retryAfterMs = c.retryAfterMs;
    if (c.statusCode !== undefined) result.statusCode = c.statusCode;
    return result;
  }
}
