#!/usr/bin/env node
// `npm run smoke:stripe`: the Stripe code against REAL Stripe test mode, by hand, never in CI.
// Needs STRIPE_SMOKE_SECRET_KEY (an sk_test_/rk_test_ key); without it, it does nothing and says so.
// STRIPE_SMOKE_API_BASE_URL (optional) points it elsewhere, e.g. at the local fake to check the script.
// Bootstrap twice (the second run must change nothing), a customer with a usage-only subscription
// (a fixed smoke team id, so repeated runs reuse it), one meter event sent twice (the repeat must
// count as delivered), and a meter event summary read.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { buildApi } from './lib/build.mjs';
import { ROOT, log } from './lib/proc.mjs';

const key = process.env.STRIPE_SMOKE_SECRET_KEY;
if (!key) {
  log('smoke:stripe: STRIPE_SMOKE_SECRET_KEY is not set; nothing was run (this is not a test failure or a skipped test)');
  process.exit(0);
}
if (!/^(sk|rk)_test_/.test(key)) {
  log('smoke:stripe: refusing a key that is not a test-mode key (sk_test_... or rk_test_...)');
  process.exit(2);
}

buildApi();
const require = createRequire(import.meta.url);
const billing = require(resolve(ROOT, 'dist/libs/billing/src/index.js'));
const opts = { secretKey: key, timeoutMs: 30_000 };
if (process.env.STRIPE_SMOKE_API_BASE_URL) {
  const u = new URL(process.env.STRIPE_SMOKE_API_BASE_URL);
  Object.assign(opts, { protocol: u.protocol === 'http:' ? 'http' : 'https', host: u.hostname, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)) });
}
const stripe = billing.createStripeClient(opts);
const feePlan = { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 1000 };
const check = (ok, what) => {
  if (!ok) throw new Error(`smoke:stripe: FAILED: ${what}`);
  log(`smoke:stripe: ok: ${what}`);
};

try {
  const first = await billing.bootstrapStripeBilling(stripe, { feePlan });
  log(`smoke:stripe: bootstrap: ${first.changes.length ? first.changes.join('; ') : 'nothing to change'}`);
  const second = await billing.bootstrapStripeBilling(stripe, { feePlan });
  check(second.changes.length === 0 && JSON.stringify(second.ids) === JSON.stringify(first.ids), 'a second bootstrap changes nothing');

  const team = await billing.ensureCustomerAndSubscription(stripe, { teamId: 'tollgate-smoke-team', teamName: 'Tollgate smoke test', prices: first.priceIds, customerLookup: 'list' });
  const sub = await stripe.subscriptions.retrieve(team.subscriptionId);
  check(sub.items.data.every((i) => i.price.recurring?.usage_type === 'metered'), `subscription ${sub.id} holds metered items only`);

  const hourStart = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const report = {
    identifier: `${billing.meterEventIdentifier(billing.TOKENS_METER_EVENT_NAME, 'tollgate-smoke-team', hourStart)}:smoke${Date.now()}`,
    eventName: billing.TOKENS_METER_EVENT_NAME,
    customerId: team.customerId,
    value: 1234n,
    timestamp: Math.floor(hourStart.getTime() / 1000),
  };
  const sent = await billing.sendMeterEvent(stripe, report);
  check(sent.outcome === 'delivered', `meter event ${report.identifier} delivered`);
  const again = await billing.sendMeterEvent(stripe, report);
  check(again.outcome === 'delivered', `the same identifier again counts as delivered (${again.reason ?? 'idempotent replay'})`);

  const start = Math.floor(hourStart.getTime() / 1000);
  const summaries = await stripe.billing.meters.listEventSummaries(first.ids.tokensMeterId, { customer: team.customerId, start_time: start, end_time: start + 3600 });
  log(`smoke:stripe: event summary for the hour (eventually consistent, may lag): ${summaries.data.map((s) => s.aggregated_value).join(', ') || 'none yet'}`);
  log('smoke:stripe: passed');
} catch (err) {
  log(`smoke:stripe: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
