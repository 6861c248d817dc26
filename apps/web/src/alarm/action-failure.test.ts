import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import { actionFailureOf } from './action-failure';

describe('actionFailureOf', () => {
  it('keeps the center’s reason of a refusal', () => {
    expect(
      actionFailureOf(new ApiRequestError(409, 'not_allowed', 'cannot verify an alarm that is dispatched')),
    ).toEqual({ kind: 'notAllowed', message: 'cannot verify an alarm that is dispatched' });
  });

  it('tells a forbidden role and an unreachable center apart from other failures', () => {
    expect(actionFailureOf(new ApiRequestError(403, 'forbidden', 'no'))).toEqual({ kind: 'forbidden' });
    expect(actionFailureOf(new ApiRequestError(0, 'network_error', 'Failed to fetch'))).toEqual({ kind: 'network' });
    expect(actionFailureOf(new ApiRequestError(500, 'http_500', 'Internal'))).toEqual({
      kind: 'other',
      message: 'Internal',
    });
  });
});
