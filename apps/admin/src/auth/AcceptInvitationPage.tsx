import GroupAddIcon from '@mui/icons-material/GroupAdd';
import { Alert, Button, CircularProgress, Typography } from '@mui/material';
import { useState } from 'react';
import { Form, Link, PasswordInput, TextInput, minLength, required, useLocation, useLogin, useNotify, useRedirect } from 'react-admin';
import { apiRequest } from '../providers/http-client';
import type { AuthTokens } from '../providers/session';

import { AuthCard } from './AuthCard';

interface AcceptResponse extends Partial<AuthTokens> {
  email?: string;
  user?: { email?: string };
}

/** The token may sit in the hash route (#/accept-invitation?token=) or in the page URL (?token=#/...). */
function useInvitationToken(): string | null {
  const location = useLocation();
  return new URLSearchParams(location.search).get('token') ?? new URLSearchParams(window.location.search).get('token');
}

/** Public page reached from an invitation link: sets name and password, joins the team, signs in. */
export const AcceptInvitationPage = () => {
  const token = useInvitationToken();
  const [loading, setLoading] = useState(false);
  const login = useLogin();
  const notify = useNotify();
  const redirect = useRedirect();

  const submit = async (values: { name?: string; password?: string }) => {
    if (!token) return;
    setLoading(true);
    try {
      const res = await apiRequest<AcceptResponse | undefined>('/invitations/accept', {
        method: 'POST',
        json: { token, name: values.name?.trim(), password: values.password },
        anonymous: true,
        noTeam: true,
      });
      const email = res?.email ?? res?.user?.email;
      if (res?.accessToken && res.refreshToken) {
        await login({ session: res as AuthTokens }, '/');
      } else if (email && values.password) {
        await login({ username: email, password: values.password }, '/');
      } else {
        notify('Invitation accepted. Sign in with your email and new password.', { type: 'success' });
        redirect('/login');
      }
    } catch (error) {
      notify(error instanceof Error ? error.message : 'Could not accept the invitation', { type: 'error' });
      setLoading(false);
    }
  };

  return (
    <AuthCard icon={<GroupAddIcon />} title="Join your team on Tollgate">
      {token ? (
        <Form onSubmit={submit} noValidate>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            Choose the name your teammates will see and a password for your account.
          </Typography>
          <TextInput source="name" label="Your name" autoComplete="name" validate={required()} autoFocus />
          <PasswordInput
            source="password"
            label="Password"
            autoComplete="new-password"
            validate={[required(), minLength(8)]}
            helperText="At least 8 characters"
          />
          <Button type="submit" variant="contained" fullWidth disabled={loading} sx={{ mt: 2 }} aria-label="Accept invitation">
            {loading ? <CircularProgress size={19} thickness={3} /> : 'Accept invitation'}
          </Button>
        </Form>
      ) : (
        <Alert severity="error">
          This invitation link is incomplete. Ask the person who invited you for a new link.
        </Alert>
      )}
      <Typography variant="body2" align="center" sx={{ mt: 2 }}>
        Already have an account? <Link to="/login">Sign in</Link>
      </Typography>
    </AuthCard>
  );
};
