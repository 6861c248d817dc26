/**
 * Names of streams on the media server. node-media-server v4 accepts only
 * `[A-Za-z0-9_-]` in the app and stream name (and its WS-FLV path parser
 * splits on the first "."), while camera ids are `^[a-z0-9][a-z0-9._-]{0,95}$`.
 * Camera ids never contain capitals, so capitals are free to escape with:
 * "." becomes "D" and "X" separates the camera from the profile, e.g.
 * camera `fz-01.cam1`, profile `sub` → `fz-01Dcam1Xsub`. The mapping is
 * one-to-one, so a name read back from the server always names one camera.
 */
export const CAMERA_ID = /^[a-z0-9][a-z0-9._-]{0,95}$/;
/** Profiles are short lowercase words: `main`, `sub`, `cif`, `d1`. */
export const PROFILE = /^[a-z0-9]{1,16}$/;
/** The one NMS application every stream lives under. */
export const MEDIA_APP = 'live';

export interface StreamKey {
  cameraId: string;
  profile: string;
}

export function streamNameOf({ cameraId, profile }: StreamKey): string {
  if (!CAMERA_ID.test(cameraId)) {
    throw new Error(`not a camera id: ${JSON.stringify(cameraId)}`);
  }
  if (!PROFILE.test(profile)) {
    throw new Error(`not a stream profile: ${JSON.stringify(profile)}`);
  }
  return `${cameraId.replaceAll('.', 'D')}X${profile}`;
}

/** The camera and profile a stream name stands for, or null for a name this center never makes. */
export function parseStreamName(name: string): StreamKey | null {
  const parts = name.split('X');
  if (parts.length !== 2) {
    return null;
  }
  const cameraId = parts[0]!.replaceAll('D', '.');
  const profile = parts[1]!;
  if (!CAMERA_ID.test(cameraId) || !PROFILE.test(profile)) {
    return null;
  }
  // Refuse names that are not the canonical spelling (e.g. stray capitals) so one camera has one name.
  return streamNameOf({ cameraId, profile }) === name ? { cameraId, profile } : null;
}
