import { z } from 'zod';
import type { Role } from './vocabulary.js';

/**
 * What a user may do, granted separately (S2, C2h). A user holds the
 * permissions of their role unless a security administrator chose a list
 * for them, always within the role's ceiling (`ROLE_CEILINGS`).
 * - `login`: sign in at all (taken away to suspend an account without deleting it);
 * - `live`: watch live video (and see the map, catalog and alarms of the jurisdiction);
 * - `playback`: play back recordings;
 * - `export`: export recordings and evidence;
 * - `ptz`: steer cameras;
 * - `alarms`: handle alarms (acknowledge … close), arm and disarm zones remotely;
 * - `devices`: manage the devices of the jurisdiction (commands, link tests);
 * - `panel`: the branch panel of the user's own branch (panic, duress, arming);
 * - `users`: manage users and their permissions (security administrators only);
 * - `audit`: read and export the audit trail (auditors only).
 */
export const PERMISSIONS = [
  'login',
  'live',
  'playback',
  'export',
  'ptz',
  'alarms',
  'devices',
  'panel',
  'users',
  'audit',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/** Permissions that show the jurisdiction's map, catalog and alarms: the officers' work. */
export const MONITORING_PERMISSIONS: readonly Permission[] = ['live', 'playback', 'alarms', 'devices'];

/** The permissions a user of each role holds unless chosen otherwise. */
export const ROLE_PERMISSIONS: { readonly [R in Role]: readonly Permission[] } = {
  super_operator: ['login', 'live', 'playback', 'export', 'ptz', 'alarms', 'devices'],
  operator: ['login', 'live', 'playback', 'ptz', 'alarms'],
  ordinary_user: ['login', 'live', 'playback'],
  branch_staff: ['login', 'panel'],
  security_admin: ['login', 'users'],
  auditor: ['login', 'audit'],
};

/**
 * The most each role may ever be granted. This is the separation of duties
 * (S3): officers' permissions never meet `users` or `audit`, so a security
 * administrator sees no video, alarms or recordings, and an auditor changes
 * nothing.
 */
export const ROLE_CEILINGS: { readonly [R in Role]: readonly Permission[] } = {
  super_operator: ['login', 'live', 'playback', 'export', 'ptz', 'alarms', 'devices'],
  operator: ['login', 'live', 'playback', 'export', 'ptz', 'alarms', 'devices'],
  ordinary_user: ['login', 'live', 'playback', 'export'],
  branch_staff: ['login', 'panel'],
  security_admin: ['login', 'users'],
  auditor: ['login', 'audit'],
};

/** What a user holds: the chosen list, or the role's defaults; never beyond the role's ceiling. */
export function effectivePermissions(role: Role, chosen: readonly Permission[] | null): Permission[] {
  const ceiling = ROLE_CEILINGS[role];
  return (chosen ?? ROLE_PERMISSIONS[role]).filter((p) => ceiling.includes(p));
}

export const holdsAny = (held: readonly Permission[], wanted: readonly Permission[]): boolean =>
  wanted.some((p) => held.includes(p));

/** Whether the user sees the jurisdiction's map, catalog and alarms (officers; not administrators or auditors). */
export const canMonitor = (held: readonly Permission[]): boolean => holdsAny(held, MONITORING_PERMISSIONS);
