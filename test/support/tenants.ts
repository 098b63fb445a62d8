import { randomBytes } from 'node:crypto';
import { http } from './http';

export const PASSWORD = 'correct horse battery staple';

export interface Session {
  userId: string;
  email: string;
  token: string;
  refreshToken: string;
  teamId: string;
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

/** Signs up a new user who owns a new team. */
export async function signupOwner(url: string, label: string): Promise<Session> {
  const email = uniqueEmail(label);
  const res = await http(url, 'POST', '/auth/signup', { body: { email, password: PASSWORD, name: label, teamName: `${label} team` } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return { userId: res.body.user.id, email, token: res.body.accessToken, refreshToken: res.body.refreshToken, teamId: res.body.user.memberships[0].teamId };
}

/** Invites `label` into the owner's team with a role and accepts; returns the new member's session. */
export async function addMember(url: string, owner: Session, label: string, role: 'owner' | 'admin' | 'member'): Promise<Session & { memberId: string }> {
  const email = uniqueEmail(label);
  const inv = await http(url, 'POST', '/invitations', { token: owner.token, headers: { 'x-team-id': owner.teamId }, body: { email, role } });
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${inv.text}`);
  const acc = await http(url, 'POST', '/invitations/accept', { body: { token: inv.body.token, password: PASSWORD, name: label } });
  if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${acc.text}`);
  const members = await http(url, 'GET', `/members?filter=${encodeURIComponent(JSON.stringify({ email }))}`, { token: owner.token, headers: { 'x-team-id': owner.teamId } });
  return { userId: acc.body.user.id, email, token: acc.body.accessToken, refreshToken: acc.body.refreshToken, teamId: owner.teamId, memberId: members.body[0].id };
}

export async function login(url: string, email: string, password = PASSWORD): Promise<{ status: number; body: any }> {
  const res = await http(url, 'POST', '/auth/login', { body: { email, password } });
  return { status: res.status, body: res.body };
}

export async function createApiKey(url: string, s: Session, body: Record<string, unknown> = { name: 'k' }): Promise<{ id: string; key: string; prefix: string }> {
  const res = await http(url, 'POST', '/api-keys', { token: s.token, headers: { 'x-team-id': s.teamId }, body });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Headers for a console call acting on a team. */
export function as(s: Session, teamId = s.teamId): { token: string; headers: Record<string, string> } {
  return { token: s.token, headers: { 'x-team-id': teamId } };
}
