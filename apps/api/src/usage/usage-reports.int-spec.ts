import { signWebhook } from '@tollgate/billing/testing';
import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import OpenAI from 'openai';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { waitFor } from '../../../../test/support/stack';
import { Session, addMember, as, createApiKey, login, signupOwner } from '../../../../test/support/tenants';

describe('usage reports, request log, statements, fee plan and invoices (real stack)', () => {
  let t: TestApp;
  let pg: Client;
  let upstream: FakeUpstream;
  let owner: Session;
  let member: Session & { memberId: string };
  let ownerKey: { id: string; key: string };
  let memberKey: { id: string; key: string };
  const WEBHOOK_SECRET = 'whsec_test_123';

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    t = await startTestApp(
      'reports',
      { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), OPERATOR_EMAIL: 'op@example.test', OPERATOR_PASSWORD: 'operator-password-123', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
      { withWorker: true },
    );
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    owner = await signupOwner(t.url, 'rep');
    member = await addMember(t.url, owner, 'repmember', 'member');
    await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'k', key: 'sk-reports-000001' } });
    await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'anthropic', label: 'k', key: 'sk-reports-000002' } });
    ownerKey = await createApiKey(t.url, owner, { name: 'owner key' });
    memberKey = await createApiKey(t.url, member, { name: 'member key' });
    const o = new OpenAI({ apiKey: ownerKey.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const m = new OpenAI({ apiKey: memberKey.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await o.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `owner ${i}` }] });
    for (let i = 0; i < 2; i++) await m.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: `member ${i}` }] });
    await waitFor(async () => (await pg.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE team_id = $1`, [owner.teamId])).rows[0].n === 5, 15_000, 'five ledger rows');
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
    await upstream.close();
  });

  it('daily, by model, by member, by key and totals agree with the ledger', async () => {
    const [ledger] = (await pg.query(`SELECT count(*)::int AS n, sum(cost_nano_usd)::text AS c FROM usage_ledger WHERE team_id = $1`, [owner.teamId])).rows;
    const daily = await http(t.url, 'GET', '/usage/daily', as(owner));
    expect(daily.status).toBe(200);
    expect(daily.body.reduce((s: number, r: { requests: number }) => s + r.requests, 0)).toBe(5);
    const byModel = await http(t.url, 'GET', '/usage/by-model', as(owner));
    expect(byModel.body.map((r: { id: string; requests: number }) => [r.id, r.requests]).sort()).toEqual([
      ['anthropic/claude-haiku-4-5', 2],
      ['openai/gpt-4o-mini', 3],
    ]);
    const byMember = await http(t.url, 'GET', '/usage/by-member', as(owner));
    expect(byMember.body.map((r: { label: string }) => r.label).sort()).toEqual([member.email, owner.email].sort());
    const byKey = await http(t.url, 'GET', '/usage/by-key', as(owner));
    expect(byKey.body).toHaveLength(2);
    const totals = await http(t.url, 'GET', '/usage/totals', as(owner));
    expect(totals.body.requests).toBe(ledger.n);
    expect(totals.body.costNanoUsd).toBe(ledger.c);
    const csv = await http(t.url, 'GET', '/usage/export.csv', as(owner));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toContain('cost_nano_usd');
    expect(csv.text.trim().split('\n')).toHaveLength(3);
  });

  it('a member sees only their own usage and requests', async () => {
    const totals = await http(t.url, 'GET', '/usage/totals', as(member));
    expect(totals.body.requests).toBe(2);
    const reqs = await http(t.url, 'GET', '/requests', as(member));
    expect(reqs.body).toHaveLength(2);
    const ownerReq = (await http(t.url, 'GET', '/requests', as(owner))).body.find((r: { apiKeyId: string }) => r.apiKeyId === ownerKey.id);
    expect((await http(t.url, 'GET', `/requests/${ownerReq.id}`, as(member))).status).toBe(404);
  });

  it('the request log filters, sorts, paginates and shows no bodies', async () => {
    const r = await http(t.url, 'GET', `/requests?range=[0,1]&sort=${encodeURIComponent('["startedAt","ASC"]')}&filter=${encodeURIComponent(JSON.stringify({ model: 'openai/gpt-4o-mini', status: 'success' }))}`, as(owner));
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expect(r.headers.get('content-range')).toBe('requests 0-1/3');
    const one = await http(t.url, 'GET', `/requests/${r.body[0].id}`, as(owner));
    expect(one.body).toEqual(expect.objectContaining({ status: 'success', servedModel: 'gpt-4o-mini', provider: 'openai', attemptCount: 1, estimated: false }));
    expect(one.text).not.toContain('owner 0');
    const other = await signupOwner(t.url, 'rep-other');
    expect((await http(t.url, 'GET', `/requests/${r.body[0].id}`, as(other))).status).toBe(404);
  });

  it('monthly statements total cost and fee by model and member; CSV download', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const list = await http(t.url, 'GET', '/statements', as(owner));
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([month]);
    const s = list.body[0];
    expect(s.requests).toBe(5);
    expect(BigInt(s.totalNanoUsd)).toBe(BigInt(s.costNanoUsd) + BigInt(s.feeNanoUsd));
    expect(s.members).toHaveLength(2);
    const csv = await http(t.url, 'GET', `/statements/${month}/export.csv`, as(owner));
    expect(csv.text).toContain('total');
    expect(csv.headers.get('content-disposition')).toContain(`tollgate-statement-${month}.csv`);
  });

  it('the operator’s fee plan is charged per ledger row, as an integer', async () => {
    const op = await login(t.url, 'op@example.test', 'operator-password-123');
    const plan = await http(t.url, 'PUT', '/billing-plan', { token: op.body.accessToken, body: { feeMicroUsdPerMTok: '500000', markupBasisPoints: 1000 } });
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual(expect.objectContaining({ feeMicroUsdPerMTok: '500000', markupBasisPoints: 1000 }));
    expect((await http(t.url, 'PUT', '/billing-plan', { ...as(owner), body: { feeMicroUsdPerMTok: '0', markupBasisPoints: 0 } })).status).toBe(403);
    // The worker's price book refreshes every 30 s; a fresh app context would see it at once. Wait for a charged row.
    const o = new OpenAI({ apiKey: ownerKey.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const row = await waitFor(async () => {
      const r = await o.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'fee?' }] });
      const id = r.id;
      void id;
      const rows = (await pg.query(`SELECT * FROM usage_ledger WHERE team_id = $1 AND fee_nano_usd > 0 ORDER BY started_at DESC LIMIT 1`, [owner.teamId])).rows;
      return rows[0];
    }, 45_000, 'a row with a fee');
    const tokens = BigInt(row.input_tokens) + BigInt(row.output_tokens);
    const cost = BigInt(row.cost_nano_usd);
    const expected = (tokens * 500000n * 10n + cost * 1000n + 9999n) / 10000n;
    expect(BigInt(row.fee_nano_usd)).toBe(expected);
  }, 60_000);

  it('Stripe webhooks: signature checked on the raw body, events deduplicated, invoices mirrored for the team', async () => {
    await pg.query(`INSERT INTO stripe_customers (team_id, customer_id) VALUES ($1, 'cus_123')`, [owner.teamId]);
    const event = {
      id: 'evt_1',
      object: 'event',
      type: 'invoice.finalized',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: 'in_1',
          object: 'invoice',
          customer: 'cus_123',
          status: 'open',
          amount_due: 1234,
          amount_paid: 0,
          currency: 'usd',
          period_start: Math.floor(Date.now() / 1000) - 86400,
          period_end: Math.floor(Date.now() / 1000),
          hosted_invoice_url: 'https://invoice.stripe.com/i/test',
          lines: { data: [] },
        },
      },
    };
    const raw = JSON.stringify(event);
    const post = (body: string, sig: string) => fetch(`${t.url}/billing/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': sig }, body });
    expect((await post(raw, signWebhook(raw, 'wrong-secret'))).status).toBe(400);
    expect((await post(raw.replace('1234', '9999'), signWebhook(raw, WEBHOOK_SECRET))).status).toBe(400);
    expect((await post(raw, signWebhook(raw, WEBHOOK_SECRET))).status).toBe(200);
    expect((await post(raw, signWebhook(raw, WEBHOOK_SECRET))).status).toBe(200);
    const invoices = await http(t.url, 'GET', '/invoices', as(owner));
    expect(invoices.body).toEqual([expect.objectContaining({ stripeInvoiceId: 'in_1', status: 'open', amountDueCents: '1234', hostedInvoiceUrl: 'https://invoice.stripe.com/i/test' })]);
    const paid = JSON.stringify({ ...event, id: 'evt_2', type: 'invoice.paid', created: event.created + 5, data: { object: { ...event.data.object, status: 'paid', amount_paid: 1234 } } });
    expect((await post(paid, signWebhook(paid, WEBHOOK_SECRET))).status).toBe(200);
    expect((await http(t.url, 'GET', '/invoices', as(owner))).body[0]).toEqual(expect.objectContaining({ status: 'paid', amountPaidCents: '1234' }));
    const other = await signupOwner(t.url, 'inv-other');
    expect((await http(t.url, 'GET', '/invoices', as(other))).body).toEqual([]);
  });
});
