import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { Session, addMember, as, createApiKey, login, signupOwner } from '../../../../test/support/tenants';

/**
 * Cross-tenant and role matrices. Team A's admin session and member key go after team B's records
 * every way we can think of: always 404 (or 401 for the gateway), and B's rows never change.
 */
describe('tenant isolation and roles (real Postgres + Redis)', () => {
  let t: TestApp;
  let pg: Client;
  let aOwner: Session;
  let aAdmin: Session & { memberId: string };
  let aMember: Session & { memberId: string };
  let bOwner: Session;
  let bMember: Session & { memberId: string };
  let bKey: { id: string; key: string };
  let aKey: { id: string; key: string };
  let bInvitationId: string;
  let snapshotB: string;

  async function snapshot(teamId: string): Promise<string> {
    const tables = ['teams', 'memberships', 'invitations', 'api_keys'];
    const parts: unknown[] = [];
    for (const table of tables) {
      const col = table === 'teams' ? 'id' : 'team_id';
      const r = await pg.query(`SELECT * FROM ${table} WHERE ${col} = $1 ORDER BY id`, [teamId]);
      parts.push(r.rows.map((row) => ({ ...row, last_used_at: null })));
    }
    return JSON.stringify(parts);
  }

  beforeAll(async () => {
    t = await startTestApp('tenancy', { OPERATOR_EMAIL: 'operator@example.test', OPERATOR_PASSWORD: 'operator-password-123' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    aOwner = await signupOwner(t.url, 'aowner');
    aAdmin = await addMember(t.url, aOwner, 'aadmin', 'admin');
    aMember = await addMember(t.url, aOwner, 'amember', 'member');
    bOwner = await signupOwner(t.url, 'bowner');
    bMember = await addMember(t.url, bOwner, 'bmember', 'member');
    bKey = await createApiKey(t.url, bMember, { name: 'b key' });
    aKey = await createApiKey(t.url, aMember, { name: 'a key' });
    const inv = await http(t.url, 'POST', '/invitations', { ...as(bOwner), body: { email: 'pending@example.test', role: 'member' } });
    bInvitationId = inv.body.id;
    snapshotB = await snapshot(bOwner.teamId);
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  describe('cross-tenant matrix: team A admin against team B', () => {
    const cases: Array<[string, string, () => string, unknown]> = [
      ['GET', 'team', () => `/teams/${bOwner.teamId}`, undefined],
      ['PUT', 'team', () => `/teams/${bOwner.teamId}`, { name: 'pwned' }],
      ['DELETE', 'team', () => `/teams/${bOwner.teamId}`, undefined],
      ['GET', 'member', () => `/members/${bMember.memberId}`, undefined],
      ['PUT', 'member', () => `/members/${bMember.memberId}`, { role: 'owner' }],
      ['DELETE', 'member', () => `/members/${bMember.memberId}`, undefined],
      ['GET', 'invitation', () => `/invitations/${bInvitationId}`, undefined],
      ['DELETE', 'invitation', () => `/invitations/${bInvitationId}`, undefined],
      ['GET', 'api key', () => `/api-keys/${bKey.id}`, undefined],
      ['PUT', 'api key', () => `/api-keys/${bKey.id}`, { name: 'pwned', modelAllowlist: [] }],
      ['DELETE', 'api key', () => `/api-keys/${bKey.id}`, undefined],
    ];

    it.each(cases)('%s %s of team B by id is 404', async (method, _what, path, body) => {
      const r = await http(t.url, method, path(), { ...as(aAdmin), body });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });

    it('selecting team B with X-Team-Id is 404 for every resource and method', async () => {
      for (const [method, path] of [
        ['GET', '/members'],
        ['GET', '/invitations'],
        ['GET', '/api-keys'],
        ['GET', '/audit-events'],
        ['POST', '/invitations'],
        ['POST', '/api-keys'],
        ['GET', `/members/${bMember.memberId}`],
        ['DELETE', `/api-keys/${bKey.id}`],
      ]) {
        const r = await http(t.url, method, path, { ...as(aAdmin, bOwner.teamId), body: method === 'POST' ? { email: 'x@example.test', role: 'owner', name: 'x' } : undefined });
        expect([path, r.status]).toEqual([path, 404]);
      }
    });

    it('list filters naming team B ids return nothing', async () => {
      const f = (o: unknown) => `?filter=${encodeURIComponent(JSON.stringify(o))}`;
      for (const path of [
        `/teams${f({ id: [bOwner.teamId] })}`,
        `/members${f({ id: [bMember.memberId] })}`,
        `/invitations${f({ id: [bInvitationId] })}`,
        `/api-keys${f({ id: [bKey.id] })}`,
        `/api-keys${f({ memberId: bMember.memberId })}`,
        `/audit-events${f({ teamId: bOwner.teamId })}`,
      ]) {
        const r = await http(t.url, 'GET', path, as(aAdmin));
        expect([path, r.status, r.body]).toEqual([path, 200, []]);
      }
    });

    it('ids of team B inside bodies change nothing in B (admin creates a key "for" a B member)', async () => {
      const r = await http(t.url, 'POST', '/api-keys', { ...as(aAdmin), body: { name: 'x', memberId: bMember.memberId } });
      expect(r.status).toBe(404);
    });

    it('teamId in a body is refused, not obeyed', async () => {
      const r = await http(t.url, 'POST', '/api-keys', { ...as(aAdmin), body: { name: 'x', teamId: bOwner.teamId } });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('teamId');
      const inv = await http(t.url, 'POST', '/invitations', { ...as(aAdmin), body: { email: 'y@example.test', role: 'member', teamId: bOwner.teamId } });
      expect(inv.status).toBe(400);
    });

    it("team A's member key cannot act on team B", async () => {
      const info = await http(t.url, 'GET', '/v1/key', { apiKey: aKey.key });
      expect(info.status).toBe(200);
      expect(info.body.teamId).toBe(aOwner.teamId);
      // Console routes do not accept API keys at all.
      expect((await http(t.url, 'GET', `/api-keys/${bKey.id}`, { apiKey: aKey.key })).status).toBe(401);
      expect((await http(t.url, 'DELETE', `/api-keys/${bKey.id}`, { apiKey: aKey.key, headers: { 'x-team-id': bOwner.teamId } })).status).toBe(401);
    });

    it("team B's rows are unchanged after all of the above", async () => {
      expect(await snapshot(bOwner.teamId)).toBe(snapshotB);
    });
  });

  describe('role matrix', () => {
    it('a member cannot do admin actions (403)', async () => {
      for (const [method, path, body] of [
        ['GET', '/members', undefined],
        ['PUT', `/members/${aAdmin.memberId}`, { role: 'member' }],
        ['DELETE', `/members/${aAdmin.memberId}`, undefined],
        ['GET', '/invitations', undefined],
        ['POST', '/invitations', { email: 'z@example.test', role: 'member' }],
        ['GET', '/audit-events', undefined],
        ['PUT', `/teams/${aOwner.teamId}`, { name: 'renamed by member' }],
        ['POST', '/teams', { name: 'new' }],
        ['POST', '/api-keys', { name: 'for someone else', memberId: aAdmin.memberId }],
      ] as const) {
        const r = await http(t.url, method, path, { ...as(aMember), body });
        expect([method, path, r.status]).toEqual([method, path, 403]);
      }
    });

    it('a member sees only their own API keys; an admin sees all of the team', async () => {
      const own = await http(t.url, 'GET', '/api-keys', as(aMember));
      expect(own.body.map((k: { id: string }) => k.id)).toEqual([aKey.id]);
      const adminKey = await createApiKey(t.url, aAdmin, { name: 'admin key' });
      expect((await http(t.url, 'GET', `/api-keys/${adminKey.id}`, as(aMember))).status).toBe(404);
      const all = await http(t.url, 'GET', '/api-keys', as(aAdmin));
      expect(all.body.map((k: { id: string }) => k.id).sort()).toEqual([aKey.id, adminKey.id].sort());
    });

    it('an admin cannot make anyone owner or touch an owner; an owner can', async () => {
      expect((await http(t.url, 'PUT', `/members/${aMember.memberId}`, { ...as(aAdmin), body: { role: 'owner' } })).status).toBe(403);
      const owners = await http(t.url, 'GET', `/members?filter=${encodeURIComponent(JSON.stringify({ role: 'owner' }))}`, as(aAdmin));
      expect(owners.body).toHaveLength(1);
      expect((await http(t.url, 'DELETE', `/members/${owners.body[0].id}`, as(aAdmin))).status).toBe(403);
      expect((await http(t.url, 'POST', '/invitations', { ...as(aAdmin), body: { email: 'o@example.test', role: 'owner' } })).status).toBe(403);
      const promoted = await http(t.url, 'PUT', `/members/${aMember.memberId}`, { ...as(aOwner), body: { role: 'admin' } });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('admin');
      await http(t.url, 'PUT', `/members/${aMember.memberId}`, { ...as(aOwner), body: { role: 'member' } });
    });

    it('the last owner cannot be demoted or removed', async () => {
      const owners = await http(t.url, 'GET', `/members?filter=${encodeURIComponent(JSON.stringify({ role: 'owner' }))}`, as(aOwner));
      const r = await http(t.url, 'PUT', `/members/${owners.body[0].id}`, { ...as(aOwner), body: { role: 'admin' } });
      expect(r.status).toBe(409);
      expect((await http(t.url, 'DELETE', `/members/${owners.body[0].id}`, as(aOwner))).status).toBe(409);
    });

    it('role and teamId in bodies cannot escalate', async () => {
      const r = await http(t.url, 'POST', '/api-keys', { ...as(aMember), body: { name: 'x', role: 'owner' } });
      expect(r.status).toBe(400);
      const signup = await http(t.url, 'POST', '/auth/signup', { body: { email: 'esc@example.test', password: 'long enough password', name: 'e', teamName: 't', isOperator: true } });
      expect(signup.status).toBe(400);
      const me = await http(t.url, 'GET', '/auth/me', { token: aMember.token });
      expect(me.body.isOperator).toBe(false);
      expect(me.body.memberships[0].role).toBe('member');
    });

    it('an admin cannot touch another team, the operator can', async () => {
      expect((await http(t.url, 'GET', '/members', as(aAdmin, bOwner.teamId))).status).toBe(404);
      const op = await login(t.url, 'operator@example.test', 'operator-password-123');
      const opSession = { token: op.body.accessToken as string };
      const teams = await http(t.url, 'GET', '/teams?range=[0,99]', opSession);
      expect(teams.body.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([aOwner.teamId, bOwner.teamId]));
      expect(Number(teams.headers.get('content-range')?.split('/')[1])).toBeGreaterThanOrEqual(2);
      const bMembers = await http(t.url, 'GET', '/members', { ...opSession, headers: { 'x-team-id': bOwner.teamId } });
      expect(bMembers.status).toBe(200);
      expect(bMembers.body).toHaveLength(2);
      const allAudit = await http(t.url, 'GET', '/audit-events?range=[0,499]', opSession);
      expect(new Set(allAudit.body.map((e: { teamId: string }) => e.teamId))).toEqual(expect.objectContaining({}));
    });
  });

  describe('react-admin list dialect', () => {
    it('paginates, sorts and reports Content-Range', async () => {
      for (let i = 0; i < 3; i++) await createApiKey(t.url, aOwner, { name: `page-${i}` });
      const r = await http(t.url, 'GET', `/api-keys?range=[0,1]&sort=${encodeURIComponent('["name","ASC"]')}`, as(aOwner));
      expect(r.status).toBe(200);
      expect(r.body).toHaveLength(2);
      const [, total] = (r.headers.get('content-range') ?? '').split('/');
      expect(r.headers.get('content-range')).toMatch(/^api-keys 0-1\/\d+$/);
      expect(Number(total)).toBeGreaterThanOrEqual(5);
      const names = r.body.map((k: { name: string }) => k.name);
      expect([...names].sort()).toEqual(names);
    });

    it('rejects bad list parameters with a clear 400', async () => {
      for (const qs of ['range=[5,1]', 'range=oops', 'sort=["secretHash","ASC"]', 'filter={"secretHash":"x"}', 'filter=[1]']) {
        const r = await http(t.url, 'GET', `/api-keys?${qs}`, as(aOwner));
        expect([qs, r.status]).toEqual([qs, 400]);
        expect(r.body.error.type).toBe('invalid_request_error');
      }
    });

    it('accepts the whole record back on update (react-admin sends it) and ignores read-only fields', async () => {
      const key = await createApiKey(t.url, aOwner, { name: 'edit me' });
      const current = await http(t.url, 'GET', `/api-keys/${key.id}`, as(aOwner));
      const r = await http(t.url, 'PUT', `/api-keys/${key.id}`, { ...as(aOwner), body: { ...current.body, name: 'edited', prefix: 'hijack', revokedAt: null } });
      expect(r.status).toBe(200);
      expect(r.body.name).toBe('edited');
      expect(r.body.prefix).toBe(key.prefix);
    });
  });
});
