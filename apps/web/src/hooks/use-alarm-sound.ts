import type { AlarmView } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import { playTone } from '../audio/alert-tone';
import { createAlarmSounder } from '../audio/alarm-sounder';
import { arrivalTone, sustainedTone, type SustainedTone } from '../audio/tone-policy';
import type { Arrival } from '../state/alarm-queue';

/**
 * The console's alarm sound on every screen: a sustained tone while this
 * center has P1/P2 alarms to acknowledge, a chime when a P3/P4 one arrives,
 * nothing while the officer has muted it. Returns the sustained tone wanted
 * now, muted or not, for the header to show.
 */
export function useAlarmSound(
  queue: readonly AlarmView[],
  lastArrival: Arrival | null,
  muted: boolean,
): SustainedTone | null {
  const [sounder] = useState(() => createAlarmSounder(playTone));
  const tone = sustainedTone(queue);
  useEffect(() => () => sounder.stop(), [sounder]);
  useEffect(() => sounder.setMuted(muted), [sounder, muted]);
  useEffect(() => sounder.setSustained(tone), [sounder, tone]);
  useEffect(() => {
    if (lastArrival !== null && arrivalTone(lastArrival.priority) !== null) {
      sounder.chime();
    }
  }, [sounder, lastArrival]);
  return tone;
}
