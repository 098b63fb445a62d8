import { Avatar, Box, Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** Centered card for the public pages (signup, invitation acceptance), matching react-admin's login page. */
export const AuthCard = ({ icon, title, children }: { icon: ReactNode; title: string; children: ReactNode }) => (
  <Box
    component="main"
    sx={{
      display: 'flex',
      flexDirection: 'column',
      minHeight: '100vh',
      alignItems: 'center',
      justifyContent: 'flex-start',
      background: 'radial-gradient(circle at 50% 14em, #313264 0%, #00023b 60%, #00023b 100%)',
      px: 2,
    }}
  >
    <Card sx={{ width: '100%', maxWidth: 400, mt: { xs: 4, sm: '6em' } }}>
      <Box sx={{ display: 'flex', justifyContent: 'center', mt: 3 }}>
        <Avatar sx={{ bgcolor: 'secondary.main' }}>{icon}</Avatar>
      </Box>
      <Typography variant="h6" component="h1" align="center" sx={{ mt: 1 }}>
        {title}
      </Typography>
      <CardContent>{children}</CardContent>
    </Card>
  </Box>
);
