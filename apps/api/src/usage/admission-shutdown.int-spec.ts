import { fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { as, createApiKey, signupOwner } from '../../../../test/support/tenants';
import { RedisClient } from '../common/redis-client';

/** Its own file: the API under test is closed inside the test, and Jest gives one app per file. */
describe('admission: allowance held at shutdown goes back (real Postgres, Redis)', () => {
  it('closing the API gives back what it held: the RPM counter ends at the request count', async () => {
    const upstream = await startFakeUpstream();
    // A hold far longer than the test: only the shutdown can give the allowance back.
    const t = await startTestApp('admission-close', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), ADMISSION_LEASE_REQUESTS: '8', ADMISSION_LEASE_MS: '60000' });
    const redis = t.app.get(RedisClient);
    const probe = redis.duplicate('admission-close-probe');
    let closed = false;
    try {
      const owner = await signupOwner(t.url, 'close');
      expect((await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'k', key: 'sk-close-000001' } })).status).toBe(201);
      const key = await createApiKey(t.url, owner, { name: 'close' });
      const r = await http(t.url, 'POST', '/rate-limits', { ...as(owner), body: { scope: 'api_key', apiKeyId: key.id, rpm: 1_000_000 } });
      expect(r.status).toBe(201);
      const s = new Date().getUTCSeconds();
      if (s > 50) await new Promise((done) => setTimeout(done, (61 - s) * 1000));
      const N = 3;
      for (let i = 0; i < N; i++) {
        const res = await http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] } });
        expect(res.status).toBe(200);
      }
      const rpmKey = redis.key('rpm', r.body.id as string, String(Math.floor(Date.now() / 60_000)));
      // The first request was decided in Redis and granted 8 more; the next two took from them.
      expect(Number(await probe.get(rpmKey))).toBe(1 + 8);
      await t.close();
      closed = true;
      expect(Number(await probe.get(rpmKey))).toBe(N);
    } finally {
      probe.disconnect();
      if (!closed) await t.close();
      await upstream.close();
    }
  });
});
