import type { PtzLock } from '@bsm/protocol';

export interface PtzOperator {
  /** "fz-op@fz": user and the center they work at. */
  holder: string;
  /** Tier of the operator's center: 1 (provincial) outranks 2 and 3. */
  tier: 1 | 2 | 3;
}

export type LockDecision = { granted: true; lock: PtzLock; tookOverFrom?: string } | { granted: false; lock: PtzLock };

/**
 * One officer steers a camera at a time. The lock follows the operator's
 * commands and lapses after `idleMs` without one; an operator of a higher
 * tier (a lower number) takes it over at once, as a provincial officer must
 * be able to during an incident; equals and lower tiers wait.
 */
export class PtzLocks {
  private readonly locks = new Map<string, { holder: string; tier: 1 | 2 | 3; expiresAt: number }>();

  constructor(
    private readonly idleMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  acquire(cameraId: string, who: PtzOperator): LockDecision {
    const t = this.now();
    const current = this.locks.get(cameraId);
    const view = (l: { holder: string; tier: 1 | 2 | 3; expiresAt: number }): PtzLock => ({
      cameraId,
      holder: l.holder,
      tier: l.tier,
      expiresAt: new Date(l.expiresAt).toISOString(),
    });
    if (current && current.expiresAt > t && current.holder !== who.holder && current.tier <= who.tier) {
      return { granted: false, lock: view(current) };
    }
    const next = { holder: who.holder, tier: who.tier, expiresAt: t + this.idleMs };
    this.locks.set(cameraId, next);
    const tookOver = current && current.expiresAt > t && current.holder !== who.holder ? current.holder : undefined;
    return { granted: true, lock: view(next), ...(tookOver ? { tookOverFrom: tookOver } : {}) };
  }

  release(cameraId: string, holder: string): void {
    if (this.locks.get(cameraId)?.holder === holder) {
      this.locks.delete(cameraId);
    }
  }

  current(cameraId: string): PtzLock | null {
    const l = this.locks.get(cameraId);
    if (!l || l.expiresAt <= this.now()) {
      return null;
    }
    return { cameraId, holder: l.holder, tier: l.tier, expiresAt: new Date(l.expiresAt).toISOString() };
  }
}
