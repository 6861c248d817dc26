import { decodeTimestamp, quietZoneRect } from '@bsm/sim/timestamp-code';
import type { FrameClock } from './frame-clock';

/**
 * Reads the wall-clock block code the simulated cameras burn into each
 * frame, so a cell can show glass-to-glass latency. Real cameras carry no
 * code: the decoder finds none and the cell shows no latency.
 */
export const simulatedCameraClock: FrameClock = Object.assign(
  (luma: Uint8ClampedArray, width: number, height: number) => decodeTimestamp(luma, width, height),
  {
    band: (width: number, height: number) => {
      const zone = quietZoneRect(width, height);
      return { top: Math.max(0, Math.floor(zone.y)), rows: Math.ceil(zone.h) + 1 };
    },
  },
);
