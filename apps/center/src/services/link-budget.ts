import type { LinkUsage, StreamProfileName, StreamPurpose } from '@bsm/protocol';

/** Lower number wins a full link: alarm video, then live viewing, then playback, then bulk uploads (SPEC T3). */
export const PURPOSE_RANK: Record<StreamPurpose, number> = { alarm: 0, live: 1, playback: 2, bulk: 3 };

/** One stream crossing links: the same camera and profile is carried once, however many watch it. */
export interface StreamClaim {
  key: string;
  cameraId: string;
  cameraName: string;
  profile: StreamProfileName;
  kbps: number;
  /** The most urgent purpose among those sharing it. */
  purpose: StreamPurpose;
  heldBy: string;
  /** Links the stream crosses to reach this center, from the branch up. */
  links: string[];
  admittedAt: number;
}

export interface StreamOption {
  profile: StreamProfileName;
  /** Bitrate the link must reserve for it (the camera's rate with headroom). */
  kbps: number;
}

export interface StreamRequest {
  cameraId: string;
  cameraName: string;
  /** Acceptable profiles, preferred first (e.g. main, then sub). */
  options: StreamOption[];
  purpose: StreamPurpose;
  heldBy: string;
  links: string[];
}

export type Admission =
  { ok: true; claim: StreamClaim; shared: boolean; preempted: StreamClaim[] } | { ok: false; link: LinkUsage };

export const streamKey = (cameraId: string, profile: string): string => `${cameraId}~${profile}`;

/**
 * Admission control over the links between branches and centers. A stream
 * is admitted only if it fits on every link it crosses; the preferred
 * profile first, then the others; a more urgent request may pre-empt less
 * urgent streams (least urgent and newest first). A refusal names the link
 * and who uses it, so the officer knows why.
 */
export class LinkBudget {
  private readonly claims = new Map<string, StreamClaim>();

  constructor(
    /** Capacity of a link by id, in kbit/s (from config: branch uplinks default to 1 Mbit/s). */
    private readonly capacityOf: (link: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  request(req: StreamRequest): Admission {
    for (const option of req.options) {
      const existing = this.claims.get(streamKey(req.cameraId, option.profile));
      if (existing) {
        // Already on the wire: sharing costs nothing; it takes the more urgent purpose.
        if (PURPOSE_RANK[req.purpose] < PURPOSE_RANK[existing.purpose]) {
          existing.purpose = req.purpose;
          existing.heldBy = req.heldBy;
        }
        return { ok: true, claim: existing, shared: true, preempted: [] };
      }
    }
    for (const option of req.options) {
      if (this.fits(req.links, option.kbps)) {
        return { ok: true, claim: this.admit(req, option), shared: false, preempted: [] };
      }
    }
    // Nothing fits as is: may a more urgent request make room by pre-empting?
    for (const option of req.options) {
      const victims = this.victimsFor(req, option);
      if (victims) {
        for (const v of victims) {
          this.claims.delete(v.key);
        }
        return { ok: true, claim: this.admit(req, option), shared: false, preempted: victims };
      }
    }
    const smallest = Math.min(...req.options.map((o) => o.kbps));
    const blocking = req.links.find((l) => this.used(l) + smallest > this.capacityOf(l)) ?? req.links[0] ?? 'unknown';
    return { ok: false, link: this.usage(blocking) };
  }

  release(key: string): StreamClaim | undefined {
    const claim = this.claims.get(key);
    this.claims.delete(key);
    return claim;
  }

  usage(link: string): LinkUsage {
    const streams = [...this.claims.values()].filter((c) => c.links.includes(link));
    return {
      link,
      capacityKbps: this.capacityOf(link),
      usedKbps: streams.reduce((sum, c) => sum + c.kbps, 0),
      streams: streams.map((c) => ({
        cameraId: c.cameraId,
        cameraName: c.cameraName,
        profile: c.profile,
        kbps: c.kbps,
        purpose: c.purpose,
        heldBy: c.heldBy,
      })),
    };
  }

  active(): StreamClaim[] {
    return [...this.claims.values()];
  }

  private used(link: string): number {
    let sum = 0;
    for (const c of this.claims.values()) {
      if (c.links.includes(link)) {
        sum += c.kbps;
      }
    }
    return sum;
  }

  private fits(links: string[], kbps: number): boolean {
    return links.every((l) => this.used(l) + kbps <= this.capacityOf(l));
  }

  private admit(req: StreamRequest, option: StreamOption): StreamClaim {
    const claim: StreamClaim = {
      key: streamKey(req.cameraId, option.profile),
      cameraId: req.cameraId,
      cameraName: req.cameraName,
      profile: option.profile,
      kbps: option.kbps,
      purpose: req.purpose,
      heldBy: req.heldBy,
      links: req.links,
      admittedAt: this.now(),
    };
    this.claims.set(claim.key, claim);
    return claim;
  }

  /** The fewest less-urgent streams whose removal lets `option` fit, or null if none would. */
  private victimsFor(req: StreamRequest, option: StreamOption): StreamClaim[] | null {
    const rank = PURPOSE_RANK[req.purpose];
    const candidates = [...this.claims.values()]
      .filter((c) => PURPOSE_RANK[c.purpose] > rank && c.links.some((l) => req.links.includes(l)))
      .sort((a, b) => PURPOSE_RANK[b.purpose] - PURPOSE_RANK[a.purpose] || b.admittedAt - a.admittedAt);
    const victims: StreamClaim[] = [];
    const freed = new Map<string, number>();
    const fitsAfter = (): boolean =>
      req.links.every((l) => this.used(l) - (freed.get(l) ?? 0) + option.kbps <= this.capacityOf(l));
    for (const c of candidates) {
      if (fitsAfter()) {
        break;
      }
      victims.push(c);
      for (const l of c.links) {
        freed.set(l, (freed.get(l) ?? 0) + c.kbps);
      }
    }
    return fitsAfter() && victims.length > 0 ? victims : null;
  }
}
