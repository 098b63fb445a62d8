import { ApiKey } from '../api-keys/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { Invitation } from '../invitations/invitation.entity';
import { Membership } from '../members/membership.entity';
import { ProviderKey } from '../provider-keys/provider-key.entity';
import { Team } from '../teams/team.entity';
import { User } from '../users/user.entity';

/** Every entity, listed explicitly (no globs: the compiled and test layouts differ). */
export const ENTITIES = [AuditEvent, User, Team, Membership, Invitation, ApiKey, RefreshToken, ProviderKey];
