import { useMediaQuery, type Theme } from '@mui/material';

/** True below the `md` breakpoint (tablets in portrait, phones): lists drop their secondary columns. */
export function useCompact(): boolean {
  return useMediaQuery<Theme>((theme) => theme.breakpoints.down('md'));
}

/** True from the `xl` breakpoint: room for the optional columns. */
export function useWide(): boolean {
  return useMediaQuery<Theme>((theme) => theme.breakpoints.up('xl'));
}
