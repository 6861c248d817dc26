import type { AlarmDetailResponse } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import type { CenterApi } from '../../api/center-api';

export type AlarmDetailLoad =
  | { status: 'loading'; detail: AlarmDetailResponse | null }
  | { status: 'ready'; detail: AlarmDetailResponse }
  | { status: 'failed'; detail: AlarmDetailResponse | null; message: string };

/**
 * GET /api/alarms/:id, again whenever `revision` changes: events are not
 * pushed, so a pushed change of the alarm is the cue to fetch its history.
 * The previous answer stays on screen while the next one loads.
 */
export function useAlarmDetail(api: Pick<CenterApi, 'alarm'>, alarmId: string, revision: string): AlarmDetailLoad {
  const [load, setLoad] = useState<AlarmDetailLoad>({ status: 'loading', detail: null });
  useEffect(() => {
    const controller = new AbortController();
    setLoad((previous) => ({
      status: 'loading',
      detail: previous.detail?.alarm.id === alarmId ? previous.detail : null,
    }));
    api
      .alarm(alarmId, controller.signal)
      .then((detail) => {
        if (!controller.signal.aborted) {
          setLoad({ status: 'ready', detail });
        }
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          setLoad((previous) => ({
            status: 'failed',
            detail: previous.detail,
            message: error instanceof Error ? error.message : String(error),
          }));
        }
      });
    return () => controller.abort();
  }, [api, alarmId, revision]);
  return load;
}
