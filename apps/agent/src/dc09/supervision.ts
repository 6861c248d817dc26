/** Link state of one panel account, as the receiver reports it. */
export interface AccountLink {
  account: string;
  /** Last authenticated message (NULL, test or event) within the timestamp window; null: none since start. */
  lastSeenAt: string | null;
  /** 0 when the account is not watched. */
  supervisionSec: number;
  /** Watched and not heard from for longer than `supervisionSec`. */
  silent: boolean;
}

export interface SupervisorHooks {
  /** The panel has been silent too long; called once per silence. A rejection re-arms it for the next check. */
  onSilent(account: string, silentForSec: number): Promise<void>;
  /** A silent panel spoke again. */
  onBack(account: string): void;
}

interface Watched {
  supervisionSec: number;
  lastSeen: number | undefined;
  silent: boolean;
}

/**
 * Tracks when each panel last spoke, so a panel that stops (cut line, dead battery, sabotage) is reported
 * rather than discovered at the next alarm that never comes. Time starts at `startedAt`: a panel gets one full
 * period after the agent starts before it counts as silent.
 */
export class LinkSupervisor {
  private readonly accounts = new Map<string, Watched>();

  constructor(
    accounts: ReadonlyArray<{ account: string; supervisionSec: number }>,
    private readonly startedAt: number,
    private readonly hooks: SupervisorHooks,
  ) {
    for (const a of accounts) {
      this.accounts.set(a.account, { supervisionSec: a.supervisionSec, lastSeen: undefined, silent: false });
    }
  }

  /** The shortest supervision period, in seconds; undefined when no account is watched. */
  get shortestPeriodSec(): number | undefined {
    const periods = [...this.accounts.values()].map((a) => a.supervisionSec).filter((s) => s > 0);
    return periods.length > 0 ? Math.min(...periods) : undefined;
  }

  seen(account: string, at: number): void {
    const watched = this.accounts.get(account);
    if (watched === undefined) {
      return;
    }
    watched.lastSeen = at;
    if (watched.silent) {
      watched.silent = false;
      this.hooks.onBack(account);
    }
  }

  /** Reports every watched panel that has become silent since the last check. */
  check(now: number): void {
    for (const [account, watched] of this.accounts) {
      if (watched.supervisionSec === 0 || watched.silent) {
        continue;
      }
      const silentForMs = now - (watched.lastSeen ?? this.startedAt);
      if (silentForMs > watched.supervisionSec * 1000) {
        watched.silent = true;
        this.hooks.onSilent(account, Math.round(silentForMs / 1000)).catch(() => {
          // Not reported (the outbox refused it): re-arm, so the next check tries again.
          watched.silent = false;
        });
      }
    }
  }

  status(): AccountLink[] {
    return [...this.accounts].map(([account, w]) => ({
      account,
      lastSeenAt: w.lastSeen === undefined ? null : new Date(w.lastSeen).toISOString(),
      supervisionSec: w.supervisionSec,
      silent: w.silent,
    }));
  }
}
