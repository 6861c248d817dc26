import { readFileSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { freemem, loadavg } from 'node:os';
import { resolve } from 'node:path';
import {
  DEFAULT_PRIORITY,
  newAlarmId,
  type Alarm,
  type AlarmInputEntry,
  type AlarmSource,
  type PatrolReport,
} from '@bsm/protocol';
import { createLogger, type Logger } from '@bsm/runtime';
import { SimulatedAlarmPanel } from '@bsm/sim';
import { catalogContent, fullCatalog, type CatalogContent } from './catalog.js';
import type { AgentConfig } from './config.js';
import { startDc09Receiver, type Dc09Receiver } from './dc09/index.js';
import { startLocalHttp, type LocalHttpServer } from './http.js';
import { PanelArming } from './panel/arming.js';
import { StreamPusher, type StreamPusherOptions } from './media/stream-pusher.js';
import { Outbox, type AlarmDraft } from './outbox/index.js';
import { PtzController, type PtzControllerOptions } from './ptz/controller.js';
import { fieldProblems, RaiseError, RaiseRequest } from './raise.js';
import { catalogRevisionFor, digestOf } from './state.js';
import { Uplink } from './uplink.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
export const SOFTWARE = { name: 'bsm-agent', version: pkg.version } as const;

export interface BranchAgentOptions {
  /** Defaults to a JSON-lines logger on stdout tagged with the node id. */
  logger?: Logger;
  /** Outbox compaction threshold (tests make it small). */
  outboxCompactMinDead?: number;
  /** Tuning of the camera pushes (tests shorten the back-off and timeouts). */
  media?: Omit<StreamPusherOptions, 'camera' | 'logger'>;
  /** How long `stream.start` waits for frames before it answers with the state so far. */
  streamStartWaitMs?: number;
  /** PTZ driver factory (tests). */
  ptzDriverFor?: PtzControllerOptions['driverFor'];
}

/** What `GET /status` shows. */
export interface AgentStatus {
  nodeId: string;
  name: string;
  /** The uplink is up and alarms flow. */
  connected: boolean;
  outboxPending: number;
  outboxOldestAt: string | null;
  inFlight: number;
  nextSeq: number;
  /** Down messages that failed validation since start. */
  malformedMessages: number;
  catalogRevision: number;
  uptimeSec: number;
}

/**
 * `stream.start` answers once frames flow or the first attempt fails, or after this: long enough for a camera's
 * RTSP handshake and the probe, short enough for an officer waiting on a click.
 */
const STREAM_START_WAIT_MS = 6_000;

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The branch agent: speaks for one branch's devices to its center. Holds no
 * process-wide state, so many can run in one process (the benchmark runs
 * hundreds).
 */
export class BranchAgent {
  readonly nodeId: string;
  readonly log: Logger;
  private phase: Phase = 'new';
  private outboxRef: Outbox | undefined;
  private uplinkRef: Uplink | undefined;
  private http: LocalHttpServer | undefined;
  private panel: SimulatedAlarmPanel | undefined;
  private dc09: Dc09Receiver | undefined;
  private arming: PanelArming | undefined;
  private patrolTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private readonly startedAt = Date.now();
  private readonly dataDir: string;
  private readonly content: CatalogContent;
  private readonly inputs: Map<string, AgentConfig['alarmInputs'][number]>;
  private catalogRevision = 0;
  /** Camera pushes to the center's media server, on command. */
  readonly pusher: StreamPusher;
  readonly ptz: PtzController;

  constructor(
    readonly config: AgentConfig,
    private readonly options: BranchAgentOptions = {},
  ) {
    this.nodeId = config.node.id;
    this.log = options.logger ?? createLogger('agent', { nodeId: config.node.id });
    this.dataDir = resolve(config.dataDir);
    this.content = catalogContent(config);
    this.inputs = new Map(config.alarmInputs.map((i) => [i.id, i]));
    const cameras = new Map(config.cameras.map((c) => [c.id, c]));
    this.pusher = new StreamPusher({
      ...options.media,
      camera: (cameraId) => cameras.get(cameraId),
      logger: this.log.child({ part: 'media' }),
    });
    this.ptz = new PtzController(config.cameras, {
      logger: this.log.child({ part: 'ptz' }),
      driverFor: options.ptzDriverFor,
    });
  }

  get outbox(): Outbox {
    if (!this.outboxRef) {
      throw new Error('agent not started');
    }
    return this.outboxRef;
  }

  get uplink(): Uplink {
    if (!this.uplinkRef) {
      throw new Error('agent not started');
    }
    return this.uplinkRef;
  }

  /** The SIA DC-09 receiver, once started (undefined when disabled). */
  get dc09Receiver(): Dc09Receiver | undefined {
    return this.dc09;
  }

  /** URL of the local HTTP API, once started (undefined when disabled). */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  /**
   * Opens the outbox, starts the uplink (without waiting for the center: the
   * agent takes alarms while it is unreachable), the local API, the patrol
   * and the simulator.
   */
  async start(): Promise<void> {
    if (this.phase !== 'new') {
      throw new Error(`agent already ${this.phase}`);
    }
    this.phase = 'starting';
    const { config } = this;
    try {
      const password = await this.readPassword();
      const ca = config.uplink.caFile !== undefined ? await readFile(config.uplink.caFile) : undefined;
      const { revision, changed } = await catalogRevisionFor(this.dataDir, digestOf(this.content));
      this.catalogRevision = revision;
      if (changed) {
        this.log.info({ revision }, 'catalog changed: new revision');
      }
      const arming = await PanelArming.load({
        dataDir: this.dataDir,
        inputs: config.alarmInputs,
        codeHash: config.panel.armCodeHash,
      });
      this.arming = arming;
      this.outboxRef = await Outbox.open(this.dataDir, {
        logger: this.log.child({ part: 'outbox' }),
        compactMinDead: this.options.outboxCompactMinDead,
        onDurable: (alarm) => this.uplinkRef?.offer(alarm),
      });
      const uplink = new Uplink({
        nodeId: this.nodeId,
        config: config.uplink,
        password,
        ca,
        outbox: this.outboxRef,
        catalog: () => fullCatalog(this.nodeId, this.content, this.catalogRevision, new Date()),
        software: SOFTWARE,
        logger: this.log.child({ part: 'uplink' }),
        commands: {
          ping: () => ({ pong: new Date().toISOString() }),
          'catalog.resync': async () => {
            await uplink.publishCatalog();
            return { revision: this.catalogRevision };
          },
          'alarm.test': async (args, command) => {
            const alarm = await this.raise({
              type: 'test',
              source: 'system',
              text: args.text ?? `link test from ${command.issuedBy ?? 'the center'}`,
            });
            return { alarmId: alarm.id, seq: alarm.seq };
          },
          'alarm.raise': async ({ type, by }) => {
            // The cameras of the branch's own panic (or duress) button watch where staff are: link them.
            const button =
              config.alarmInputs.find((i) => i.type === type) ?? config.alarmInputs.find((i) => i.type === 'panic');
            const alarm = await this.raise({
              type,
              source: 'panic-button',
              // Shown to officers as the alarm's description, in the console's language of the field.
              text: `网点报警面板：${by}`,
              ...(button ? { linkedCameras: button.linkedCameras, ...(button.zone ? { zone: button.zone } : {}) } : {}),
            });
            return { alarmId: alarm.id, seq: alarm.seq };
          },
          'panel.status': () => ({ zones: arming.zones() }),
          'panel.arm': async ({ zone, armed, code, by }) => {
            const result = await arming.set(zone, armed, code, by);
            this.log.info({ zone, armed, by }, armed ? 'zone armed' : 'zone disarmed');
            return { zone: result };
          },
          'stream.start': async ({ cameraId, profile, url }) => {
            const status = await this.pusher.start(
              cameraId,
              profile,
              url,
              this.options.streamStartWaitMs ?? STREAM_START_WAIT_MS,
            );
            return { ...status };
          },
          'stream.stop': async ({ cameraId, profile }) => ({ stopped: await this.pusher.stop(cameraId, profile) }),
          'ptz.move': async ({ cameraId, action, speed, timeoutMs }) => {
            await this.ptz.move(cameraId, action, speed, timeoutMs);
            return action === 'stop' ? { action } : { action, speed, autoStopMs: timeoutMs };
          },
          'ptz.preset': async ({ cameraId, op, preset }) => {
            await this.ptz.preset(cameraId, op, preset);
            return { op, preset };
          },
        },
      });
      this.uplinkRef = uplink;
      uplink.on('ready', () => void this.patrol());
      uplink.start();
      if (config.http.enabled) {
        this.http = await startLocalHttp({
          host: config.http.host,
          port: config.http.port,
          api: { raise: (request) => this.raise(request as RaiseRequest), status: () => this.status() },
          logger: this.log.child({ part: 'http' }),
        });
      }
      if (config.dc09.enabled) {
        // The panels' alarms take the same path as every other alarm: journaled before the panel gets its ACK.
        this.dc09 = await startDc09Receiver({
          config: config.dc09,
          alarmInputs: config.alarmInputs,
          sink: {
            raise: (request) => this.raise(request),
            // A restore travels like an alarm (journaled, in order); the center marks the open alarm restored.
            restore: async (signal) => {
              await this.raise({
                type: signal.type,
                ...(signal.inputId === undefined ? {} : { inputId: signal.inputId }),
                ...(signal.zone === undefined ? {} : { zone: signal.zone }),
                text: `${signal.label} (${signal.code})`,
                source: 'panel',
                signal: 'restore',
              });
            },
          },
          logger: this.log.child({ part: 'dc09' }),
        });
      }
      this.patrolTimer = setInterval(() => void this.patrol(), config.patrol.intervalSec * 1000);
      if (config.simulator.enabled) {
        this.panel = new SimulatedAlarmPanel({
          inputs: config.alarmInputs,
          cameras: config.cameras,
          devices: config.devices,
          alarmsPerHour: config.simulator.alarmsPerHour,
          types: config.simulator.types,
          onAlarm: async (alarm) => {
            // A disarmed zone (opening hours) reports no intrusion; panic, fire and vault inputs always do.
            const input = alarm.inputId === undefined ? undefined : this.inputs.get(alarm.inputId);
            if (input && !this.arming?.reports(input)) {
              return;
            }
            await this.raise(alarm);
          },
          onError: (error) => this.log.warn({ err: error }, 'simulator: alarm not raised'),
        });
        this.panel.start();
        this.log.info({ alarmsPerHour: config.simulator.alarmsPerHour, types: this.panel.types }, 'simulator on');
      }
      this.phase = 'running';
    } catch (error) {
      this.phase = 'running';
      await this.stop();
      throw error;
    }
  }

  /** Stops everything; the center sees the branch go offline (retained status), not a lost link. */
  stop(): Promise<void> {
    if (this.phase === 'new') {
      this.phase = 'stopped';
    }
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.phase = 'stopping';
    this.panel?.stop();
    clearInterval(this.patrolTimer);
    // Media and PTZ first: ffmpeg gets its clean stop and no camera is left moving.
    await Promise.all([this.pusher.stopAll(), this.ptz.close()]);
    await this.http?.close();
    // Before the outbox closes: alarms being stored for a panel finish (or fail, and the panel sends them again).
    await this.dc09?.close();
    await this.uplinkRef?.stop();
    await this.outboxRef?.close();
    this.phase = 'stopped';
    this.log.info('agent stopped');
  }

  /**
   * Raises an alarm at this branch. Resolves with the alarm once it is durable
   * in the outbox (it will reach the center, whatever happens next); rejects
   * with a {@link RaiseError} when the request is invalid.
   */
  async raise(request: RaiseRequest): Promise<Alarm> {
    if (!this.outboxRef) {
      throw new Error(`agent is ${this.phase}`);
    }
    const parsed = RaiseRequest.safeParse(request);
    if (!parsed.success) {
      throw new RaiseError('invalid alarm request', fieldProblems(parsed.error));
    }
    const r = parsed.data;
    let input: AlarmInputEntry | undefined;
    if (r.inputId !== undefined) {
      const found = this.inputs.get(r.inputId);
      if (!found) {
        throw new RaiseError('invalid alarm request', [
          { path: 'inputId', message: `no alarm input "${r.inputId}" at ${this.nodeId}` },
        ]);
      }
      input = { ...found, nodeId: this.nodeId };
    }
    // The refinement guarantees a type or an input.
    const type = r.type ?? (input as AlarmInputEntry).type;
    const draft: AlarmDraft = {
      id: newAlarmId(),
      origin: this.nodeId,
      path: [this.nodeId],
      type,
      priority: r.priority ?? DEFAULT_PRIORITY[type],
      linkedCameras: r.linkedCameras ?? input?.linkedCameras ?? [],
      occurredAt: new Date().toISOString(),
      source: r.source ?? defaultSource(type, input),
    };
    const zone = r.zone ?? input?.zone;
    if (zone !== undefined) {
      draft.zone = zone;
    }
    if (input !== undefined) {
      draft.inputId = input.id;
    }
    if (r.text !== undefined) {
      draft.text = r.text;
    }
    if (r.signal === 'restore') {
      draft.signal = 'restore';
    }
    const alarm = await this.outbox.add(draft);
    this.log.info(
      { alarmId: alarm.id, seq: alarm.seq, type: alarm.type, priority: alarm.priority, zone: alarm.zone },
      r.signal === 'restore' ? 'restore signal queued' : 'alarm raised',
    );
    return alarm;
  }

  status(): AgentStatus {
    return {
      nodeId: this.nodeId,
      name: this.config.node.name,
      connected: this.uplinkRef?.connected ?? false,
      outboxPending: this.outboxRef?.size ?? 0,
      outboxOldestAt: this.outboxRef?.oldest()?.occurredAt ?? null,
      inFlight: this.uplinkRef?.inFlight ?? 0,
      nextSeq: this.outboxRef?.nextSeq ?? 1,
      malformedMessages: this.uplinkRef?.stats.malformed ?? 0,
      catalogRevision: this.catalogRevision,
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  /** The patrol (巡检) report: uptime, outbox, device health, host resources. */
  async patrolReport(): Promise<PatrolReport> {
    const oldest = this.outboxRef?.oldest();
    const simulated = this.config.simulator.enabled;
    const report: PatrolReport = {
      nodeId: this.nodeId,
      at: new Date().toISOString(),
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
      outbox: { pending: this.outboxRef?.size ?? 0 },
      streams: this.pusher.statuses(),
      // Simulated devices are healthy by definition; real ones need drivers the agent does not have yet.
      devices: this.config.devices.map((d) =>
        simulated
          ? { deviceId: d.id, state: 'ok' as const }
          : { deviceId: d.id, state: 'unknown' as const, detail: 'no health probe for this device yet' },
      ),
      host: await this.hostHealth(),
    };
    if (oldest) {
      report.outbox.oldestAt = oldest.occurredAt;
    }
    return report;
  }

  private async patrol(): Promise<void> {
    const uplink = this.uplinkRef;
    if (!uplink?.connected || this.phase !== 'running') {
      return;
    }
    try {
      uplink.publishPatrol(await this.patrolReport());
    } catch (error) {
      this.log.warn({ err: error }, 'patrol failed');
    }
  }

  private async hostHealth(): Promise<NonNullable<PatrolReport['host']>> {
    const mb = 1024 * 1024;
    const host: NonNullable<PatrolReport['host']> = {
      loadAvg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      memFreeMb: Math.round(freemem() / mb),
    };
    try {
      const fs = await statfs(this.dataDir);
      host.diskFreeMb = Math.round((fs.bavail * fs.bsize) / mb);
    } catch (error) {
      this.log.warn({ err: error }, 'patrol: cannot read free disk space');
    }
    return host;
  }

  private async readPassword(): Promise<string | undefined> {
    const { password, passwordFile } = this.config.uplink;
    if (passwordFile === undefined) {
      return password;
    }
    try {
      return (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new Error(
        `cannot read uplink.passwordFile ${passwordFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
}

function defaultSource(type: Alarm['type'], input: AlarmInputEntry | undefined): AlarmSource {
  if (input === undefined) {
    return 'manual';
  }
  return type === 'panic' || type === 'duress' ? 'panic-button' : 'panel';
}
