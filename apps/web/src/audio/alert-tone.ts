import type { AlertTone } from './tone-policy';

/**
 * The alarm sounds, made with WebAudio (no audio files to ship). Browsers
 * keep audio suspended until the page has had a user gesture; until then a
 * tone is silently skipped. Nothing here may throw into the alarm path.
 */
let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (context !== null) {
    return context;
  }
  try {
    const Constructor = window.AudioContext as typeof AudioContext | undefined;
    context = Constructor === undefined ? null : new Constructor();
  } catch {
    context = null;
  }
  return context;
}

/** Unlocks audio on the officer's first click or key press (the login counts), so later alarms can sound. */
export function unlockAudioOnFirstGesture(): void {
  const unlock = (): void => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
    const ctx = audioContext();
    if (ctx !== null && ctx.state === 'suspended') {
      void ctx.resume().catch(() => undefined);
    }
  };
  window.addEventListener('pointerdown', unlock);
  window.addEventListener('keydown', unlock);
}

interface Beep {
  /** Seconds after the start of the pattern. */
  at: number;
  frequency: number;
  wave: OscillatorType;
  duration: number;
  volume: number;
}

/**
 * The patterns of the tone policy: urgent is three harsh alternating beeps
 * (it repeats with hardly a gap), repeat two of them, the chime one soft
 * note that does not startle an officer for a low-priority alarm.
 */
const PATTERNS: Record<AlertTone, readonly Beep[]> = {
  urgent: [0, 1, 2].map((i) => ({
    at: i * 0.22,
    frequency: i % 2 === 0 ? 880 : 660,
    wave: 'square',
    duration: 0.2,
    volume: 0.15,
  })),
  repeat: [0, 1].map((i) => ({
    at: i * 0.22,
    frequency: i % 2 === 0 ? 880 : 660,
    wave: 'square',
    duration: 0.2,
    volume: 0.12,
  })),
  chime: [{ at: 0, frequency: 1_046.5, wave: 'sine', duration: 0.6, volume: 0.2 }],
};

export function playTone(tone: AlertTone): void {
  try {
    const ctx = audioContext();
    if (ctx === null || ctx.state !== 'running') {
      return;
    }
    const start = ctx.currentTime;
    for (const beep of PATTERNS[tone]) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = beep.wave;
      oscillator.frequency.value = beep.frequency;
      const at = start + beep.at;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(beep.volume, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + beep.duration - 0.02);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + beep.duration);
    }
  } catch {
    // A wall without sound still flashes.
  }
}
