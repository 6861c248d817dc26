import type { Logger } from '@bsm/runtime';
import type { AccessVerdict, MediaAccess, PlaySession } from './media-server.js';
import { signToken, toQuery, verifyToken } from './signing.js';
import { MEDIA_APP, parseStreamName, streamNameOf, type StreamKey } from './stream-name.js';
import { ViewerRegistry, type Timers } from './viewer-registry.js';

export interface PlayRequest extends StreamKey {
  /** Who asks (`u:<username>`, `center:<id>` for a parent's relay): bound into the URL and logged when it plays. */
  subject?: string;
}

export interface PlayGrant {
  stream: string;
  url: string;
  /** The URL must be opened before this instant; a play once started is never cut. */
  expiresAt: string;
}

export interface MediaServiceOptions {
  secret: Buffer;
  /**
   * How browsers reach our FLV endpoint, without a trailing slash: empty for
   * the console's own origin (the center serves `/live/…` itself, so the
   * stream is as secure as the console: HTTPS, no second origin), or an
   * address like `https://video.bank.local` behind a proxy.
   */
  playBaseUrl: string;
  /** How a parent center's relay reaches our FLV endpoint directly: `http://host:port`. */
  relayBaseUrl: string;
  /** How agents and parent relays reach our RTMP endpoint: `rtmp://host:port`. */
  publishBaseUrl: string;
  /** Our RTMP port on loopback, for relays running on this host. */
  localRtmpPort: number;
  playUrlTtlSec: number;
  publishKeyTtlSec: number;
  graceSec: number;
  /**
   * Make the stream arrive at our media server: for a camera of our own branch, send `stream.start`
   * with `publishUrlFor(stream)` to its agent; for a camera below a child center, start a relay.
   * Rejects (with a reason for the officer) when it cannot: budget full, camera offline.
   */
  ensureUpstream(key: StreamKey, stream: string): Promise<void>;
  /** Nobody watches any more (after the grace): stop the push or the relay. */
  releaseUpstream(key: StreamKey, stream: string): Promise<void>;
  /** Ends every play of `stream` on the media server now; returns how many were cut. */
  disconnectViewers(stream: string): number;
  log: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  timers?: Timers;
}

/**
 * The rules of live video at one center, independent of MQTT and of the media
 * server's I/O: who may play or publish what, on-demand upstreams with
 * reference counting, and signed URLs.
 */
export class MediaService {
  private readonly registry: ViewerRegistry;
  /** The upstream start in flight or done, per demanded stream. */
  private readonly upstreams = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly opts: MediaServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.registry = new ViewerRegistry({
      graceMs: opts.graceSec * 1000,
      onFirstDemand: (stream) => this.startUpstream(stream),
      onIdle: (stream) => this.stopUpstream(stream),
      ...(opts.timers ? { timers: opts.timers } : {}),
    });
  }

  /**
   * A signed URL to play a camera, after its upstream is up (the caller has
   * already checked the user's jurisdiction and permissions). The first request
   * of a stream starts the upstream; later ones share it.
   */
  async requestPlay(req: PlayRequest): Promise<PlayGrant> {
    const stream = streamNameOf(req);
    this.registry.reserve(stream);
    const upstream = this.upstreams.get(stream);
    try {
      await upstream;
    } catch (error) {
      if (this.upstreams.get(stream) === upstream) {
        // Let the next request try again rather than wait for a grace period to pass.
        this.upstreams.delete(stream);
        this.registry.drop(stream);
      }
      throw error;
    }
    const exp = Math.floor(this.now() / 1000) + this.opts.playUrlTtlSec;
    const token = signToken(this.opts.secret, 'play', stream, exp, req.subject);
    return {
      stream,
      url: `${req.subject?.startsWith('center:') === true ? this.opts.relayBaseUrl : this.opts.playBaseUrl}/${MEDIA_APP}/${stream}.flv?${toQuery(token)}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** The RTMP URL with a publish key an agent (or a relay elsewhere) pushes `stream` to. */
  publishUrlFor(stream: string): string {
    return `${this.opts.publishBaseUrl}/${MEDIA_APP}/${stream}?${this.publishQuery(stream)}`;
  }

  /** The same for a relay process on this host. */
  localPublishUrlFor(stream: string): string {
    return `rtmp://127.0.0.1:${this.opts.localRtmpPort}/${MEDIA_APP}/${stream}?${this.publishQuery(stream)}`;
  }

  /** The media server's gate; give it as `authorize` to `startMediaServer`. */
  authorize(access: MediaAccess, stream: string, query: Record<string, string | string[] | undefined>): AccessVerdict {
    const nowSec = Math.floor(this.now() / 1000);
    if (access === 'play') {
      const verdict = verifyToken(this.opts.secret, 'play', stream, query, nowSec);
      // A URL is issued only with the stream demanded; once it went idle or was pre-empted, an old URL would
      // bring the branch's push back up without passing the link budget. The player asks for a fresh one.
      return verdict.ok && !this.registry.isDemanded(stream) ? { ok: false, reason: 'not_open' } : verdict;
    }
    // An agent's ffmpeg that restarts reuses the key it was given; while the stream is still wanted that
    // is legitimate even after the key's expiry, so only an unwanted stream enforces it.
    const verdict = verifyToken(
      this.opts.secret,
      'publish',
      stream,
      query,
      this.registry.isDemanded(stream) ? 0 : nowSec,
    );
    return verdict;
  }

  /** Give as `onPlayStarted` to `startMediaServer`. */
  playStarted(play: PlaySession): void {
    this.opts.log.info(
      { stream: play.stream, sub: play.sub, peer: play.peer, protocol: play.protocol },
      'viewer joined',
    );
    this.registry.viewerJoined(play.stream, play.id);
  }

  /** Give as `onPlayEnded` to `startMediaServer`. */
  playEnded(play: PlaySession): void {
    this.opts.log.info({ stream: play.stream, sub: play.sub, peer: play.peer }, 'viewer left');
    this.registry.viewerLeft(play.stream, play.id);
  }

  /**
   * Cuts a stream now, whoever watches, because more urgent video needs its
   * link: the viewers are disconnected, URLs already issued stop working and the
   * upstream stops without a grace period. Returns how many viewers were cut.
   */
  evict(stream: string): number {
    this.registry.drop(stream);
    const cut = this.opts.disconnectViewers(stream);
    this.opts.log.warn({ stream, viewers: cut }, 'stream pre-empted: viewers cut, upstream stopping');
    void this.releaseNow(stream);
    return cut;
  }

  viewerCount(stream: string): number {
    return this.registry.viewerCount(stream);
  }

  isDemanded(stream: string): boolean {
    return this.registry.isDemanded(stream);
  }

  /** Stops every upstream still running (center shutdown). */
  async close(): Promise<void> {
    const streams = this.registry.demandedStreams();
    this.registry.close();
    await Promise.all(streams.map((s) => this.releaseNow(s)));
  }

  private publishQuery(stream: string): string {
    const exp = Math.floor(this.now() / 1000) + this.opts.publishKeyTtlSec;
    return toQuery(signToken(this.opts.secret, 'publish', stream, exp));
  }

  private startUpstream(stream: string): void {
    const key = parseStreamName(stream);
    const started = key
      ? this.opts.ensureUpstream(key, stream)
      : Promise.reject(new Error(`not a camera stream: ${stream}`));
    // Whoever awaits this in requestPlay sees the error; a viewer joining by itself has nobody to tell.
    started.catch((error: unknown) => this.opts.log.warn({ err: error, stream }, 'upstream did not start'));
    this.upstreams.set(stream, started);
    this.opts.log.info({ stream }, 'stream demanded');
  }

  private stopUpstream(stream: string): void {
    this.opts.log.info({ stream }, 'stream idle; stopping its upstream');
    void this.releaseNow(stream);
  }

  private async releaseNow(stream: string): Promise<void> {
    const started = this.upstreams.get(stream);
    this.upstreams.delete(stream);
    const key = parseStreamName(stream);
    if (!started || !key) {
      return;
    }
    try {
      await started;
    } catch {
      return; // it never came up: nothing to stop
    }
    try {
      await this.opts.releaseUpstream(key, stream);
    } catch (error) {
      this.opts.log.warn({ err: error, stream }, 'upstream did not stop cleanly');
    }
  }
}
