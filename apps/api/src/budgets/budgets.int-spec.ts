import { fakeUpstreamBaseUrls, startFakeUpstream, FakeUpstream } from '@tollgate/providers/testing';
import { createHmac } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { waitFor } from '../../../../test/support/stack';
import { Session, addMember, as, createApiKey, signupOwner } from '../../../../test/support/tenants';

describe('budgets: soft alerts, signed webhooks, audit entries (real stack)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let hook: Server;
  const received: Array<{ body: string; signature: string }> = [];
  let owner: Session;
  const SECRET = 'budget-webhook-secret-0123456789';

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-tollgate-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    t = await startTestApp(
      'budgets',
      {
        PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)),
        BUDGET_CHECK_INTERVAL_SECONDS: '1',
        BUDGET_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
        BUDGET_ALERT_WEBHOOK_SECRET: SECRET,
      },
      { withWorker: true },
    );
    owner = await signupOwner(t.url, 'bud');
    await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'k', key: 'sk-budget-alerts-1' } });
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
    hook.close();
  });

  it('validates budgets and keeps them inside the team', async () => {
    const other = await signupOwner(t.url, 'bud-other');
    const otherMember = await addMember(t.url, other, 'bud-om', 'member');
    const bad = await http(t.url, 'POST', '/budgets', { ...as(owner), body: { scope: 'member', memberId: otherMember.memberId, period: 'day', amountNanoUsd: '1000', mode: 'hard' } });
    expect(bad.status).toBe(404);
    expect((await http(t.url, 'POST', '/budgets', { ...as(owner), body: { scope: 'team', period: 'day', amountNanoUsd: '1.5', mode: 'hard' } })).status).toBe(400);
    expect((await http(t.url, 'POST', '/budgets', { ...as(owner), body: { scope: 'team', period: 'week', amountNanoUsd: '10', mode: 'hard' } })).status).toBe(400);
    const member = await addMember(t.url, owner, 'bud-m', 'member');
    expect((await http(t.url, 'GET', '/budgets', as(member))).status).toBe(403);
  });

  it('a soft budget never blocks, alerts once per threshold with a signed webhook and an audit entry', async () => {
    const key = await createApiKey(t.url, owner, { name: 'spender' });
    const b = await http(t.url, 'POST', '/budgets', { ...as(owner), body: { scope: 'api_key', apiKeyId: key.id, period: 'month', amountNanoUsd: '20000', mode: 'soft', alertThresholds: [50, 100] } });
    expect(b.status).toBe(201);
    for (let i = 0; i < 6; i++) {
      const r = await http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `spend a little money please ${i}` }] } });
      expect(r.status).toBe(200);
    }
    const alerts = await waitFor(async () => {
      const mine = received.filter((x) => JSON.parse(x.body).budgetId === b.body.id);
      return mine.length >= 2 ? mine : undefined;
    }, 20_000, 'two alerts');
    await new Promise((r) => setTimeout(r, 2500));
    expect(received.filter((x) => JSON.parse(x.body).budgetId === b.body.id)).toHaveLength(2);
    for (const a of alerts) {
      const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(a.signature) ?? [];
      expect(v1).toBe(createHmac('sha256', SECRET).update(`${t0}.${a.body}`).digest('hex'));
    }
    expect(alerts.map((a) => JSON.parse(a.body).threshold).sort()).toEqual([100, 50]);
    const audit = await http(t.url, 'GET', `/audit-events?filter=${encodeURIComponent(JSON.stringify({ action: 'budget.alert' }))}`, as(owner));
    expect(audit.body.filter((e: { targetId: string }) => e.targetId === b.body.id)).toHaveLength(2);
    const shown = await http(t.url, 'GET', `/budgets/${b.body.id}`, as(owner));
    expect(BigInt(shown.body.spentNanoUsd)).toBeGreaterThanOrEqual(20000n);
  });
});
