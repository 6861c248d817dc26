import { ROLE_PERMISSIONS } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { screenFor } from './screen-for';

describe('screenFor', () => {
  it('gives each role its own screen and nothing of the others', () => {
    expect(screenFor(ROLE_PERMISSIONS.super_operator)).toBe('console');
    expect(screenFor(ROLE_PERMISSIONS.operator)).toBe('console');
    expect(screenFor(ROLE_PERMISSIONS.ordinary_user)).toBe('console');
    expect(screenFor(ROLE_PERMISSIONS.branch_staff)).toBe('panel');
    expect(screenFor(ROLE_PERMISSIONS.security_admin)).toBe('users');
    expect(screenFor(ROLE_PERMISSIONS.auditor)).toBe('audit');
  });

  it('tells a user with only the login permission that there is nothing for them', () => {
    expect(screenFor(['login'])).toBe('none');
  });
});
