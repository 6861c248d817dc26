import { EventEmitter } from 'node:events';
import type { AgentConfig } from '@bsm/agent';
import {
  decodeDown,
  downFilter,
  encode,
  parseTopic,
  UP_DELIVERY,
  upTopic,
  type Alarm,
  type Command,
  type CommandErrorCode,
  type CommandReply,
  type StatusMessage,
  type UpKind,
  type UpMessage,
} from '@bsm/protocol';
import { disableNagle } from '@bsm/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
// The catalog exactly as a real agent builds it from the same config file (not exported by @bsm/agent).
import { catalogContent, fullCatalog, type CatalogContent } from '../../apps/agent/src/catalog.js';
import { BranchOutbox, type BranchOutboxStats } from './branch-outbox.js';
import { stormDraft, stormInputOf, type StormInput } from './storm-alarm.js';

export interface SimBranchOptions {
  /** The branch's agent config as the launcher provisioned it: node, uplink URL, credentials, devices. */
  config: AgentConfig;
  /** MQTT password, from `uplink.password` or `uplink.passwordFile`. */
  password: string | undefined;
  software: StatusMessage['software'];
  /** A problem worth a line on stderr (login refused, a malformed down message). */
  warn: (nodeId: string, message: string) => void;
}

export interface SimBranchStats extends BranchOutboxStats {
  /** Sessions set up (status, catalog, subscription done). */
  connects: number;
  /** Connections lost after a session was set up. */
  disconnects: number;
  commands: number;
  /** Down messages that failed validation. */
  malformed: number;
}

interface SimBranchEvents {
  /** Status and catalog published, subscribed to `down/+`: alarms flow. */
  ready: [];
}

/**
 * One simulated branch on its own MQTT connection, behaving as a conforming
 * agent (docs/protocol.md; `apps/agent/src/uplink.ts` is the reference):
 * its own credentials, a persistent session, a retained `online` status
 * with an `offline` last-will, a full catalog on every connect, alarms from
 * a {@link BranchOutbox} with an in-flight window, dropped only on the
 * center's `down/ack`, published again after an ack timeout or a reconnect,
 * and answers to the commands a center may send a branch unasked.
 */
export class SimBranch extends EventEmitter<SimBranchEvents> {
  readonly nodeId: string;
  readonly outbox: BranchOutbox;
  private readonly counters = { connects: 0, disconnects: 0, commands: 0, malformed: 0 };
  private readonly content: CatalogContent;
  private readonly input: StormInput | undefined;
  private client: MqttClient | undefined;
  private ready = false;
  private stopping = false;
  /** Bumped on every connect and close, so a session setup begun for an old connection stops. */
  private generation = 0;
  private connectedSince = new Date();
  private scanTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: SimBranchOptions) {
    super();
    const { config } = options;
    this.nodeId = config.node.id;
    this.content = catalogContent(config);
    this.input = stormInputOf(this.content.alarmInputs);
    this.outbox = new BranchOutbox({
      window: config.uplink.inflightWindow,
      ackTimeoutMs: config.uplink.ackTimeoutMs,
    });
  }

  /** True once the session is set up and alarms flow. */
  get connected(): boolean {
    return this.ready;
  }

  get stats(): SimBranchStats {
    return { ...this.outbox.stats, ...this.counters };
  }

  /** Starts connecting and returns at once; `ready` fires when the session is set up. */
  start(): void {
    const { uplink } = this.options.config;
    const options: IClientOptions = {
      clientId: `bsm-agent-${this.nodeId}`,
      clean: false,
      protocolVersion: uplink.protocolVersion,
      keepalive: uplink.keepaliveSec,
      reconnectPeriod: uplink.reconnectMs,
      connectTimeout: 30_000,
      username: uplink.username,
      password: this.options.password,
      // Resubscribed by hand on every connect, before any alarm goes out.
      resubscribe: false,
      queueQoSZero: false,
      will: this.will(),
      ...(uplink.protocolVersion === 5 ? { properties: { sessionExpiryInterval: uplink.sessionExpirySec } } : {}),
    };
    const client = mqtt.connect(uplink.url, options);
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
        this.options.warn(this.nodeId, `mqtt: ${error.message}`);
      }
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    const { ackTimeoutMs } = uplink;
    this.scanTimer = setInterval(
      () => this.publishAlarms(this.outbox.overdue(Date.now())),
      Math.max(50, Math.min(1_000, Math.floor(ackTimeoutMs / 2))),
    );
  }

  /** Raises alarm `index` of the storm at `at`: into the outbox, and out at once if the window has room. */
  raise(index: number, at: Date): Alarm {
    const alarm = this.outbox.add(stormDraft(this.nodeId, this.input, index, at));
    this.pump();
    return alarm;
  }

  /** Publishes the `offline` status (retained) and disconnects cleanly, so no last-will goes out. */
  async stop(): Promise<void> {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    clearInterval(this.scanTimer);
    const client = this.client;
    if (!client) {
      return;
    }
    if (client.connected) {
      await within(this.publish('status', this.status('offline', 'agent stopped')), STOP_TIMEOUT_MS);
      await within(client.endAsync(false), STOP_TIMEOUT_MS);
    }
    // Forced: a clean end that timed out above, or a client still trying to reconnect.
    await client.endAsync(true);
    this.ready = false;
  }

  private onConnect(): void {
    if (this.stopping) {
      return;
    }
    this.generation += 1;
    this.lastError = undefined;
    this.connectedSince = new Date();
    this.prepare(this.generation).catch((error: unknown) =>
      this.options.warn(this.nodeId, `session setup interrupted: ${(error as Error).message}`),
    );
  }

  /** Status, catalog, subscription, then the outbox: every connect, in this order, as the agent does. */
  private async prepare(generation: number): Promise<void> {
    const client = this.client;
    if (!client) {
      return;
    }
    const status = this.publish('status', this.status('online'));
    const catalog = this.publish('catalog', fullCatalog(this.nodeId, this.content, 1, new Date()));
    const granted = await client.subscribeAsync(downFilter(this.nodeId), { qos: 1 });
    if (granted.some((g) => g.qos === 128)) {
      this.options.warn(this.nodeId, 'the broker refused our subscription; acks cannot arrive');
    }
    if (generation !== this.generation || !client.connected) {
      return;
    }
    this.ready = true;
    this.counters.connects += 1;
    this.outbox.connected();
    this.emit('ready');
    this.pump();
    await Promise.all([status, catalog]);
  }

  private onClose(): void {
    this.generation += 1;
    if (this.ready) {
      this.counters.disconnects += 1;
      if (!this.stopping) {
        this.options.warn(this.nodeId, `connection lost with ${this.outbox.size} alarms unacknowledged`);
      }
    }
    this.ready = false;
    this.outbox.disconnected();
  }

  private pump(): void {
    if (this.ready) {
      this.publishAlarms(this.outbox.take(Date.now()));
    }
  }

  private publishAlarms(alarms: Alarm[]): void {
    for (const alarm of alarms) {
      // A publication that fails is not lost: the alarm stays in the outbox until acknowledged.
      this.publish('alarm', alarm).catch(() => undefined);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.direction !== 'down' || parsed.nodeId !== this.nodeId) {
      this.malformed(`${topic}: not a down topic of this node`);
      return;
    }
    if (parsed.kind === 'ack') {
      const decoded = decodeDown('ack', payload);
      if (!decoded.ok) {
        this.malformed(`ack: ${decoded.reason}`);
        return;
      }
      const { ids, refused } = decoded.value;
      for (const r of refused) {
        this.options.warn(this.nodeId, `alarm ${r.id} refused by the center: ${r.reason}`);
      }
      this.outbox.ack(
        ids,
        refused.map((r) => r.id),
      );
      this.pump();
    } else if (parsed.kind === 'command') {
      this.onCommand(payload);
    }
    // `down/event` is for child centers; a branch has no alarm handling state to keep.
  }

  /** A branch answers every command; this one can resend its catalog and answer a ping, and says so for the rest. */
  private onCommand(payload: Buffer): void {
    this.counters.commands += 1;
    const decoded = decodeDown('command', payload);
    if (!decoded.ok) {
      this.malformed(`command: ${decoded.reason}`);
      return;
    }
    const command = decoded.value;
    void this.execute(command).then((reply) =>
      this.publish('reply', reply).catch(() => this.options.warn(this.nodeId, `reply to ${command.id} not sent`)),
    );
  }

  private async execute(command: Command): Promise<CommandReply> {
    const refuse = (code: CommandErrorCode, message: string): CommandReply => ({
      correlationId: command.id,
      from: this.nodeId,
      ok: false,
      error: { code, message },
    });
    if (command.target !== this.nodeId) {
      return refuse('wrong_target', `this is ${this.nodeId}, not ${command.target}`);
    }
    if (Date.parse(command.expiresAt) <= Date.now()) {
      return refuse('expired', `command expired at ${command.expiresAt}`);
    }
    switch (command.name) {
      case 'ping':
        return { correlationId: command.id, from: this.nodeId, ok: true, result: { pong: new Date().toISOString() } };
      case 'catalog.resync':
        await this.publish('catalog', fullCatalog(this.nodeId, this.content, 1, new Date()));
        return { correlationId: command.id, from: this.nodeId, ok: true, result: { revision: 1 } };
      default:
        return refuse('unsupported_command', `simulated branch ${this.nodeId} does not handle ${command.name}`);
    }
  }

  private malformed(reason: string): void {
    this.counters.malformed += 1;
    this.options.warn(this.nodeId, `ignoring a malformed message: ${reason}`);
  }

  private status(state: 'online' | 'offline', reason?: string): StatusMessage {
    const message: StatusMessage = {
      nodeId: this.nodeId,
      kind: 'branch',
      state,
      // Online since this connection was made; offline from now.
      since: (state === 'online' ? this.connectedSince : new Date()).toISOString(),
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
      return Promise.reject(new Error('not started'));
    }
    const { qos, retain } = UP_DELIVERY[kind];
    return new Promise<void>((resolve, reject) => {
      client.publish(upTopic(this.nodeId, kind), toBuffer(encode(message)), { qos, retain }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
}

const STOP_TIMEOUT_MS = 3_000;

/** Waits for `promise` at most `ms`, never rejecting: a stop must go on whatever the broker does. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
