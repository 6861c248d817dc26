import { ApiRequestError } from '../api/api-request-error';

/** Why an officer's action did not go through, as the console tells it. */
export type ActionFailure =
  | { kind: 'notAllowed'; message: string }
  | { kind: 'forbidden' }
  | { kind: 'network' }
  | { kind: 'other'; message: string };

/**
 * A 409 `not_allowed` means another officer (maybe at another tier) changed
 * the alarm first; its message is the center's reason. 403 is a role that
 * may not handle alarms.
 */
export function actionFailureOf(error: unknown): ActionFailure {
  if (error instanceof ApiRequestError) {
    if (error.status === 409 && error.code === 'not_allowed') {
      return { kind: 'notAllowed', message: error.message };
    }
    if (error.status === 403) {
      return { kind: 'forbidden' };
    }
    if (error.isNetworkError) {
      return { kind: 'network' };
    }
    return { kind: 'other', message: error.message };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}
