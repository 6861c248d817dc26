import type { StreamProfileName, StreamStatus } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { CommandError } from '../command-error.js';
import { pushArgs, type RtspTransport } from './ffmpeg-args.js';
import { probeFfmpeg } from './ffmpeg.js';
import { ProgressTracker } from './progress.js';
import { redactCredentials } from './redact.js';
import { SupervisedProcess, type BackoffOptions, type SupervisedState } from './supervised-process.js';

export type PushState = StreamStatus['state'];

/** What the pusher needs to know of a camera. */
export interface PushSource {
  rtsp: { main?: string | undefined; sub?: string | undefined; transport: RtspTransport };
}

export interface StreamPusherOptions {
  /** The camera's RTSP side, or undefined for a camera this branch does not have. */
  camera: (cameraId: string) => PushSource | undefined;
  logger: Logger;
  /** ffmpeg binary; default {@link ffmpegPath}. */
  ffmpegPath?: string;
  backoff?: BackoffOptions;
  /** Unstable runs in a row before a push is reported `failed` and left alone (a new `start` tries again). */
  maxFailures?: number;
  /** A camera silent this long makes ffmpeg give up (and be restarted). */
  ioTimeoutMs?: number;
  /** A push whose frame count has not gone up for this long is killed and restarted (stuck camera, garbage). */
  stallMs?: number;
  /** No frame this long after a start: killed and restarted. Covers a slow RTSP handshake plus the probe. */
  firstFrameMs?: number;
  /** How often the watchdog looks. */
  checkEveryMs?: number;
}

const DEFAULTS = { maxFailures: 8, ioTimeoutMs: 5_000, stallMs: 8_000, firstFrameMs: 15_000, checkEveryMs: 500 };
/** Frames are "flowing" if the count went up within this; ffmpeg reports every ~0.5 s. */
const FLOWING_MS = 2_500;

interface Push {
  cameraId: string;
  profile: StreamProfileName;
  url: string;
  process: SupervisedProcess;
  progress: ProgressTracker;
  state: PushState;
  since: Date;
  spawnedAt: number;
  log: Logger;
}

/**
 * The branch's outgoing camera pushes, one ffmpeg (`-c copy`, RTSP in, RTMP out) per camera and profile, each under
 * a {@link SupervisedProcess}. A push is `running` only while ffmpeg's frame count goes up.
 */
export class StreamPusher {
  private readonly pushes = new Map<string, Push>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly settings: typeof DEFAULTS;
  private closed = false;

  constructor(private readonly options: StreamPusherOptions) {
    this.settings = {
      maxFailures: options.maxFailures ?? DEFAULTS.maxFailures,
      ioTimeoutMs: options.ioTimeoutMs ?? DEFAULTS.ioTimeoutMs,
      stallMs: options.stallMs ?? DEFAULTS.stallMs,
      firstFrameMs: options.firstFrameMs ?? DEFAULTS.firstFrameMs,
      checkEveryMs: options.checkEveryMs ?? DEFAULTS.checkEveryMs,
    };
    this.watchdog = setInterval(() => this.check(), this.settings.checkEveryMs);
    this.watchdog.unref();
  }

  /**
   * Starts pushing, or keeps the push going if it already goes to `url` (idempotent); a different `url` replaces
   * it, and a `failed` push is tried again. Resolves with the status once frames flow, the first attempt fails, or
   * `waitMs` passes, whichever is first.
   */
  async start(cameraId: string, profile: StreamProfileName, url: string, waitMs = 0): Promise<StreamStatus> {
    if (this.closed) {
      throw new Error('stream pusher stopped');
    }
    const camera = this.options.camera(cameraId);
    if (!camera) {
      throw new CommandError('unknown_camera', `no camera "${cameraId}" at this branch`);
    }
    const rtspUrl = camera.rtsp[profile];
    if (rtspUrl === undefined) {
      throw new CommandError(
        'no_stream',
        `camera "${cameraId}" has no RTSP URL for the ${profile} stream (rtsp.${profile})`,
      );
    }
    const key = keyOf(cameraId, profile);
    const existing = this.pushes.get(key);
    if (existing && existing.url === url) {
      if (existing.state === 'failed') {
        existing.log.info('push: trying a failed push again');
        existing.process.start();
        this.update(existing);
      }
      return this.waitForOutcome(existing, waitMs);
    }
    if (existing) {
      existing.log.info('push: new destination; restarting');
      await this.stop(cameraId, profile);
    }
    const ffmpeg = await probeFfmpeg(this.options.ffmpegPath);
    if (this.pushes.has(key)) {
      // A concurrent start for the same stream won the race while we probed ffmpeg.
      return this.start(cameraId, profile, url, waitMs);
    }
    const process = new SupervisedProcess({
      command: ffmpeg.path,
      args: pushArgs({
        rtspUrl,
        rtmpUrl: url,
        transport: camera.rtsp.transport,
        ioTimeoutMs: this.settings.ioTimeoutMs,
        timeoutOption: ffmpeg.timeoutOption,
      }),
      backoff: this.options.backoff,
      maxFailures: this.settings.maxFailures,
      stderrLines: 30,
    });
    const push: Push = {
      cameraId,
      profile,
      url,
      process,
      progress: new ProgressTracker(),
      state: 'starting',
      since: new Date(),
      spawnedAt: Date.now(),
      log: this.options.logger.child({ cameraId, profile }),
    };
    this.pushes.set(key, push);
    process.on('spawn', (pid, attempt) => {
      push.progress.reset();
      push.spawnedAt = Date.now();
      push.log.info({ pid, attempt }, 'push: ffmpeg started');
      this.update(push);
    });
    process.on('stdout', (line) => {
      if (push.progress.line(line)) {
        this.update(push);
      }
    });
    process.on('exit', (info) => {
      if (!info.requested) {
        push.log.warn(
          { code: info.code, signal: info.signal, ranMs: info.ranMs, lastError: this.lastError(push) },
          'push: ffmpeg exited',
        );
      }
      this.update(push);
    });
    process.on('backoff', (delayMs, failures) =>
      push.log.info({ delayMs, failures }, 'push: restarting after a pause'),
    );
    process.on('state', () => this.update(push));
    process.start();
    return this.waitForOutcome(push, waitMs);
  }

  /** Stops one push (ffmpeg gets `q`, then SIGTERM, then SIGKILL). Idempotent. */
  async stop(cameraId: string, profile: StreamProfileName): Promise<boolean> {
    const key = keyOf(cameraId, profile);
    const push = this.pushes.get(key);
    if (!push) {
      return false;
    }
    this.pushes.delete(key);
    await push.process.stop();
    push.log.info('push: stopped');
    return true;
  }

  /** Stops every push; the pusher takes no new ones afterwards. */
  async stopAll(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    await Promise.all([...this.pushes.values()].map((p) => this.stop(p.cameraId, p.profile)));
  }

  statuses(): StreamStatus[] {
    return [...this.pushes.values()].map((p) => this.statusOf(p));
  }

  status(cameraId: string, profile: StreamProfileName): StreamStatus | undefined {
    const push = this.pushes.get(keyOf(cameraId, profile));
    return push ? this.statusOf(push) : undefined;
  }

  /** The ffmpeg process id of a push (tests kill it to prove the restart). */
  pid(cameraId: string, profile: StreamProfileName): number | undefined {
    return this.pushes.get(keyOf(cameraId, profile))?.process.pid;
  }

  private statusOf(push: Push): StreamStatus {
    const status: StreamStatus = {
      cameraId: push.cameraId,
      profile: push.profile,
      state: push.state,
      since: push.since.toISOString(),
      restarts: push.process.restarts,
    };
    const lastError = this.lastError(push);
    if (lastError !== undefined) {
      status.lastError = lastError;
    }
    return status;
  }

  private lastError(push: Push): string | undefined {
    const error = push.process.lastError;
    return error === undefined ? undefined : redactCredentials(error).slice(0, 300);
  }

  /** Recomputes the reported state from the process state and the frame progress. */
  private update(push: Push): void {
    const state = reportedState(push.process.state, push.progress.idleMs(), push.process.restarts);
    if (state !== push.state) {
      push.state = state;
      push.since = new Date();
      push.log.info({ state, restarts: push.process.restarts }, `push: ${state}`);
    }
  }

  /** Restarts pushes whose ffmpeg lives but moves no frames, and keeps `running` honest when frames stop. */
  private check(): void {
    const now = Date.now();
    for (const push of this.pushes.values()) {
      if (push.process.state === 'running') {
        const idle = push.progress.idleMs(now);
        if (idle === undefined && now - push.spawnedAt > this.settings.firstFrameMs) {
          push.process.recycle(`no video from the camera within ${this.settings.firstFrameMs} ms`);
        } else if (idle !== undefined && idle > this.settings.stallMs) {
          push.process.recycle(`video stalled: no new frame for ${this.settings.stallMs} ms`);
        }
      }
      this.update(push);
    }
  }

  private async waitForOutcome(push: Push, waitMs: number): Promise<StreamStatus> {
    const deadline = Date.now() + waitMs;
    // Polling keeps this simple: a handful of checks per command, no listeners to clean up.
    while (Date.now() < deadline && this.pushes.get(keyOf(push.cameraId, push.profile)) === push) {
      this.update(push);
      if (push.state !== 'starting') {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.statusOf(push);
  }
}

function keyOf(cameraId: string, profile: StreamProfileName): string {
  return `${cameraId}/${profile}`;
}

/** The protocol's four states from the supervisor's state and how recently frames went up. */
export function reportedState(process: SupervisedState, idleMs: number | undefined, restarts: number): PushState {
  if (process === 'failed') {
    return 'failed';
  }
  if (process === 'running' && idleMs !== undefined && idleMs <= FLOWING_MS) {
    return 'running';
  }
  if (process === 'running' && restarts === 0 && idleMs === undefined) {
    return 'starting';
  }
  // Waiting to restart, or alive with frames stalled (the watchdog restarts it soon).
  return 'restarting';
}
