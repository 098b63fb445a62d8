import { Init1763900000000 } from './1763900000000-Init';

/** Every migration in order. Add new ones at the end (see CONTRIBUTING.md). */
export const MIGRATIONS = [Init1763900000000];
