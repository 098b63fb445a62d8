import { AppBar, LoadingIndicator, TitlePortal, ToggleThemeButton } from 'react-admin';
import { TeamSwitcher } from './TeamSwitcher';

export const TollgateAppBar = () => (
  <AppBar
    toolbar={
      <>
        <TeamSwitcher />
        <ToggleThemeButton />
        <LoadingIndicator />
      </>
    }
  >
    <TitlePortal />
  </AppBar>
);
