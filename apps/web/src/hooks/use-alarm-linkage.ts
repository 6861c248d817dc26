import type { AlarmView } from '@bsm/protocol';
import { useEffect, useRef } from 'react';
import { linkedCameraRefs } from '../alarm/linked-cameras';
import type { CenterApi } from '../api/center-api';
import type { Arrival } from '../state/alarm-queue';
import type { NodeIndex } from '../state/node-index';
import type { CameraRef } from '../video/camera-ref';

export interface AlarmLinkageOptions {
  api: Pick<CenterApi, 'node'>;
  queue: readonly AlarmView[];
  lastArrival: Arrival | null;
  nodes: NodeIndex;
  /** Off while the officer works on the alarm console: they are at the alarm already and must not lose their place. */
  enabled: boolean;
  onOpen: (cameras: CameraRef[]) => void;
}

/**
 * Alarm linkage on the console: when an alarm arrives that the center marks
 * `openVideo` (its type links video, and this center must act on it), its
 * linked cameras go on the video wall by themselves, as alarm video. The
 * names come from the branch's catalog; a catalog that cannot be read does
 * not hold the video back.
 */
export function useAlarmLinkage({ api, queue, lastArrival, nodes, enabled, onOpen }: AlarmLinkageOptions): void {
  const latest = useRef({ queue, nodes, enabled, onOpen });
  latest.current = { queue, nodes, enabled, onOpen };
  useEffect(() => {
    const { queue: alarms, enabled: on } = latest.current;
    const alarm = lastArrival === null ? undefined : alarms.find((candidate) => candidate.id === lastArrival.id);
    if (!on || alarm === undefined || !alarm.openVideo || alarm.linkedCameras.length === 0) {
      return undefined;
    }
    const controller = new AbortController();
    const open = (catalog: Parameters<typeof linkedCameraRefs>[1]): void => {
      if (!controller.signal.aborted) {
        latest.current.onOpen(linkedCameraRefs(alarm, catalog, (id) => latest.current.nodes.get(id)?.name));
      }
    };
    api.node(alarm.origin, controller.signal).then(
      (detail) => open(detail.cameras),
      () => open([]),
    );
    return () => controller.abort();
  }, [api, lastArrival]);
}
