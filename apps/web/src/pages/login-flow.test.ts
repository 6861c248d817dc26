import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import { groupedSecret, loginErrorOf, nextStage } from './login-flow';

const user = {
  username: 'zhang',
  displayName: '张伟',
  role: 'operator',
  permissions: ['login', 'live'],
  jurisdiction: 'fz',
  center: { id: 'fz', name: '福州市分行监控中心', tier: 2 },
} as const;
const challenge = 'c'.repeat(43);
const expiresAt = '2025-01-01T08:05:00.000Z';

describe('login flow', () => {
  it('asks for the code after the password, or sets an authenticator up the first time', () => {
    expect(nextStage({ step: 'totp', challenge, expiresAt })).toEqual({ stage: 'code', challenge, recovery: false });
    const enrollment = { secret: 'JBSWY3DPEHPK3PXP', uri: 'otpauth://totp/x', qrSvg: '<svg/>' };
    expect(nextStage({ step: 'enroll', challenge, expiresAt, enrollment })).toEqual({
      stage: 'enroll',
      challenge,
      enrollment,
    });
  });

  it('shows the recovery codes once, at enrolment, before entering', () => {
    expect(nextStage({ step: 'done', user: { ...user, permissions: [...user.permissions] } }).stage).toBe('done');
    const withCodes = nextStage({
      step: 'done',
      user: { ...user, permissions: [...user.permissions] },
      recoveryCodes: ['ABCD-EFGH'],
    });
    expect(withCodes).toMatchObject({ stage: 'recovery', codes: ['ABCD-EFGH'] });
  });

  it('keeps the user at the code on a wrong code, and sends them back to the password when the sign-in is over', () => {
    expect(loginErrorOf(new ApiRequestError(401, 'bad_code', 'wrong code'))).toEqual({
      error: { key: 'badCode' },
      restart: false,
    });
    expect(loginErrorOf(new ApiRequestError(401, 'challenge_expired', 'expired'))).toEqual({
      error: { key: 'expired' },
      restart: true,
    });
    expect(loginErrorOf(new ApiRequestError(423, 'locked', 'locked until …'))).toEqual({
      error: { key: 'locked' },
      restart: true,
    });
    expect(loginErrorOf(new ApiRequestError(401, 'bad_credentials', 'wrong'))).toMatchObject({
      error: { key: 'badCredentials' },
    });
    expect(loginErrorOf(new ApiRequestError(0, 'network_error', 'down')).error.key).toBe('unreachable');
  });

  it('groups the secret by four for typing', () => {
    expect(groupedSecret('NRONTOJI7LAA5WRT')).toBe('NRON TOJI 7LAA 5WRT');
  });
});
