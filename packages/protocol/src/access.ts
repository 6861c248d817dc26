import { MONITORING_PERMISSIONS, type Permission } from './permissions.js';
import type { ServerToClientEventName } from './socket-events.js';

/**
 * Who may call a route or receive an event:
 * - `public`: anyone who reaches the center (login, health);
 * - `session`: any signed-in user, whatever they hold (who am I, sign out);
 * - `anyOf`: a signed-in user holding at least one of these permissions.
 * Jurisdiction is checked on top of this by each route: a node, camera or
 * alarm outside the user's subtree does not exist for them.
 */
export type Access = 'public' | 'session' | { anyOf: readonly Permission[] };

export interface RouteAccess {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express path pattern, as the center registers it. */
  path: string;
  access: Access;
  /** One line: what the route does, for docs/security.md and the matrix test's names. */
  summary: string;
}

const monitor = { anyOf: MONITORING_PERMISSIONS };

/**
 * Every REST route of a center and who may call it: the one table the
 * center enforces (each route is registered with its entry) and the
 * authorization matrix test runs, role by role.
 */
export const API_ROUTES = [
  { method: 'GET', path: '/api/health', access: 'public', summary: 'health of the center and its links' },
  { method: 'POST', path: '/api/auth/login', access: 'public', summary: 'sign in, first step: the password' },
  {
    method: 'POST',
    path: '/api/auth/login/totp',
    access: 'public',
    summary: 'sign in, second step: the authenticator code or a recovery code',
  },
  {
    method: 'POST',
    path: '/api/auth/login/enroll',
    access: 'public',
    summary: 'sign in the first time: enrol an authenticator with its first code',
  },
  { method: 'POST', path: '/api/auth/logout', access: 'session', summary: 'sign out (here and below)' },
  {
    method: 'POST',
    path: '/api/auth/sso-ticket',
    access: 'session',
    summary: 'a single sign-on ticket for the console of a center below',
  },
  {
    method: 'POST',
    path: '/api/auth/sso',
    access: 'public',
    summary: 'sign in with a ticket from a center above',
  },
  { method: 'GET', path: '/api/me', access: 'session', summary: 'the signed-in user' },
  { method: 'GET', path: '/api/map', access: monitor, summary: 'the jurisdiction on the map' },
  {
    method: 'GET',
    path: '/api/nodes/:id',
    access: { anyOf: [...MONITORING_PERMISSIONS, 'panel'] },
    summary: 'one node with its devices, cameras and alarm inputs',
  },
  { method: 'GET', path: '/api/alarms', access: monitor, summary: 'alarms of the jurisdiction' },
  { method: 'GET', path: '/api/alarms/:id', access: monitor, summary: 'one alarm with its handling' },
  {
    method: 'POST',
    path: '/api/alarms/:id/actions',
    access: { anyOf: ['alarms'] },
    summary: "an officer's action on an alarm",
  },
  {
    method: 'GET',
    path: '/api/branches/:id/panel',
    access: { anyOf: ['panel', 'alarms'] },
    summary: "a branch's panel: its alarms and zones",
  },
  {
    method: 'POST',
    path: '/api/branches/:id/panic',
    access: { anyOf: ['panel'] },
    summary: 'panic or duress from the branch panel',
  },
  {
    method: 'POST',
    path: '/api/branches/:id/zones/:zone/arm',
    access: { anyOf: ['panel', 'alarms'] },
    summary: 'arm or disarm a zone with the branch code',
  },
  {
    method: 'POST',
    path: '/api/cameras/:id/play',
    access: { anyOf: ['live', 'playback'] },
    summary: 'a signed play URL for a camera (live needs live, playback needs playback)',
  },
  { method: 'POST', path: '/api/cameras/:id/ptz', access: { anyOf: ['ptz'] }, summary: 'steer a camera' },
  { method: 'GET', path: '/api/audit', access: { anyOf: ['audit'] }, summary: 'search the audit trail' },
  {
    method: 'GET',
    path: '/api/audit/export',
    access: { anyOf: ['audit'] },
    summary: 'export the audit trail (CSV or NDJSON, with hashes)',
  },
  {
    method: 'GET',
    path: '/api/audit/sources',
    access: { anyOf: ['audit'] },
    summary: 'the audit chains held here (own and copies from below)',
  },
  { method: 'GET', path: '/api/org', access: { anyOf: ['users'] }, summary: 'the organisation tree by name' },
  { method: 'GET', path: '/api/users', access: { anyOf: ['users'] }, summary: 'users of the jurisdiction' },
  { method: 'POST', path: '/api/users', access: { anyOf: ['users'] }, summary: 'create a user' },
  {
    method: 'PATCH',
    path: '/api/users/:username',
    access: { anyOf: ['users'] },
    summary: "change a user's role, permissions, jurisdiction, addresses or state",
  },
  {
    method: 'POST',
    path: '/api/users/:username/password',
    access: { anyOf: ['users'] },
    summary: "set a user's password",
  },
  {
    method: 'POST',
    path: '/api/users/:username/reset-totp',
    access: { anyOf: ['users'] },
    summary: "drop a user's authenticator (they enrol again)",
  },
  {
    method: 'POST',
    path: '/api/users/:username/unlock',
    access: { anyOf: ['users'] },
    summary: 'unlock a user locked out by failed sign-ins',
  },
] as const satisfies readonly RouteAccess[];

export type ApiRouteKey = `${(typeof API_ROUTES)[number]['method']} ${(typeof API_ROUTES)[number]['path']}`;

export const routeKey = (route: Pick<RouteAccess, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/**
 * Who receives each server → console event. Events about nodes and alarms
 * go to users who monitor the jurisdiction, and alarms of a branch also to
 * its staff (their panel); the end of a session to whoever it was.
 */
export const SOCKET_EVENT_ACCESS: { readonly [E in ServerToClientEventName]: Access } = {
  'node:state': { anyOf: [...MONITORING_PERMISSIONS, 'panel'] },
  'alarm:new': { anyOf: [...MONITORING_PERMISSIONS, 'panel'] },
  'alarm:updated': { anyOf: [...MONITORING_PERMISSIONS, 'panel'] },
  'catalog:changed': { anyOf: [...MONITORING_PERMISSIONS, 'panel'] },
  'session:ended': 'session',
};

/** Whether a user holding `held` passes `access`; `held` is null for someone not signed in. */
export function allows(access: Access, held: readonly Permission[] | null): boolean {
  if (access === 'public') {
    return true;
  }
  if (held === null) {
    return false;
  }
  return access === 'session' || access.anyOf.some((p) => held.includes(p));
}
