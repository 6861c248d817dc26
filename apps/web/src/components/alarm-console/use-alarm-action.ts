import type { AlarmActionRequest, AlarmView } from '@bsm/protocol';
import { useCallback, useRef, useState } from 'react';
import { actionFailureOf, type ActionFailure } from '../../alarm/action-failure';
import type { CenterApi } from '../../api/center-api';

export interface AlarmActionRunner {
  /** The action on its way, if any; one at a time, so a double click sends once. */
  pending: AlarmActionRequest['action'] | null;
  failure: ActionFailure | null;
  /** Sends the action; true when the center took it (its answer has gone to `onUpdated`). */
  run: (request: AlarmActionRequest) => Promise<boolean>;
}

/** POST /api/alarms/:id/actions for one alarm; the answer updates the queue at once, before the push. */
export function useAlarmAction(
  api: Pick<CenterApi, 'alarmAction'>,
  alarmId: string,
  onUpdated: (alarm: AlarmView) => void,
): AlarmActionRunner {
  const [pending, setPending] = useState<AlarmActionRequest['action'] | null>(null);
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  // A ref, not the state: two clicks in one frame both see the state still empty.
  const inFlight = useRef(false);
  const run = useCallback(
    async (request: AlarmActionRequest): Promise<boolean> => {
      if (inFlight.current) {
        return false;
      }
      inFlight.current = true;
      setPending(request.action);
      setFailure(null);
      try {
        onUpdated(await api.alarmAction(alarmId, request));
        return true;
      } catch (error) {
        setFailure(actionFailureOf(error));
        return false;
      } finally {
        inFlight.current = false;
        setPending(null);
      }
    },
    [api, alarmId, onUpdated],
  );
  return { pending, failure, run };
}
