import { describe, expect, it } from 'vitest';
import type { UserSummary } from '@bsm/protocol';
import {
  createRequest,
  emptyForm,
  formOf,
  passwordHint,
  permissionChoices,
  togglePermission,
  updateRequest,
  withRole,
} from './user-form';

const chen: UserSummary = {
  username: 'chen',
  displayName: '陈静',
  role: 'operator',
  permissions: ['login', 'live', 'playback', 'ptz', 'alarms'],
  chosenPermissions: null,
  jurisdiction: 'fz',
  allowedIps: [],
  disabled: false,
  lockedUntil: null,
  totpEnrolled: true,
  recoveryCodesLeft: 10,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('user form', () => {
  it("offers only the role's ceiling, ticked by its defaults", () => {
    const choices = permissionChoices(emptyForm('fz'));
    expect(choices.map((c) => c.permission)).toEqual([
      'login',
      'live',
      'playback',
      'export',
      'ptz',
      'alarms',
      'devices',
    ]);
    expect(choices.filter((c) => c.checked).map((c) => c.permission)).toEqual([
      'login',
      'live',
      'playback',
      'ptz',
      'alarms',
    ]);
    expect(permissionChoices(withRole(emptyForm('fz'), 'security_admin')).map((c) => c.permission)).toEqual([
      'login',
      'users',
    ]);
  });

  it('keeps a chosen list, and goes back to "defaults" when it equals them', () => {
    const more = togglePermission(emptyForm('fz'), 'export');
    expect(more.permissions).toEqual(['login', 'live', 'playback', 'export', 'ptz', 'alarms']);
    expect(togglePermission(more, 'export').permissions).toBeNull();
  });

  it('sends only what changed, with the role change resetting the permissions to its defaults', () => {
    expect(updateRequest(chen, formOf(chen))).toBeNull();
    expect(updateRequest(chen, { ...formOf(chen), allowedIps: '10.1.2.0/24\n 10.9.0.1 ' })).toEqual({
      allowedIps: ['10.1.2.0/24', '10.9.0.1'],
    });
    expect(updateRequest(chen, withRole(formOf(chen), 'ordinary_user'))).toEqual({
      role: 'ordinary_user',
      permissions: null,
    });
  });

  it('builds the creation request and names the broken password rules as they are typed', () => {
    const form = { ...emptyForm('fz'), username: ' wang ', displayName: '王', password: 'wang12' };
    expect(passwordHint(form)).toEqual(['too_short', 'too_simple', 'contains_username']);
    expect(createRequest(form)).toMatchObject({ username: 'wang', permissions: null, allowedIps: [] });
  });
});
