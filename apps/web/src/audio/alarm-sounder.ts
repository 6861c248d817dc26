import { SUSTAINED_INTERVAL_MS, type AlertTone, type SustainedTone } from './tone-policy';

export interface SounderTimers {
  setInterval: (run: () => void, ms: number) => ReturnType<typeof setInterval>;
  clearInterval: (timer: ReturnType<typeof setInterval>) => void;
}

const browserTimers: SounderTimers = {
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (timer) => clearInterval(timer),
};

/** Plays the console's alarm sounds; what to play is decided by the tone policy. */
export interface AlarmSounder {
  /** The tone that must keep sounding (or none); the same tone again does not restart it. */
  setSustained: (tone: SustainedTone | null) => void;
  chime: () => void;
  /** The officer's mute: silences everything until unmuted; a sustained tone resumes then. */
  setMuted: (muted: boolean) => void;
  /** Stops the sound; a later setSustained starts it again. */
  stop: () => void;
}

export function createAlarmSounder(
  play: (tone: AlertTone) => void,
  timers: SounderTimers = browserTimers,
): AlarmSounder {
  let wanted: SustainedTone | null = null;
  let sounding: SustainedTone | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let muted = false;

  const silence = (): void => {
    if (timer !== null) {
      timers.clearInterval(timer);
      timer = null;
    }
    sounding = null;
  };

  const update = (): void => {
    const next = muted ? null : wanted;
    if (next === sounding) {
      return;
    }
    silence();
    if (next !== null) {
      sounding = next;
      play(next);
      timer = timers.setInterval(() => play(next), SUSTAINED_INTERVAL_MS[next]);
    }
  };

  return {
    setSustained(tone) {
      wanted = tone;
      update();
    },
    chime() {
      if (!muted) {
        play('chime');
      }
    },
    setMuted(value) {
      muted = value;
      update();
    },
    stop() {
      wanted = null;
      silence();
    },
  };
}
