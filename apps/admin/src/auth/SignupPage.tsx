import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { Button, CircularProgress, Typography } from '@mui/material';
import { useState } from 'react';
import { Form, Link, PasswordInput, TextInput, email, minLength, required, useLogin, useNotify } from 'react-admin';
import { apiRequest } from '../providers/http-client';
import type { AuthTokens } from '../providers/session';
import { AuthCard } from './AuthCard';

interface SignupValues {
  name: string;
  email: string;
  password: string;
  teamName: string;
}

/** Public page: creates a user and their first team (they become its owner), then signs in. */
export const SignupPage = () => {
  const [loading, setLoading] = useState(false);
  const login = useLogin();
  const notify = useNotify();

  const submit = async (values: Partial<SignupValues>) => {
    setLoading(true);
    try {
      const session = await apiRequest<AuthTokens>('/auth/signup', {
        method: 'POST',
        json: { email: values.email?.trim(), password: values.password, name: values.name?.trim(), teamName: values.teamName?.trim() },
        anonymous: true,
        noTeam: true,
      });
      await login({ session }, '/');
    } catch (error) {
      notify(error instanceof Error ? error.message : 'Sign-up failed', { type: 'error' });
      setLoading(false);
    }
  };

  return (
    <AuthCard icon={<PersonAddIcon />} title="Create your Tollgate account">
      <Form onSubmit={submit} noValidate>
        <TextInput source="name" label="Your name" autoComplete="name" validate={required()} autoFocus />
        <TextInput source="email" label="Email" type="email" autoComplete="email" validate={[required(), email()]} />
        <PasswordInput
          source="password"
          label="Password"
          autoComplete="new-password"
          validate={[required(), minLength(8)]}
          helperText="At least 8 characters"
        />
        <TextInput source="teamName" label="Team name" validate={required()} helperText="You can invite others later" />
        <Button type="submit" variant="contained" fullWidth disabled={loading} sx={{ mt: 2 }} aria-label="Create account">
          {loading ? <CircularProgress size={19} thickness={3} /> : 'Create account'}
        </Button>
      </Form>
      <Typography variant="body2" align="center" sx={{ mt: 2 }}>
        Already have an account? <Link to="/login">Sign in</Link>
      </Typography>
    </AuthCard>
  );
};
