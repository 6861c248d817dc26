import {
  passwordProblems,
  ROLE_CEILINGS,
  ROLE_PERMISSIONS,
  type CreateUserRequest,
  type Permission,
  type Role,
  type UpdateUserRequest,
  type UserSummary,
} from '@bsm/protocol';

/** What the user dialog edits. `permissions` null: the role's defaults. */
export interface UserForm {
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: string;
  password: string;
  permissions: Permission[] | null;
  allowedIps: string;
  disabled: boolean;
}

export const emptyForm = (jurisdiction: string): UserForm => ({
  username: '',
  displayName: '',
  role: 'operator',
  jurisdiction,
  password: '',
  permissions: null,
  allowedIps: '',
  disabled: false,
});

export const formOf = (user: UserSummary): UserForm => ({
  username: user.username,
  displayName: user.displayName,
  role: user.role,
  jurisdiction: user.jurisdiction,
  password: '',
  permissions: user.chosenPermissions,
  allowedIps: user.allowedIps.join('\n'),
  disabled: user.disabled,
});

/** The permissions offered for a role (its ceiling) and which are ticked now. */
export function permissionChoices(form: UserForm): { permission: Permission; checked: boolean }[] {
  const held = form.permissions ?? ROLE_PERMISSIONS[form.role];
  return ROLE_CEILINGS[form.role].map((permission) => ({ permission, checked: held.includes(permission) }));
}

/** Ticks or unticks one permission; a list equal to the role's defaults is stored as "defaults". */
export function togglePermission(form: UserForm, permission: Permission): UserForm {
  const held = form.permissions ?? [...ROLE_PERMISSIONS[form.role]];
  const next = held.includes(permission) ? held.filter((p) => p !== permission) : [...held, permission];
  const ordered = ROLE_CEILINGS[form.role].filter((p) => next.includes(p));
  const defaults = ROLE_PERMISSIONS[form.role];
  const same = ordered.length === defaults.length && ordered.every((p) => defaults.includes(p));
  return { ...form, permissions: same ? null : ordered };
}

/** A new role starts from its defaults. */
export const withRole = (form: UserForm, role: Role): UserForm => ({ ...form, role, permissions: null });

export const ipLines = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

export function createRequest(form: UserForm): CreateUserRequest {
  return {
    username: form.username.trim(),
    displayName: form.displayName.trim(),
    role: form.role,
    jurisdiction: form.jurisdiction,
    password: form.password,
    permissions: form.permissions,
    allowedIps: ipLines(form.allowedIps),
  };
}

/** Only what changed from the user as loaded. */
export function updateRequest(before: UserSummary, form: UserForm): UpdateUserRequest | null {
  const change: UpdateUserRequest = {};
  if (form.displayName.trim() !== before.displayName) {
    change.displayName = form.displayName.trim();
  }
  if (form.role !== before.role) {
    change.role = form.role;
  }
  if (form.jurisdiction !== before.jurisdiction) {
    change.jurisdiction = form.jurisdiction;
  }
  if (JSON.stringify(form.permissions) !== JSON.stringify(before.chosenPermissions) || change.role !== undefined) {
    change.permissions = form.permissions;
  }
  const ips = ipLines(form.allowedIps);
  if (JSON.stringify(ips) !== JSON.stringify(before.allowedIps)) {
    change.allowedIps = ips;
  }
  if (form.disabled !== before.disabled) {
    change.disabled = form.disabled;
  }
  return Object.keys(change).length > 0 ? change : null;
}

/** Password rules broken by what is typed, for the hint under the field. */
export const passwordHint = (form: UserForm): ReturnType<typeof passwordProblems> =>
  form.password.length === 0 ? [] : passwordProblems(form.password, form.username.trim());
