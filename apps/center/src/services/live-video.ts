import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type {
  CameraEntry,
  CommandName,
  CommandReply,
  PlayRequest,
  PlayResponse,
  PtzRequest,
  SessionUser,
  StreamProfileName,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { HttpError } from '../api/http-errors.js';
import { auditedAction, auditedRead, recordLater, type AuditContext, type AuditTrail } from '../audit/audited.js';
import type { CenterConfig } from '../config.js';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { startMediaServer, type MediaServer, type PlaySession } from '../media/media-server.js';
import { createRelay } from '../media/relay.js';
import type { SupervisedProcess } from '../media/supervised-process.js';
import { parseStreamName, streamNameOf } from '../media/stream-name.js';
import { MediaService } from '../media/media-service.js';
import type { StreamKey } from '../media/stream-name.js';
import type { NodeRepository } from '../repositories/node.repository.js';
import { LinkBudget, streamKey, type StreamClaim, type StreamOption } from './link-budget.js';
import type { NodeIndex } from './node-index.js';
import { PtzLocks } from './ptz-lock.js';

export interface LiveVideoDeps {
  config: CenterConfig;
  nodes: NodeRepository;
  index: NodeIndex;
  log: Logger;
  /** Every play request (granted or refused), every viewer's start and end, every PTZ command. */
  audit: AuditTrail;
  /** Sends a command down the tree and waits for the reply (the center's command router). */
  send(target: string, name: CommandName, args: Record<string, unknown>, issuedBy: string): Promise<CommandReply>;
}

const PROFILE_ORDER: Record<StreamProfileName, StreamProfileName[]> = { main: ['main', 'sub'], sub: ['sub'] };

/** How long a refusal of a pre-empted stream says "pre-empted" rather than just "link full". */
const PREEMPTION_MEMORY_MS = 10 * 60_000;

interface Preemption {
  /** The more urgent stream that took the link. */
  by: Pick<StreamClaim, 'cameraName' | 'purpose' | 'heldBy'>;
  at: number;
}

/**
 * Live video at this center: a play request is checked against the user's
 * jurisdiction and the branch link's budget, then the stream is brought up on
 * demand (the agent pushes it to our media server) and shared by every viewer;
 * it stops a grace period after the last one leaves. PTZ goes through a
 * control lock to the camera's agent.
 */
export class LiveVideo {
  private readonly budget: LinkBudget;
  private readonly locks = new PtzLocks();
  /** Relays from child centers, by stream name. */
  private readonly relays = new Map<string, SupervisedProcess>();
  /** The child's play URL fetched during admission, used for the relay's first start. */
  private readonly childUrls = new Map<string, string>();
  /** Streams cut for more urgent video, by budget key, so their viewers are told why they cannot come back. */
  private readonly preemptions = new Map<string, Preemption>();
  /** When each viewer session of the media server started, for the audit entry of its end. */
  private readonly viewing = new Map<string, number>();

  private constructor(
    private readonly deps: LiveVideoDeps,
    private readonly server: MediaServer,
    private readonly media: MediaService,
    budget: LinkBudget,
  ) {
    this.budget = budget;
  }

  static async start(deps: LiveVideoDeps): Promise<LiveVideo> {
    const { config, log } = deps;
    const secret = config.media.secretFile ? readFileSync(config.media.secretFile) : randomBytes(32);
    // Links are `branch:<id>` (a branch's uplink to us) or `center:<id>` (a child center's link to us).
    const budget = new LinkBudget((link) =>
      link.startsWith('branch:') ? config.links.branchUplinkKbps : config.links.childCenterKbps,
    );
    // The media service needs the server's ports and the server asks the service; tie them with a late binding.
    let media: MediaService | null = null;
    let live: LiveVideo | null = null;
    const server = await startMediaServer({
      host: config.media.host,
      rtmpPort: config.media.rtmpPort,
      httpPort: config.media.httpPort,
      slowViewerBufferBytes: config.media.slowViewerBufferKb * 1024,
      log: log.child({ part: 'media' }),
      authorize: (access, stream, query) =>
        media?.authorize(access, stream, query) ?? { ok: false, reason: 'starting' },
      onPlayStarted: (play) => {
        media?.playStarted(play);
        live?.viewerStarted(play);
      },
      onPlayEnded: (play) => {
        media?.playEnded(play);
        live?.viewerEnded(play);
      },
    });
    media = new MediaService({
      secret,
      // Browsers play through the console's origin unless a proxy address is configured; relays go direct.
      playBaseUrl: config.media.publicUrl?.replace(/\/$/, '') ?? '',
      relayBaseUrl: `http://${config.media.host}:${server.httpPort}`,
      publishBaseUrl: config.media.publicRtmpUrl ?? `rtmp://${config.media.host}:${server.rtmpPort}`,
      localRtmpPort: server.rtmpPort,
      playUrlTtlSec: config.media.playUrlTtlSec,
      publishKeyTtlSec: config.media.publishKeyTtlSec,
      graceSec: config.media.graceSec,
      log: log.child({ part: 'media' }),
      ensureUpstream: (key, stream) =>
        live ? live.ensureUpstream(key, stream) : Promise.reject(new Error('starting')),
      releaseUpstream: (key) => (live ? live.releaseUpstream(key) : Promise.resolve()),
      disconnectViewers: (stream) => server.disconnectPlayers(stream),
    });
    live = new LiveVideo(deps, server, media, budget);
    log.info({ rtmpPort: server.rtmpPort, httpPort: server.httpPort }, 'media server ready');
    return live;
  }

  get ports(): { rtmp: number; http: number } {
    return { rtmp: this.server.rtmpPort, http: this.server.httpPort };
  }

  /** A camera the user may see, or the refusal they get. */
  private async visibleCamera(user: SessionUser, cameraId: string): Promise<CameraEntry> {
    const camera = await this.deps.nodes.cameraById(cameraId);
    // Outside the jurisdiction a camera does not exist for the user: no way to tell it from an unknown id.
    if (!camera || !this.deps.index.isWithin(camera.nodeId, user.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no camera ${cameraId}`);
    }
    return camera;
  }

  /** The branch link is the budget this center enforces; a camera below a child center is that center's to admit. */
  private directBranchOf(camera: CameraEntry): string | null {
    const record = this.deps.index.get(camera.nodeId);
    return record?.kind === 'branch' && record.reportedBy === camera.nodeId ? camera.nodeId : null;
  }

  /** A user asks to watch a camera: granted (a signed URL) only once the audit trail has recorded it. */
  async play(user: SessionUser, cameraId: string, req: PlayRequest, ctx: AuditContext = {}): Promise<PlayResponse> {
    return auditedRead(
      this.deps.audit,
      this.deps.log,
      {
        actor: user.username,
        action: 'video.play',
        target: cameraId,
        ip: ctx.ip ?? null,
        detail: { profile: req.profile ?? 'main', purpose: req.purpose },
      },
      async () => {
        const camera = await this.visibleCamera(user, cameraId);
        return this.admitAndPlay(camera, req, `${user.username}@${user.center.id}`, `u:${user.username}`);
      },
      (granted) => ({ granted: granted.profile, kbps: granted.kbps }),
    );
  }

  /** `media.play` from the parent center: the parent's relay is one viewer here, whatever its audience. */
  async playForParent(args: {
    cameraId: string;
    profile?: StreamProfileName;
    purpose: PlayRequest['purpose'];
    heldBy: string;
  }): Promise<PlayResponse> {
    const req: PlayRequest = { purpose: args.purpose, ...(args.profile ? { profile: args.profile } : {}) };
    return auditedRead(
      this.deps.audit,
      this.deps.log,
      {
        // The parent names who watches there; its own trail records that user's request.
        actor: `center:${this.deps.config.parent?.id ?? 'parent'}`,
        action: 'video.play',
        target: args.cameraId,
        detail: { profile: args.profile ?? 'main', purpose: args.purpose, heldBy: args.heldBy },
      },
      async () => {
        const camera = await this.deps.nodes.cameraById(args.cameraId);
        if (!camera) {
          throw new HttpError(404, 'not_found', `no camera ${args.cameraId}`);
        }
        return this.admitAndPlay(camera, req, args.heldBy, 'center:parent');
      },
      (granted) => ({ granted: granted.profile, kbps: granted.kbps }),
    );
  }

  /** Who a play URL was issued to, as the audit trail names them. */
  private viewerOf(play: PlaySession): string | null {
    if (play.sub?.startsWith('u:')) {
      return play.sub.slice(2);
    }
    if (play.sub === 'center:parent') {
      return `center:${this.deps.config.parent?.id ?? 'parent'}`;
    }
    return play.sub;
  }

  private viewEntry(play: PlaySession, action: string, detail: Record<string, unknown>) {
    const key = parseStreamName(play.stream);
    const cut = play.peer.lastIndexOf(':');
    return {
      actor: this.viewerOf(play),
      action,
      target: key?.cameraId ?? play.stream,
      outcome: 'success' as const,
      ip: cut > 0 ? play.peer.slice(0, cut) : play.peer,
      detail: { profile: key?.profile ?? null, protocol: play.protocol, session: play.id, ...detail },
    };
  }

  /** The media server says a viewer started playing (after its signed URL was checked). */
  viewerStarted(play: PlaySession): void {
    this.viewing.set(play.id, Date.now());
    recordLater(this.deps.audit, this.deps.log, this.viewEntry(play, 'video.view.start', {}));
  }

  /** A viewer's stream ended: it left, was cut for more urgent video, or the stream stopped. */
  viewerEnded(play: PlaySession): void {
    const since = this.viewing.get(play.id);
    this.viewing.delete(play.id);
    const seconds = since === undefined ? null : Math.round((Date.now() - since) / 1000);
    recordLater(this.deps.audit, this.deps.log, this.viewEntry(play, 'video.view.end', { seconds }));
  }

  private async admitAndPlay(
    camera: CameraEntry,
    req: PlayRequest,
    heldBy: string,
    subject: string,
  ): Promise<PlayResponse> {
    const cameraId = camera.id;
    const branch = this.directBranchOf(camera);
    const child = branch ? null : this.deps.index.routeTo(camera.nodeId);
    if (!branch && !child) {
      throw new HttpError(404, 'not_found', `no route to camera ${cameraId}`);
    }
    if (branch && !(await this.isOnline(branch))) {
      throw new HttpError(503, 'camera_offline', `${this.deps.index.nameOf(branch)} is offline`);
    }
    let options: StreamOption[] = PROFILE_ORDER[req.profile ?? 'main'].flatMap((profile) => {
      const s = camera.streams.find((x) => x.profile === profile);
      return s ? [{ profile, kbps: Math.ceil(s.kbps * this.deps.config.links.headroom) }] : [];
    });
    if (options.length === 0) {
      throw new HttpError(404, 'not_found', `${cameraId} has no ${req.profile ?? 'main'} stream`);
    }
    if (child) {
      // Below a child center: unless we already relay it, the child decides what its links can carry.
      const relayed = options.find((o) => this.relays.has(streamNameOf({ cameraId, profile: o.profile })));
      if (relayed) {
        options = [relayed];
      } else {
        const reply = await this.deps.send(
          child,
          'media.play',
          { cameraId, ...(req.profile ? { profile: req.profile } : {}), purpose: req.purpose, heldBy },
          heldBy,
        );
        const granted = reply.ok ? reply.result : undefined;
        if (!granted || typeof granted.url !== 'string' || (granted.profile !== 'main' && granted.profile !== 'sub')) {
          throw refusalFromChild(reply, child);
        }
        const profile = granted.profile;
        options = options.filter((o) => o.profile === profile);
        this.childUrls.set(streamNameOf({ cameraId, profile }), granted.url);
      }
    }
    const link = branch ? `branch:${branch}` : `center:${child ?? ''}`;
    const admission = this.budget.request({
      cameraId,
      cameraName: camera.name,
      options,
      purpose: req.purpose,
      heldBy,
      links: [link],
    });
    if (!admission.ok) {
      const preemption = this.recentPreemption(options.map((o) => streamKey(cameraId, o.profile)));
      if (preemption) {
        throw new HttpError(
          409,
          'preempted',
          `${camera.name} was cut for ${preemption.by.purpose} video of ${preemption.by.cameraName} (${preemption.by.heldBy})`,
          undefined,
          admission.link,
        );
      }
      throw new HttpError(409, 'link_full', `the link ${link} is full`, undefined, admission.link);
    }
    for (const victim of admission.preempted) {
      this.preempt(victim, admission.claim);
    }
    const profile = admission.claim.profile;
    try {
      const grant = await this.media.requestPlay({ cameraId, profile, subject });
      return { cameraId, profile, url: grant.url, expiresAt: grant.expiresAt, kbps: admission.claim.kbps };
    } catch (error) {
      if (!admission.shared) {
        this.budget.release(streamKey(cameraId, profile));
      }
      throw error instanceof HttpError ? error : new HttpError(503, 'camera_offline', (error as Error).message);
    }
  }

  /**
   * Makes room on the link for more urgent video (SPEC T3): the budget has
   * already dropped the victim's claim; here its viewers are cut and the
   * branch stops pushing it at once, rather than after the grace period.
   */
  private preempt(victim: StreamClaim, by: StreamClaim): void {
    this.preemptions.set(victim.key, {
      by: { cameraName: by.cameraName, purpose: by.purpose, heldBy: by.heldBy },
      at: Date.now(),
    });
    const stream = streamNameOf({ cameraId: victim.cameraId, profile: victim.profile });
    this.deps.log.warn(
      { stream, purpose: victim.purpose, heldBy: victim.heldBy, by: by.key, byPurpose: by.purpose },
      'stream pre-empted by more urgent video',
    );
    this.media.evict(stream);
  }

  private recentPreemption(keys: string[]): Preemption | undefined {
    const now = Date.now();
    for (const [key, p] of this.preemptions) {
      if (now - p.at > PREEMPTION_MEMORY_MS) {
        this.preemptions.delete(key);
      }
    }
    return keys.map((k) => this.preemptions.get(k)).find((p) => p !== undefined);
  }

  private async isOnline(nodeId: string): Promise<boolean> {
    const nodes = await this.deps.nodes.mapNodes(nodeId);
    return nodes.find((n) => n.id === nodeId)?.state === 'online';
  }

  private async ensureUpstream(key: StreamKey, stream: string): Promise<void> {
    const camera = await this.deps.nodes.cameraById(key.cameraId);
    const branch = camera ? this.directBranchOf(camera) : null;
    if (!branch) {
      this.startRelay(key, stream, camera ? this.deps.index.routeTo(camera.nodeId) : null);
      return;
    }
    const reply = await this.deps.send(
      branch,
      'stream.start',
      { cameraId: key.cameraId, profile: key.profile, url: this.media.publishUrlFor(stream) },
      'media',
    );
    if (!reply.ok) {
      throw new Error(reply.error?.message ?? 'the branch could not start the stream');
    }
    const state = typeof reply.result?.state === 'string' ? reply.result.state : 'unknown';
    if (state !== 'running' && state !== 'starting') {
      const why = typeof reply.result?.lastError === 'string' ? `: ${reply.result.lastError}` : '';
      throw new Error(`the camera does not deliver video (${state}${why})`);
    }
  }

  /**
   * Pulls the stream from the child center's media server into ours with
   * `ffmpeg -c copy`, supervised; every restart asks the child for a fresh
   * signed URL (they are valid to start for a minute only).
   */
  private startRelay(key: StreamKey, stream: string, child: string | null): void {
    if (!child) {
      throw new Error(`no route to camera ${key.cameraId}`);
    }
    const relay = createRelay({
      ffmpegPath: ffmpeg.path,
      stream,
      source: async () => {
        const first = this.childUrls.get(stream);
        if (first) {
          this.childUrls.delete(stream);
          return first;
        }
        const reply = await this.deps.send(
          child,
          'media.play',
          {
            cameraId: key.cameraId,
            profile: key.profile,
            purpose: 'live',
            heldBy: `center:${this.deps.config.node.id}`,
          },
          'media',
        );
        if (!reply.ok || typeof reply.result?.url !== 'string') {
          const code = reply.error?.code;
          if (code === 'preempted' || code === 'link_full') {
            // The child gave its link to more urgent video: our viewers are cut too and told why on their
            // next request, instead of a relay retrying into a stream that is gone.
            this.deps.log.warn({ stream, code }, 'relayed stream refused by the child center; cutting it here');
            this.media.evict(stream);
          }
          throw new Error(reply.error?.message ?? `${child} did not grant ${stream}`);
        }
        return reply.result.url;
      },
      target: () => this.media.localPublishUrlFor(stream),
      log: this.deps.log.child({ part: 'relay', stream }),
    });
    this.relays.set(stream, relay);
    relay.start();
  }

  private async releaseUpstream(key: StreamKey): Promise<void> {
    this.budget.release(streamKey(key.cameraId, key.profile));
    const stream = streamNameOf(key);
    const relay = this.relays.get(stream);
    if (relay) {
      this.relays.delete(stream);
      await relay.stop();
      return;
    }
    const camera = await this.deps.nodes.cameraById(key.cameraId);
    const branch = camera ? this.directBranchOf(camera) : null;
    if (branch) {
      await this.deps.send(branch, 'stream.stop', { cameraId: key.cameraId, profile: key.profile }, 'media');
    }
  }

  /** A PTZ command of a user: recorded with its outcome, never refused because the trail is down. */
  async ptz(user: SessionUser, cameraId: string, req: PtzRequest, ctx: AuditContext = {}): Promise<void> {
    await auditedAction(
      this.deps.audit,
      this.deps.log,
      {
        actor: user.username,
        action: req.kind === 'move' ? 'ptz.move' : 'ptz.preset',
        target: cameraId,
        ip: ctx.ip ?? null,
        detail: req.kind === 'move' ? { action: req.action, speed: req.speed } : { op: req.op, preset: req.preset },
      },
      () => this.steer(user, cameraId, req),
    );
  }

  private async steer(user: SessionUser, cameraId: string, req: PtzRequest): Promise<void> {
    const camera = await this.visibleCamera(user, cameraId);
    if (!camera.ptz) {
      throw new HttpError(409, 'no_ptz', `${camera.name} cannot pan, tilt or zoom`);
    }
    const lock = this.locks.acquire(cameraId, { holder: `${user.username}@${user.center.id}`, tier: user.center.tier });
    if (!lock.granted) {
      throw new HttpError(409, 'ptz_locked', `PTZ of ${camera.name} is held by ${lock.lock.holder}`);
    }
    const reply =
      req.kind === 'move'
        ? await this.deps.send(
            camera.nodeId,
            'ptz.move',
            { cameraId, action: req.action, speed: req.speed },
            user.username,
          )
        : await this.deps.send(
            camera.nodeId,
            'ptz.preset',
            { cameraId, op: req.op, preset: req.preset },
            user.username,
          );
    if (!reply.ok) {
      const code = reply.error?.code ?? 'failed';
      throw new HttpError(code === 'timeout' ? 504 : 502, code, reply.error?.message ?? 'the camera did not move');
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
    this.relays.clear();
    await this.media.close();
    await this.server.close();
  }
}

/** The error an officer at this center sees when the child center refuses to relay a stream. */
function refusalFromChild(reply: CommandReply, child: string): HttpError {
  const code = reply.error?.code ?? 'relay_failed';
  const status = code === 'link_full' || code === 'preempted' ? 409 : code === 'not_found' ? 404 : 503;
  return new HttpError(
    status,
    code,
    reply.error?.message ?? `${child} did not grant the stream`,
    undefined,
    reply.error?.link,
  );
}
