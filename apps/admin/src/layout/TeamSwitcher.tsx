import { MenuItem, TextField } from '@mui/material';
import { useGetList, useRedirect, useRefresh } from 'react-admin';
import { setTeam, useSession } from '../providers/session';

interface TeamOption {
  id: string;
  name: string;
}

/**
 * Picks the team every API call acts on (sent as X-Team-Id). Shown to users with several teams and to
 * operators, who can pick any team.
 */
export const TeamSwitcher = () => {
  const { me, team, isOperator } = useSession();
  const redirect = useRedirect();
  const refresh = useRefresh();
  const { data: allTeams } = useGetList<TeamOption>(
    'teams',
    { pagination: { page: 1, perPage: 100 }, sort: { field: 'name', order: 'ASC' } },
    { enabled: isOperator },
  );
  if (!me) return null;

  const options = new Map<string, string>();
  me.memberships.forEach((m) => options.set(m.teamId, m.teamName));
  if (isOperator) allTeams?.forEach((t) => options.set(String(t.id), t.name));
  if (team && !options.has(team.id)) options.set(team.id, team.name);
  if (options.size < 2 && !isOperator) return null;

  const onChange = (teamId: string) => {
    if (teamId === team?.id) return;
    setTeam({ id: teamId, name: options.get(teamId) ?? teamId });
    // Records of the previous team must not linger on screen: go home and refetch everything.
    redirect('/');
    refresh();
  };

  return (
    <TextField
      select
      size="small"
      label="Team"
      value={team?.id ?? ''}
      onChange={(event) => onChange(event.target.value)}
      // The combobox's accessible name is the label: "Team".
      sx={{
        minWidth: { xs: 120, sm: 200 },
        maxWidth: { xs: 160, sm: 280 },
        mr: 1,
        '& .MuiInputBase-root': { color: 'inherit' },
        '& .MuiInputLabel-root, & .MuiSvgIcon-root': { color: 'inherit' },
        '& .MuiOutlinedInput-notchedOutline': { borderColor: 'currentColor', opacity: 0.5 },
      }}
    >
      {[...options.entries()].map(([id, name]) => (
        <MenuItem key={id} value={id}>
          {name}
        </MenuItem>
      ))}
    </TextField>
  );
};
