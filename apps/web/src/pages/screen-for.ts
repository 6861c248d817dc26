import { canMonitor, type Permission } from '@bsm/protocol';

/** The screens a signed-in user can be given. */
export type UserScreen = 'console' | 'panel' | 'users' | 'audit' | 'none';

/**
 * Which screen a user gets, by what they hold: the monitoring console for
 * officers, the branch panel for branch staff, user administration for
 * security administrators, the audit log for auditors; a user holding
 * nothing usable is told so. The
 * ceilings keep these apart, so the order only matters for odd lists.
 */
export function screenFor(held: readonly Permission[]): UserScreen {
  if (canMonitor(held)) {
    return 'console';
  }
  if (held.includes('panel')) {
    return 'panel';
  }
  if (held.includes('users')) {
    return 'users';
  }
  if (held.includes('audit')) {
    return 'audit';
  }
  return 'none';
}
