import type { LoginResponse, SessionUser, TotpEnrollment } from '@bsm/protocol';
import { ApiRequestError } from '../api/api-request-error';

/** Where a sign-in stands on the login page. */
export type LoginStage =
  | { stage: 'password' }
  | { stage: 'code'; challenge: string; recovery: boolean }
  | { stage: 'enroll'; challenge: string; enrollment: TotpEnrollment }
  | { stage: 'recovery'; user: SessionUser; codes: readonly string[] }
  | { stage: 'done'; user: SessionUser };

export type LoginErrorKey =
  'badCredentials' | 'badCode' | 'expired' | 'locked' | 'missingFields' | 'unreachable' | 'failed';

export type LoginError = { key: Exclude<LoginErrorKey, 'failed'> } | { key: 'failed'; message: string };

/** The next stage after a step the center answered. */
export function nextStage(answer: LoginResponse): LoginStage {
  switch (answer.step) {
    case 'totp':
      return { stage: 'code', challenge: answer.challenge, recovery: false };
    case 'enroll':
      return { stage: 'enroll', challenge: answer.challenge, enrollment: answer.enrollment };
    case 'done':
      return answer.recoveryCodes && answer.recoveryCodes.length > 0
        ? { stage: 'recovery', user: answer.user, codes: answer.recoveryCodes }
        : { stage: 'done', user: answer.user };
  }
}

/**
 * What to tell the user about a failed step, and whether they must start
 * again from the password (the center dropped the sign-in: expired, too many
 * wrong codes, locked).
 */
export function loginErrorOf(error: unknown): { error: LoginError; restart: boolean } {
  if (error instanceof ApiRequestError) {
    if (error.code === 'bad_code') {
      return { error: { key: 'badCode' }, restart: false };
    }
    if (error.code === 'challenge_expired') {
      return { error: { key: 'expired' }, restart: true };
    }
    if (error.status === 423 || error.code === 'locked') {
      return { error: { key: 'locked' }, restart: true };
    }
    if (error.status === 401) {
      return { error: { key: 'badCredentials' }, restart: true };
    }
    if (error.isNetworkError || error.status >= 502) {
      return { error: { key: 'unreachable' }, restart: false };
    }
    return { error: { key: 'failed', message: error.message }, restart: false };
  }
  return { error: { key: 'failed', message: error instanceof Error ? error.message : String(error) }, restart: false };
}

/** The secret as people type it: groups of four. */
export const groupedSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');
