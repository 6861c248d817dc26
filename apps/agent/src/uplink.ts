import { EventEmitter } from 'node:events';
import {
  COMMAND_NAMES,
  CommandArgs,
  CorrelationId,
  decodeDown,
  downFilter,
  downTopic,
  encode,
  parseTopic,
  UP_DELIVERY,
  upTopic,
  type Alarm,
  type Catalog,
  type Command,
  type CommandErrorCode,
  type CommandName,
  type CommandReply,
  type PatrolReport,
  type StatusMessage,
  type UpKind,
  type UpMessage,
} from '@bsm/protocol';
import { disableNagle, type Logger } from '@bsm/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { z } from 'zod';
import { CommandError } from './command-error.js';
import { redactUrl, type AgentConfig } from './config.js';
import type { Outbox } from './outbox/index.js';

/** What the agent does for each command; the result goes back in the reply. */
export type CommandHandlers = {
  [K in CommandName]?: (
    args: z.output<(typeof CommandArgs)[K]>,
    command: Command,
  ) => Promise<Record<string, unknown>> | Record<string, unknown>;
};

export interface UplinkOptions {
  nodeId: string;
  config: AgentConfig['uplink'];
  /** Resolved from `password` or `passwordFile`. */
  password?: string | undefined;
  /** PEM CA certificate for mqtts on a private PKI. */
  ca?: Buffer | undefined;
  outbox: Outbox;
  /** A fresh full catalog of the branch; published on every connect and on `catalog.resync`. */
  catalog: () => Catalog;
  commands: CommandHandlers;
  software: StatusMessage['software'];
  logger: Logger;
}

export interface UplinkStats {
  connects: number;
  /** Alarm publications, first sends and resends. */
  alarmsPublished: number;
  /** Alarms published again after the ack timeout while connected. */
  alarmsResent: number;
  alarmsAcked: number;
  alarmsRefused: number;
  commands: number;
  /** Down messages that failed validation (logged with the reason, then ignored). */
  malformed: number;
}

interface UplinkEvents {
  /** Connected, status and catalog published, subscribed: alarms flow. */
  ready: [];
  /** The connection was lost (or closed). */
  down: [];
  /** Alarms left the outbox (acknowledged or refused by the center). */
  acked: [ids: string[]];
  /** A command was answered. */
  replied: [reply: CommandReply];
}

const REPLY_CACHE = 256;
const STOP_TIMEOUT_MS = 3_000;

/**
 * The agent's MQTT connection to its center: persistent session, retained
 * online status with an offline last-will, full catalog on every connect,
 * ordered QoS 1 alarm delivery from the outbox with a bounded in-flight
 * window, and the command channel.
 */
export class Uplink extends EventEmitter<UplinkEvents> {
  readonly stats: UplinkStats = {
    connects: 0,
    alarmsPublished: 0,
    alarmsResent: 0,
    alarmsAcked: 0,
    alarmsRefused: 0,
    commands: 0,
    malformed: 0,
  };
  private client: MqttClient | undefined;
  private ready = false;
  private stopping = false;
  /** Bumped on every connect and close, so work begun for an old connection stops. */
  private generation = 0;
  /** Alarms to publish on this connection, in seq order; `queueHead` is the next one. */
  private queue: Alarm[] = [];
  private queueHead = 0;
  /** Published and not acknowledged, in order of first publication, with the time of the last one. */
  private readonly inflight = new Map<string, { alarm: Alarm; sentAt: number }>();
  private readonly replies = new Map<string, CommandReply>();
  private ackTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private connectedSince: Date | undefined;
  private readonly log: Logger;

  constructor(private readonly options: UplinkOptions) {
    super();
    this.log = options.logger;
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** True once the session is set up and alarms flow. */
  get connected(): boolean {
    return this.ready;
  }

  /** Alarms published and waiting for their ack. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** Starts connecting and returns at once: the agent works while its center is unreachable. */
  start(): void {
    const { config, nodeId } = this.options;
    const options: IClientOptions = {
      clientId: `bsm-agent-${nodeId}`,
      clean: false,
      protocolVersion: config.protocolVersion,
      keepalive: config.keepaliveSec,
      reconnectPeriod: config.reconnectMs,
      connectTimeout: 10_000,
      username: config.username,
      password: this.options.password,
      ca: this.options.ca,
      // We resubscribe ourselves on every connect, before sending alarms.
      resubscribe: false,
      // Patrol reports (QoS 0) are worthless late: drop them while offline.
      queueQoSZero: false,
      will: this.will(),
      ...(config.protocolVersion === 5 ? { properties: { sessionExpiryInterval: config.sessionExpirySec } } : {}),
    };
    this.log.info(
      { url: redactUrl(config.url), clientId: options.clientId, protocolVersion: config.protocolVersion },
      'uplink: connecting',
    );
    const client = mqtt.connect(config.url, options);
    this.client = client;
    disableNagle(client);
    client.on('connect', () => this.onConnect());
    client.on('close', () => this.onClose());
    client.on('reconnect', () => {
      // The will goes out with each CONNECT: give it the time of this attempt.
      client.options.will = this.will();
    });
    client.on('error', (error) => {
      if (error.message !== this.lastError) {
        this.lastError = error.message;
        this.log.warn(
          { err: { message: error.message, code: (error as NodeJS.ErrnoException).code } },
          'uplink: error',
        );
      }
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    const scanEvery = Math.max(50, Math.min(1_000, Math.floor(config.ackTimeoutMs / 2)));
    this.ackTimer = setInterval(() => this.resendOverdue(), scanEvery);
  }

  /** Hands the uplink an alarm that just became durable in the outbox. */
  offer(alarm: Alarm): void {
    if (this.ready) {
      this.queue.push(alarm);
      this.pump();
    }
  }

  /** Publishes the full catalog again (on `catalog.resync`). */
  async publishCatalog(): Promise<void> {
    await this.publish('catalog', this.options.catalog());
  }

  /** Publishes a patrol report if connected; reports made while offline are dropped. */
  publishPatrol(report: PatrolReport): void {
    if (this.ready) {
      this.publish('patrol', report).catch((error: unknown) =>
        this.log.debug({ err: error }, 'uplink: patrol not sent'),
      );
    }
  }

  /** Publishes the offline status (retained) and disconnects cleanly, so no last-will goes out. */
  async stop(): Promise<void> {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    clearInterval(this.ackTimer);
    const client = this.client;
    if (!client) {
      return;
    }
    if (client.connected) {
      try {
        await withTimeout(this.publish('status', this.status('offline', 'agent stopped')), STOP_TIMEOUT_MS);
      } catch (error) {
        this.log.warn({ err: error }, 'uplink: offline status not confirmed');
      }
      try {
        await withTimeout(client.endAsync(false), STOP_TIMEOUT_MS);
      } catch {
        client.stream.destroy();
        await client.endAsync(true);
      }
    } else {
      await client.endAsync(true);
    }
    this.ready = false;
    this.log.info('uplink: closed');
  }

  private onConnect(): void {
    if (this.stopping) {
      return;
    }
    this.generation += 1;
    this.lastError = undefined;
    this.connectedSince = new Date();
    this.log.info({ generation: this.generation }, 'uplink: connected');
    this.prepare(this.generation).catch((error: unknown) => {
      this.log.warn({ err: error }, 'uplink: session setup interrupted');
    });
  }

  /** Status, catalog, subscription, then the outbox: every connect, in this order. */
  private async prepare(generation: number): Promise<void> {
    const client = this.client;
    if (!client) {
      return;
    }
    const status = this.publish('status', this.status('online'));
    const catalog = this.publish('catalog', this.options.catalog());
    const granted = await client.subscribeAsync(downFilter(this.nodeId), { qos: 1 });
    if (granted.some((g) => g.qos === 128)) {
      this.log.error(
        { topic: downFilter(this.nodeId) },
        'uplink: the broker refused our subscription; acks and commands cannot arrive',
      );
    }
    if (generation !== this.generation || !client.connected) {
      return;
    }
    this.ready = true;
    this.stats.connects += 1;
    this.inflight.clear();
    this.queue = this.options.outbox.pending();
    this.queueHead = 0;
    this.log.info({ pending: this.queue.length }, 'uplink: ready; sending the outbox');
    this.emit('ready');
    this.pump();
    await Promise.all([status, catalog]);
  }

  private onClose(): void {
    this.generation += 1;
    const wasReady = this.ready;
    this.ready = false;
    this.inflight.clear();
    this.queue = [];
    this.queueHead = 0;
    if (wasReady) {
      if (!this.stopping) {
        this.log.warn(
          { outboxPending: this.options.outbox.size },
          'uplink: connection lost; alarms wait in the outbox',
        );
      }
      this.emit('down');
    }
  }

  /** Publishes queued alarms while the in-flight window has room. */
  private pump(): void {
    const client = this.client;
    if (!this.ready || !client) {
      return;
    }
    const window = this.options.config.inflightWindow;
    while (this.inflight.size < window && this.queueHead < this.queue.length) {
      const alarm = this.queue[this.queueHead] as Alarm;
      this.queueHead += 1;
      if (!this.options.outbox.has(alarm.id) || this.inflight.has(alarm.id)) {
        continue;
      }
      this.inflight.set(alarm.id, { alarm, sentAt: Date.now() });
      this.publishAlarm(alarm);
    }
    if (this.queueHead > 1_024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private publishAlarm(alarm: Alarm): void {
    this.stats.alarmsPublished += 1;
    this.publish('alarm', alarm).catch((error: unknown) => {
      this.log.debug({ err: error, alarmId: alarm.id }, 'uplink: alarm publish not confirmed; it will be sent again');
    });
  }

  /** Alarms not acknowledged in time are published again, oldest first; the center deduplicates by id. */
  private resendOverdue(): void {
    if (!this.ready) {
      return;
    }
    const deadline = Date.now() - this.options.config.ackTimeoutMs;
    const overdue: Array<{ alarm: Alarm; sentAt: number }> = [];
    for (const [id, entry] of this.inflight) {
      if (!this.options.outbox.has(id)) {
        this.inflight.delete(id);
      } else if (entry.sentAt <= deadline) {
        overdue.push(entry);
      }
    }
    if (overdue.length === 0) {
      return;
    }
    overdue.sort((a, b) => a.alarm.seq - b.alarm.seq);
    this.log.warn(
      { count: overdue.length, firstSeq: overdue[0]?.alarm.seq },
      'uplink: alarms not acknowledged in time; sending again',
    );
    const now = Date.now();
    for (const entry of overdue) {
      entry.sentAt = now;
      this.stats.alarmsResent += 1;
      this.publishAlarm(entry.alarm);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    try {
      const parsed = parseTopic(topic);
      if (!parsed || parsed.direction !== 'down' || parsed.nodeId !== this.nodeId) {
        this.malformed(topic, 'not a down topic of this node');
        return;
      }
      if (parsed.kind === 'ack') {
        this.onAck(payload);
      } else {
        this.onCommand(payload).catch((error: unknown) =>
          this.log.error({ err: error }, 'uplink: command handling failed'),
        );
      }
    } catch (error) {
      this.log.error({ err: error, topic }, 'uplink: message handling failed');
    }
  }

  private malformed(topic: string, reason: string): void {
    this.stats.malformed += 1;
    this.log.warn({ topic, reason, malformed: this.stats.malformed }, 'uplink: ignoring a malformed message');
  }

  private onAck(payload: Buffer): void {
    const decoded = decodeDown('ack', payload);
    if (!decoded.ok) {
      this.malformed(downTopic(this.nodeId, 'ack'), decoded.reason);
      return;
    }
    const { ids, refused } = decoded.value;
    for (const r of refused) {
      this.log.warn(
        { alarmId: r.id, reason: r.reason },
        'uplink: the center refused an alarm; dropping it from the outbox',
      );
    }
    const all = [...ids, ...refused.map((r) => r.id)];
    const removed = this.options.outbox.ack(all);
    for (const id of all) {
      this.inflight.delete(id);
    }
    if (removed.length > 0) {
      const refusedIds = new Set(refused.map((r) => r.id));
      const refusedCount = removed.filter((id) => refusedIds.has(id)).length;
      this.stats.alarmsRefused += refusedCount;
      this.stats.alarmsAcked += removed.length - refusedCount;
      this.emit('acked', removed);
    }
    this.pump();
  }

  private async onCommand(payload: Buffer): Promise<void> {
    this.stats.commands += 1;
    const decoded = decodeDown('command', payload);
    if (!decoded.ok) {
      this.malformed(downTopic(this.nodeId, 'command'), decoded.reason);
      // Answer when we can tell whom: a sender waiting for its reply learns why instead of timing out.
      const salvaged = salvageCommand(payload);
      if (salvaged) {
        const code = salvaged.unknownName ? 'unknown_command' : 'invalid_command';
        const message = salvaged.unknownName
          ? `unknown command "${String(salvaged.name)}"; known: ${COMMAND_NAMES.join(', ')}`
          : decoded.reason;
        await this.reply(this.refusal(salvaged.id, code, message));
      }
      return;
    }
    const command = decoded.value;
    const cached = this.replies.get(command.id);
    if (cached) {
      // A redelivered command (QoS 1 may duplicate): answer again, do not act twice.
      await this.reply(cached);
      return;
    }
    const reply = await this.execute(command);
    this.replies.set(command.id, reply);
    if (this.replies.size > REPLY_CACHE) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) {
        this.replies.delete(oldest);
      }
    }
    await this.reply(reply);
  }

  private async execute(command: Command): Promise<CommandReply> {
    const log = this.log.child({ command: command.name, correlationId: command.id, issuedBy: command.issuedBy });
    if (command.target !== this.nodeId) {
      log.warn({ target: command.target }, 'uplink: command for another node refused');
      return this.refusal(command.id, 'wrong_target', `this is ${this.nodeId}, not ${command.target}`);
    }
    if (Date.parse(command.expiresAt) <= Date.now()) {
      log.warn({ expiresAt: command.expiresAt }, 'uplink: expired command refused');
      return this.refusal(command.id, 'expired', `command expired at ${command.expiresAt}`);
    }
    const args = CommandArgs[command.name].safeParse(command.args);
    if (!args.success) {
      const message = args.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; ');
      return this.refusal(command.id, 'invalid_args', message);
    }
    const handler = this.options.commands[command.name] as
      ((args: unknown, command: Command) => Promise<Record<string, unknown>> | Record<string, unknown>) | undefined;
    if (!handler) {
      return this.refusal(command.id, 'unsupported_command', `${this.nodeId} does not handle ${command.name}`);
    }
    try {
      const result = await handler(args.data, command);
      log.info('uplink: command done');
      return { correlationId: command.id, from: this.nodeId, ok: true, result };
    } catch (error) {
      const code = error instanceof CommandError ? error.code : 'failed';
      log.error({ err: error, code }, 'uplink: command failed');
      return this.refusal(command.id, code, String((error as Error).message ?? error).slice(0, 500));
    }
  }

  private refusal(correlationId: string, code: CommandErrorCode, message: string): CommandReply {
    return { correlationId, from: this.nodeId, ok: false, error: { code, message: message.slice(0, 500) } };
  }

  private async reply(reply: CommandReply): Promise<void> {
    this.emit('replied', reply);
    try {
      await this.publish('reply', reply);
    } catch (error) {
      this.log.warn({ err: error, correlationId: reply.correlationId }, 'uplink: reply not confirmed');
    }
  }

  private status(state: 'online' | 'offline', reason?: string): StatusMessage {
    // Online since this connection was made; offline from now.
    const since = state === 'online' ? (this.connectedSince ?? new Date()) : new Date();
    const message: StatusMessage = {
      nodeId: this.nodeId,
      kind: 'branch',
      state,
      since: since.toISOString(),
      software: this.options.software,
    };
    if (reason !== undefined) {
      message.reason = reason;
    }
    return message;
  }

  private will(): NonNullable<IClientOptions['will']> {
    const { qos, retain } = UP_DELIVERY.status;
    const message: StatusMessage = {
      nodeId: this.nodeId,
      kind: 'branch',
      state: 'offline',
      since: new Date().toISOString(),
      reason: 'connection lost',
      software: this.options.software,
    };
    return { topic: upTopic(this.nodeId, 'status'), payload: toBuffer(encode(message)), qos, retain };
  }

  private publish<K extends UpKind>(kind: K, message: UpMessage<K>): Promise<void> {
    const client = this.client;
    if (!client) {
      return Promise.reject(new Error('uplink not started'));
    }
    const { qos, retain } = UP_DELIVERY[kind];
    return new Promise<void>((resolve, reject) => {
      client.publish(upTopic(this.nodeId, kind), toBuffer(encode(message)), { qos, retain }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
}

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The id (and name) of a command that failed validation, when they can be read. */
function salvageCommand(payload: Buffer): { id: string; name: unknown; unknownName: boolean } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || !('id' in json) || !CorrelationId.safeParse(json.id).success) {
    return undefined;
  }
  const name = 'name' in json ? json.name : undefined;
  const unknownName = typeof name === 'string' && !(COMMAND_NAMES as readonly string[]).includes(name);
  return { id: json.id as string, name, unknownName };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
