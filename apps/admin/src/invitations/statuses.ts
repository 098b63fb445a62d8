import type { ChipProps } from '@mui/material';

export const invitationStatusChoices = [
  { id: 'pending', name: 'Pending' },
  { id: 'accepted', name: 'Accepted' },
  { id: 'revoked', name: 'Revoked' },
  { id: 'expired', name: 'Expired' },
];

export const invitationStatusColors: Record<string, NonNullable<ChipProps['color']>> = {
  pending: 'info',
  accepted: 'success',
  revoked: 'default',
  expired: 'warning',
};
