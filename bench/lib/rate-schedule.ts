/**
 * When each alarm of a steady storm is due, and which branch raises it.
 *
 * The i-th alarm (from 0) is due `i / rate` seconds after the start. The
 * generator asks, at every tick, how many should have been raised by now
 * (`dueBy`) and raises the difference, so a late tick catches up instead of
 * lowering the rate, and the lag of each alarm behind its slot (`dueAt`) is
 * known: a generator that falls behind would otherwise hide latency by
 * sending less.
 */
export class RateSchedule {
  /** Slots within this of an exact boundary count as due: i·1000/rate·rate/1000 is not always i in floating point. */
  private static readonly EPSILON = 1e-6;

  constructor(
    /** Alarms per second over all branches. */
    readonly ratePerSec: number,
    /** Alarms in the whole storm. */
    readonly total: number,
  ) {
    if (!(Number.isFinite(ratePerSec) && ratePerSec > 0)) {
      throw new RangeError(`rate must be a positive number of alarms per second, not ${ratePerSec}`);
    }
    if (!(Number.isInteger(total) && total >= 0)) {
      throw new RangeError(`total must be a whole number of alarms, not ${total}`);
    }
  }

  /** A storm of `ratePerSec` for `seconds`. */
  static of(ratePerSec: number, seconds: number): RateSchedule {
    if (!(Number.isFinite(seconds) && seconds > 0)) {
      throw new RangeError(`seconds must be positive, not ${seconds}`);
    }
    return new RateSchedule(ratePerSec, Math.round(ratePerSec * seconds));
  }

  /** Milliseconds after the start at which alarm `index` (from 0) is due. */
  dueAt(index: number): number {
    return (index * 1000) / this.ratePerSec;
  }

  /** How many alarms should have been raised `elapsedMs` after the start (the first one is due at once). */
  dueBy(elapsedMs: number): number {
    if (elapsedMs < 0) {
      return 0;
    }
    return Math.min(this.total, Math.floor((elapsedMs * this.ratePerSec) / 1000 + RateSchedule.EPSILON) + 1);
  }

  /** Milliseconds the storm lasts from the first slot to the last. */
  get durationMs(): number {
    return this.total === 0 ? 0 : this.dueAt(this.total - 1);
  }
}

/** Round-robin: alarm `index` is raised by branch `index mod branches`, so every branch sends at rate / branches. */
export function branchFor(index: number, branches: number): number {
  if (!(Number.isInteger(branches) && branches > 0)) {
    throw new RangeError(`branches must be a positive whole number, not ${branches}`);
  }
  return index % branches;
}
