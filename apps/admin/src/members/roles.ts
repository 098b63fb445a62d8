import type { ChipProps } from '@mui/material';

export const roleChoices = [
  { id: 'owner', name: 'Owner' },
  { id: 'admin', name: 'Admin' },
  { id: 'member', name: 'Member' },
];

export const roleColors: Record<string, NonNullable<ChipProps['color']>> = {
  owner: 'primary',
  admin: 'secondary',
  member: 'default',
};
