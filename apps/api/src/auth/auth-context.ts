import type { TeamRole } from '../members/membership.entity';

/** Who is calling, decided once per request by the global guard. */
export type AuthContext = UserAuthContext | ApiKeyAuthContext;

export interface UserAuthContext {
  kind: 'user';
  userId: string;
  email: string;
  isOperator: boolean;
  sessionId: string;
  /** The team this request acts on (X-Team-Id, or the user's first team); null if none. */
  teamId: string | null;
  /** The caller's role in that team; operators act as owners everywhere. */
  role: TeamRole | null;
  /** The caller's membership in that team (null for an operator who is not a member). */
  membershipId: string | null;
}

export interface ApiKeyAuthContext {
  kind: 'apiKey';
  apiKeyId: string;
  prefix: string;
  teamId: string;
  userId: string;
  membershipId: string;
  role: TeamRole;
  modelAllowlist: string[] | null;
}

export interface RequestWithAuth {
  auth?: AuthContext;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  id?: string;
}
