import type { AlarmView, CameraEntry } from '@bsm/protocol';
import type { CameraRef } from '../video/camera-ref';

/**
 * Wall cells for an alarm's linked cameras, named from the catalog of its
 * branch where known. A camera the catalog does not list (yet) still plays,
 * named by its id. They are watched to verify an alarm, which a full link
 * admits before live viewing.
 */
export function linkedCameraRefs(
  alarm: Pick<AlarmView, 'linkedCameras' | 'origin' | 'originName'>,
  catalog: readonly CameraEntry[],
  nodeName: (nodeId: string) => string | undefined,
): CameraRef[] {
  return alarm.linkedCameras.map((cameraId) => {
    const entry = catalog.find((camera) => camera.id === cameraId);
    const nodeId = entry?.nodeId ?? alarm.origin;
    return {
      cameraId,
      cameraName: entry?.name ?? cameraId,
      nodeId,
      nodeName: nodeId === alarm.origin ? alarm.originName : (nodeName(nodeId) ?? nodeId),
      ptz: entry?.ptz ?? false,
      purpose: 'alarm',
    };
  });
}
