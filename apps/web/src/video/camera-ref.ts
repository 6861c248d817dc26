import type { StreamPurpose } from '@bsm/protocol';

/** What a wall cell needs to know of a camera: enough to play it, label it and offer PTZ, without refetching. */
export interface CameraRef {
  cameraId: string;
  cameraName: string;
  /** The branch (or center) the camera belongs to. */
  nodeId: string;
  nodeName: string;
  ptz: boolean;
  /**
   * Why it is watched; `alarm` (verifying an alarm) is admitted before live
   * viewing on a full link. Not read back from storage: after a reload the
   * cell is ordinary live viewing, so an old alarm cannot keep pre-empting.
   */
  purpose?: StreamPurpose;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A CameraRef read back from storage or a drag payload, or null when it is not one. */
export function parseCameraRef(value: unknown): CameraRef | null {
  if (!isRecord(value)) {
    return null;
  }
  const { cameraId, cameraName, nodeId, nodeName, ptz } = value;
  if (
    typeof cameraId !== 'string' ||
    cameraId.length === 0 ||
    typeof cameraName !== 'string' ||
    typeof nodeId !== 'string' ||
    typeof nodeName !== 'string' ||
    typeof ptz !== 'boolean'
  ) {
    return null;
  }
  return { cameraId, cameraName, nodeId, nodeName, ptz };
}
