import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { CreateButton, useCanAccess, useResourceContext } from 'react-admin';

export interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  description: ReactNode;
  /** Label of the create button; omit for list-only resources. */
  createLabel?: string;
  /** Extra actions, e.g. a link to another resource. */
  actions?: ReactNode;
}

/** The list's `empty` view: says what the page is for and what to do next. */
export const EmptyState = ({ icon, title, description, createLabel, actions }: EmptyStateProps) => {
  const resource = useResourceContext();
  const { canAccess: canCreate } = useCanAccess({ resource: resource ?? '', action: 'create' });
  return (
    <Box sx={{ textAlign: 'center', mt: 6, mx: 'auto', maxWidth: 520, px: 2 }} data-testid="empty-state">
      <Box sx={{ color: 'text.disabled', '& svg': { fontSize: 72 } }}>{icon}</Box>
      <Typography variant="h5" component="h2" gutterBottom>
        {title}
      </Typography>
      <Typography variant="body1" color="text.secondary" sx={{ mb: 3 }}>
        {description}
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, justifyContent: 'center', flexWrap: 'wrap' }}>
        {createLabel && canCreate && <CreateButton variant="contained" label={createLabel} aria-label={createLabel} />}
        {actions}
      </Box>
    </Box>
  );
};
