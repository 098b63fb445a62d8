import KeyIcon from '@mui/icons-material/Key';
import SettingsIcon from '@mui/icons-material/Settings';
import VpnKeyIcon from '@mui/icons-material/VpnKey';
import { Alert, Box, Button, Card, CardActions, CardContent, Chip, Typography } from '@mui/material';
import { LinkBase, Title } from 'react-admin';
import { canAccessResource, isTeamAdmin } from '../providers/permissions';
import { useSession } from '../providers/session';
import { FirstRequestHint, UsagePanel } from './UsagePanel';

const roleLabels = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

/** Home page: who you are, which team you act on, and the next useful step. */
export const Dashboard = () => {
  const { me, team, role, isOperator } = useSession();
  const permissions = { isOperator, role };
  const gatewayUrl = `${window.location.origin}/v1`;

  return (
    <Box sx={{ mt: 2, display: 'grid', gap: 2, maxWidth: 1400 }}>
      <Title title="Dashboard" />
      <Card>
        <CardContent>
          <Typography variant="h5" component="h2" gutterBottom>
            Welcome{me?.name ? `, ${me.name}` : ''}
          </Typography>
          {team ? (
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="body1">
                Team: <strong data-testid="current-team">{team.name}</strong>
              </Typography>
              {role && <Chip size="small" label={`Role: ${roleLabels[role]}`} data-testid="current-role" />}
              {isOperator && <Chip size="small" color="secondary" label="Operator" />}
            </Box>
          ) : (
            <Alert severity="info">
              {isOperator
                ? 'No team is selected. Pick one with the team switcher in the top bar, or create a team.'
                : 'You are not a member of any team yet. Ask a team admin for an invitation.'}
            </Alert>
          )}
        </CardContent>
        {team && (
          <CardActions sx={{ flexWrap: 'wrap', gap: 1, px: 2, pb: 2 }}>
            {canAccessResource(permissions, 'api-keys', 'create') && (
              <Button component={LinkBase} to="/api-keys/create" variant="contained" startIcon={<KeyIcon />}>
                Create an API key
              </Button>
            )}
            {canAccessResource(permissions, 'provider-keys', 'create') && (
              <Button component={LinkBase} to="/provider-keys/create" variant="outlined" startIcon={<VpnKeyIcon />}>
                Add a provider key
              </Button>
            )}
            {isTeamAdmin(permissions) && canAccessResource(permissions, 'teams', 'edit') && (
              <Button component={LinkBase} to={`/teams/${encodeURIComponent(team.id)}`} startIcon={<SettingsIcon />}>
                Team settings
              </Button>
            )}
          </CardActions>
        )}
      </Card>
      {team && isTeamAdmin(permissions) && <UsagePanel />}
      {team && !isTeamAdmin(permissions) && (
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              Your usage
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              Every request made with your API keys is listed, with its tokens and cost, in{' '}
              <LinkBase to="/requests">your request log</LinkBase>. Provider keys and team reports are managed by your
              team owners and admins.
            </Typography>
            <FirstRequestHint gatewayUrl={gatewayUrl} />
          </CardContent>
        </Card>
      )}
    </Box>
  );
};
