import type { PlayResponse, StreamProfileName } from '@bsm/protocol';
import { playErrorInfo, type PlayErrorInfo } from './play-error';
import { reconnectDelayMs } from './reconnect-backoff';

/** What a cell shows (and its data-state says). */
export type StreamState = 'idle' | 'connecting' | 'playing' | 'stalled' | 'reconnecting' | 'error';

export interface StreamSnapshot {
  state: StreamState;
  /** Why the last play request or stream failed; kept while reconnecting, cleared once frames flow. */
  error: PlayErrorInfo | null;
  /** The profile the center granted, and what was asked for. */
  profile: StreamProfileName | null;
  requestedProfile: StreamProfileName | undefined;
  /** Failures since frames last flowed; drives the back-off. */
  attempt: number;
}

/** An opened stream (the mpegts.js player attached to the cell's video). */
export interface StreamSink {
  /** Rises while frames are presented (video.currentTime and decoded frames); 0 before the first frame. */
  progress(): number;
  destroy(): void;
}

export interface SupervisorDeps {
  /** POST /api/cameras/:id/play: a fresh signed URL. */
  requestPlay(profile: StreamProfileName | undefined, signal: AbortSignal): Promise<PlayResponse>;
  /** Opens the URL in the player; `fail` is called on a player error or when the stream ends. */
  open(url: string, fail: (reason: string) => void): StreamSink;
  /** The profile to ask for at each (re)connect (the layout may have changed meanwhile). */
  preferredProfile(): StreamProfileName | undefined;
  onChange(snapshot: StreamSnapshot): void;
  now?: () => number;
}

/** How often the watchdog looks at frame progress. */
export const WATCH_INTERVAL_MS = 500;
/** No new frame for this long: the cell says "stalled". */
export const STALL_SHOW_MS = 1_500;
/** No new frame for this long: the player is torn down and the stream asked for again. */
export const STALL_RECOVER_MS = 3_000;
/** A freshly opened stream that shows no frame within this long is treated as failed. */
export const FIRST_FRAME_TIMEOUT_MS = 10_000;

/**
 * Keeps one camera playing in one cell, by itself:
 *
 *   idle ─start→ connecting ─(URL, player opened, first frame)→ playing
 *   playing ─(no frame 1.5 s)→ stalled ─(frame)→ playing
 *   stalled ─(no frame 3 s)→ ┐
 *   playing/stalled ─(player ERROR or stream ended)→ ├→ reconnecting: destroy the player,
 *   connecting ─(no first frame in 10 s)→ ┘   wait 1, 2, 4, 8, 10, 10… s, ask play again, reopen
 *   play request refused → error (message shown); retried with the same back-off
 *     unless final (outside jurisdiction, unknown camera, no session)
 *   any ─stop→ idle (request aborted, player destroyed, timers cleared)
 *
 * The back-off restarts from 1 s once frames flow again.
 */
export class StreamSupervisor {
  private snapshot: StreamSnapshot = {
    state: 'idle',
    error: null,
    profile: null,
    requestedProfile: undefined,
    attempt: 0,
  };
  private sink: StreamSink | null = null;
  private request: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private lastProgress = 0;
  private lastProgressAt = 0;
  private openedAt = 0;
  /** Bumped on every (re)connect and stop, so a late answer of an older attempt is ignored. */
  private generation = 0;

  constructor(private readonly deps: SupervisorDeps) {}

  getSnapshot(): StreamSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.stop();
    this.watchTimer = setInterval(() => this.watch(), WATCH_INTERVAL_MS);
    this.connect('connecting');
  }

  stop(): void {
    this.generation += 1;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    this.request?.abort();
    this.request = null;
    this.closeSink();
    this.update({ state: 'idle', error: null, attempt: 0 });
  }

  /** The officer's "retry": try at once, from a fresh back-off. */
  retryNow(): void {
    this.start();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private update(patch: Partial<StreamSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    const changed = (Object.keys(next) as (keyof StreamSnapshot)[]).some((key) => next[key] !== this.snapshot[key]);
    if (changed) {
      this.snapshot = next;
      this.deps.onChange(next);
    }
  }

  private closeSink(): void {
    const sink = this.sink;
    this.sink = null;
    if (sink !== null) {
      try {
        sink.destroy();
      } catch {
        // A player that fails to tear down is dropped all the same.
      }
    }
  }

  private connect(state: 'connecting' | 'reconnecting'): void {
    const generation = ++this.generation;
    this.closeSink();
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    const profile = this.deps.preferredProfile();
    if (this.snapshot.state !== 'error') {
      this.update({ state, requestedProfile: profile });
    }
    this.deps.requestPlay(profile, controller.signal).then(
      (granted) => {
        if (generation !== this.generation) {
          return;
        }
        this.request = null;
        this.update({ state, profile: granted.profile, requestedProfile: profile });
        this.openedAt = this.now();
        this.lastProgress = 0;
        this.lastProgressAt = this.openedAt;
        try {
          this.sink = this.deps.open(granted.url, (reason) => {
            if (generation === this.generation) {
              this.fail({ code: 'stream', retry: true, message: reason });
            }
          });
        } catch (error) {
          this.fail(playErrorInfo(error));
        }
      },
      (error: unknown) => {
        if (generation !== this.generation) {
          return;
        }
        this.request = null;
        const info = playErrorInfo(error);
        this.update({ state: 'error', error: info });
        if (info.retry) {
          this.scheduleRetry();
        }
      },
    );
  }

  /** The stream broke: tear it down and come back after the back-off. */
  private fail(info: PlayErrorInfo): void {
    this.generation += 1;
    this.closeSink();
    this.update({ state: 'reconnecting', error: info });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = reconnectDelayMs(this.snapshot.attempt);
    this.update({ attempt: this.snapshot.attempt + 1 });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect('reconnecting'), delay);
  }

  private watch(): void {
    const sink = this.sink;
    if (sink === null) {
      return;
    }
    const now = this.now();
    const progress = sink.progress();
    if (progress > 0 && progress !== this.lastProgress) {
      this.lastProgress = progress;
      this.lastProgressAt = now;
      if (this.snapshot.state !== 'playing') {
        this.update({ state: 'playing', error: null, attempt: 0 });
      }
      return;
    }
    const state = this.snapshot.state;
    if (state === 'playing' || state === 'stalled') {
      const idle = now - this.lastProgressAt;
      if (idle >= STALL_RECOVER_MS) {
        this.fail({ code: 'stream', retry: true, message: 'stalled' });
      } else if (idle >= STALL_SHOW_MS && state === 'playing') {
        this.update({ state: 'stalled' });
      }
    } else if (now - this.openedAt >= FIRST_FRAME_TIMEOUT_MS) {
      this.fail({ code: 'stream', retry: true, message: 'no frames' });
    }
  }
}
