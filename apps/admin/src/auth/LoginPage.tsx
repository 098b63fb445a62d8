import { Box, Typography } from '@mui/material';
import { Link, Login, LoginForm, PasswordInput, TextInput, email, required } from 'react-admin';

/** react-admin's login page; the `username` field carries the email (the auth provider maps it). */
export const LoginPage = () => (
  <Login>
    <Typography variant="h6" component="h1" align="center" sx={{ mt: 1 }}>
      Sign in to Tollgate
    </Typography>
    <LoginForm>
      <TextInput
        autoFocus
        source="username"
        label="Email"
        type="email"
        autoComplete="username"
        validate={[required(), email()]}
      />
      <PasswordInput source="password" label="Password" autoComplete="current-password" validate={required()} />
    </LoginForm>
    <Box sx={{ px: 2, pb: 2, textAlign: 'center' }}>
      <Typography variant="body2">
        No account yet?{' '}
        <Link to="/signup" aria-label="Create an account">
          Create an account
        </Link>
      </Typography>
    </Box>
  </Login>
);
