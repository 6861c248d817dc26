/**
 * A short two-tone beep for urgent alarms, made with WebAudio (no audio
 * files to ship). Browsers keep audio suspended until the page has had a
 * user gesture; then the beep is silently skipped. Nothing here may throw
 * into the alarm path.
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

export function playAlertTone(priority: number): void {
  try {
    const ctx = audioContext();
    if (ctx === null || ctx.state !== 'running') {
      return;
    }
    const beeps = priority <= 1 ? 3 : 2;
    const start = ctx.currentTime;
    for (let i = 0; i < beeps; i += 1) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = i % 2 === 0 ? 880 : 660;
      const at = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.2);
    }
  } catch {
    // A wall without sound still flashes.
  }
}
