import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { PASSWORD, login, signupOwner, uniqueEmail } from '../../../../test/support/tenants';
import { UNAUTHORIZED_BODY } from '../common/api-error';

describe('console auth (real Postgres + Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('auth', { LOGIN_MAX_FAILURES: '3', OPERATOR_EMAIL: 'op@example.test', OPERATOR_PASSWORD: 'operator-password-123' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('signup creates a user who owns a new team, and logs them in', async () => {
    const s = await signupOwner(t.url, 'signup');
    const me = await http(t.url, 'GET', '/auth/me', { token: s.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: s.userId, email: s.email, name: 'signup', isOperator: false, memberships: [{ teamId: s.teamId, teamName: 'signup team', role: 'owner' }] });
    expect(JSON.stringify(me.body)).not.toMatch(/password|hash/i);
  });

  it('signup refuses a duplicate email and a weak password', async () => {
    const s = await signupOwner(t.url, 'dup');
    const again = await http(t.url, 'POST', '/auth/signup', { body: { email: s.email.toUpperCase(), password: PASSWORD, name: 'x', teamName: 'y' } });
    expect(again.status).toBe(409);
    const weak = await http(t.url, 'POST', '/auth/signup', { body: { email: uniqueEmail('weak'), password: 'short', name: 'x', teamName: 'y' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toEqual({ message: expect.stringContaining('password'), type: 'invalid_request_error', code: 'invalid_request' });
  });

  it('login works with the right password only; every failure has the same body', async () => {
    const s = await signupOwner(t.url, 'login');
    const ok = await login(t.url, s.email);
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    const wrong = await login(t.url, s.email, 'not the password');
    const unknown = await login(t.url, uniqueEmail('nobody'));
    const missing = await http(t.url, 'POST', '/auth/login', { body: {} });
    const weird = await http(t.url, 'POST', '/auth/login', { body: { email: { $ne: null }, password: ['x'] } });
    for (const r of [wrong, unknown, missing, weird]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(UNAUTHORIZED_BODY);
    }
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const s = await signupOwner(t.url, 'lock');
    for (let i = 0; i < 3; i++) expect((await login(t.url, s.email, 'wrong password!')).status).toBe(401);
    const right = await login(t.url, s.email);
    expect(right.status).toBe(401);
    expect(right.body).toEqual(UNAUTHORIZED_BODY);
  });

  it('refresh tokens rotate; reusing an old one revokes the whole session', async () => {
    const s = await signupOwner(t.url, 'refresh');
    const r1 = await http(t.url, 'POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    expect((await http(t.url, 'GET', '/auth/me', { token: r1.body.accessToken })).status).toBe(200);
    // Replay of the first token: theft signal. The newer token and the access token die too.
    const replay = await http(t.url, 'POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(replay.status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })).status).toBe(401);
    expect((await http(t.url, 'GET', '/auth/me', { token: r1.body.accessToken })).status).toBe(401);
  });

  it('logout revokes the access token and the refresh token at once', async () => {
    const s = await signupOwner(t.url, 'logout');
    expect((await http(t.url, 'POST', '/auth/logout', { token: s.token, body: {} })).status).toBe(204);
    expect((await http(t.url, 'GET', '/auth/me', { token: s.token })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
  });

  it('malformed, SQL-looking and oversized Authorization values all get the identical 401', async () => {
    const values = [
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      "Bearer ' OR 1=1 --",
      'Bearer tg_000000000000_' + "'; DROP TABLE api_keys; --",
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'Bearer ' + 'A'.repeat(8000),
      'Bearer a.b.c',
      '\u00e9\u00e9',
    ];
    const bodies = new Set<string>();
    for (const v of values) {
      for (const path of ['/auth/me', '/teams', '/v1/key']) {
        const r = await fetch(`${t.url}${path}`, { headers: { authorization: Buffer.from(v, 'latin1').toString('latin1') } });
        expect(r.status).toBe(401);
        bodies.add(await r.text());
      }
      const viaHeader = await fetch(`${t.url}/v1/key`, { headers: { 'x-api-key': v.replace(/^Bearer ?/, '') || 'x' } });
      expect(viaHeader.status).toBe(401);
      bodies.add(await viaHeader.text());
    }
    expect([...bodies]).toEqual([JSON.stringify(UNAUTHORIZED_BODY)]);
  });

  it('an unsigned (alg none) or foreign-signed token is refused', async () => {
    const s = await signupOwner(t.url, 'forge');
    const [h, p] = s.token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), op: true })).toString('base64url')}.${s.token.split('.')[2]}`;
    for (const token of [none, tampered]) expect((await http(t.url, 'GET', '/auth/me', { token })).status).toBe(401);
  });

  it('the operator from env can log in and is marked as operator', async () => {
    const r = await login(t.url, 'op@example.test', 'operator-password-123');
    expect(r.status).toBe(200);
    expect(r.body.user.isOperator).toBe(true);
  });
});
