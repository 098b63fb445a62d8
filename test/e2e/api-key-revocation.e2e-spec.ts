import { http } from '../support/http';
import { Stack, startStack, waitFor } from '../support/stack';
import { addMember, createApiKey, signupOwner } from '../support/tenants';

/**
 * Two real API processes share one database and one Redis. A key revoked through process A must be
 * refused by process B within a second, although B cached it as valid a moment earlier.
 */
describe('API key revocation reaches every API process', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A long cache TTL proves the revocation travels by pub/sub, not by expiry.
    stack = await startStack('revoke', { API_KEY_CACHE_TTL_MS: '600000' });
    await stack.startApi();
    await stack.startApi();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('revoking in process A stops the key in process B in under 1 s', async () => {
    const [a, b] = stack.apis;
    const owner = await signupOwner(a.url, 'rev');
    const member = await addMember(a.url, owner, 'revmember', 'member');
    const key = await createApiKey(a.url, member, { name: 'to revoke' });
    // Warm both caches.
    for (const api of [a, b]) expect((await http(api.url, 'GET', '/v1/key', { apiKey: key.key })).status).toBe(200);

    const revoked = await http(a.url, 'DELETE', `/api-keys/${key.id}`, { token: member.token, headers: { 'x-team-id': member.teamId } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const t0 = performance.now();
    await waitFor(async () => (await http(b.url, 'GET', '/v1/key', { apiKey: key.key })).status === 401, 5_000, 'process B to refuse the key');
    const propagationMs = performance.now() - t0;
    process.stdout.write(`revocation propagation to the second process: ${propagationMs.toFixed(1)} ms\n`);
    expect(propagationMs).toBeLessThan(1000);
    // And it stays refused in both.
    for (const api of [a, b]) expect((await http(api.url, 'GET', '/v1/key', { apiKey: key.key })).status).toBe(401);
  });

  it('removing a member revokes their keys everywhere too', async () => {
    const [a, b] = stack.apis;
    const owner = await signupOwner(a.url, 'rm');
    const member = await addMember(a.url, owner, 'rmmember', 'member');
    const key = await createApiKey(a.url, member, { name: 'goes with the member' });
    expect((await http(b.url, 'GET', '/v1/key', { apiKey: key.key })).status).toBe(200);
    expect((await http(a.url, 'DELETE', `/members/${member.memberId}`, { token: owner.token, headers: { 'x-team-id': owner.teamId } })).status).toBe(200);
    await waitFor(async () => (await http(b.url, 'GET', '/v1/key', { apiKey: key.key })).status === 401, 2_000, 'process B to refuse the removed member key');
  });
});
