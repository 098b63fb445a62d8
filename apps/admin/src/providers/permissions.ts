import type { TeamRole } from './session';

export interface Permissions {
  isOperator: boolean;
  /** Role in the selected team; null when not a member of it. */
  role: TeamRole | null;
}

type Action = 'list' | 'show' | 'create' | 'edit' | 'delete' | 'export' | 'clone' | string;

const everyone: Record<string, readonly Action[]> = {
  'api-keys': ['list', 'show', 'create', 'delete'],
  // The API narrows members to their own requests.
  requests: ['list', 'show'],
  prices: ['list', 'show'],
};

const teamAdmins: Record<string, readonly Action[]> = {
  'api-keys': ['list', 'show', 'create', 'delete'],
  // Owners and admins reach their own team's settings from the dashboard; only operators list all teams.
  teams: ['show', 'edit'],
  members: ['list', 'show', 'edit', 'delete'],
  invitations: ['list', 'show', 'create', 'delete'],
  'provider-keys': ['list', 'show', 'create', 'edit', 'delete'],
  'audit-events': ['list', 'show'],
  requests: ['list', 'show'],
  prices: ['list', 'show'],
  usage: ['list', 'export'],
  budgets: ['list', 'show', 'create', 'edit', 'delete'],
  routes: ['list', 'show', 'create', 'edit', 'delete'],
  statements: ['list', 'show', 'export'],
  invoices: ['list', 'show'],
};

/**
 * What the console offers each role. The API enforces the same rules; this only decides what to show.
 * Operators see everything (billing plan and all teams included), owners/admins their team, members their own
 * API keys, their own requests and the price list.
 */
export function canAccessResource(permissions: Permissions, resource: string, action: Action): boolean {
  if (permissions.isOperator) return true;
  if (!permissions.role) return false;
  const table = permissions.role === 'member' ? everyone : teamAdmins;
  return table[resource]?.includes(action) ?? false;
}

export function isTeamAdmin(permissions: Permissions): boolean {
  return permissions.isOperator || permissions.role === 'owner' || permissions.role === 'admin';
}
