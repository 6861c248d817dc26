/**
 * Reads ffmpeg's `-progress` output (`key=value` lines, a block every ~0.5 s ending in `progress=continue|end`)
 * and remembers when the frame count last went up: that, not the process being alive, is what tells media flows.
 */
export class ProgressTracker {
  private frames = 0;
  private lastAdvanceAt: number | undefined;

  /** Feeds one stdout line; returns true when it showed the frame count going up. */
  line(line: string, now = Date.now()): boolean {
    const match = /^frame=\s*(\d+)$/.exec(line.trim());
    if (!match) {
      return false;
    }
    const frames = Number(match[1]);
    // A restarted ffmpeg counts from 0 again: treat any change up from the last value of this run as progress.
    const advanced = frames > this.frames;
    this.frames = frames;
    if (advanced) {
      this.lastAdvanceAt = now;
    }
    return advanced;
  }

  /** Forget the previous run's count (called when the process starts again). */
  reset(): void {
    this.frames = 0;
    this.lastAdvanceAt = undefined;
  }

  get frameCount(): number {
    return this.frames;
  }

  /** Milliseconds since the frame count last went up; undefined if it never did in this run. */
  idleMs(now = Date.now()): number | undefined {
    return this.lastAdvanceAt === undefined ? undefined : now - this.lastAdvanceAt;
  }
}
