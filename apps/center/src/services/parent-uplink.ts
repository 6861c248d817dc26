import {
  type Alarm,
  type AlarmEventBatch,
  type AuditAck,
  type AuditBatch,
  decodeDown,
  downFilter,
  encode,
  parseTopic,
  upTopic,
  UP_DELIVERY,
  type Catalog,
  type Command,
  type CommandReply,
  type NodeState,
  type RevokeMessage,
  type StatusMessage,
  type TrustMessage,
  type UpKind,
  type UpMessage,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import { disableNagle } from '@bsm/runtime';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { CatalogChange, NodeRepository } from '../repositories/node.repository.js';

export interface ParentUplinkOptions {
  selfId: string;
  tier: 1 | 2 | 3;
  url: string;
  username: string;
  password: string;
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  /** The CA of the parent's mqtts:// broker on a private PKI. */
  ca?: Buffer;
  software: { name: string; version: string };
  /** Resend alarms the parent has not acked after this long. */
  ackTimeoutMs?: number;
}

/**
 * This center as one node of its parent: the same protocol a branch speaks.
 * Alarms go up from the database outbox in the order they were stored; the
 * outbox row is deleted only when the parent acks, so a parent that is down,
 * a lost connection or our own crash delays alarms but never loses them.
 */
export class ParentUplink {
  private client: MqttClient | null = null;
  private revision = 0;
  private catalogSent = false;
  /** Outbox position of the last alarm published since the (re)connect. */
  private cursor = 0;
  private inflight = new Map<string, number>();
  private pumping = false;
  /** The outbox holds nothing unsent before the cursor: fresh alarms may go straight from memory. */
  private caughtUp = false;
  private pumpAgain = false;
  private ackTimer: NodeJS.Timeout | null = null;
  private ackedBuffer: string[] = [];
  private commandHandler: (command: Command) => void = () => undefined;
  private eventsHandler: (batch: AlarmEventBatch) => void = () => undefined;
  private eventsAckedHandler: (upTo: number) => void = () => undefined;
  private readonly connectedHandlers: (() => void)[] = [];
  private auditAckedHandler: (ack: AuditAck) => void = () => undefined;
  private trustHandler: (message: TrustMessage) => void = () => undefined;
  private revokeHandler: (message: RevokeMessage) => void = () => undefined;

  constructor(
    private readonly opts: ParentUplinkOptions,
    private readonly nodes: NodeRepository,
    private readonly alarms: AlarmRepository,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  onCommand(handler: (command: Command) => void): void {
    this.commandHandler = handler;
  }

  start(): void {
    const since = new Date().toISOString();
    const will: StatusMessage = {
      nodeId: this.opts.selfId,
      kind: 'center',
      tier: this.opts.tier,
      state: 'offline',
      since,
      reason: 'connection lost',
      software: this.opts.software,
    };
    const client = mqtt.connect(this.opts.url, {
      clientId: `bsm-center-${this.opts.selfId}`,
      username: this.opts.username,
      password: this.opts.password,
      protocolVersion: this.opts.protocolVersion,
      keepalive: this.opts.keepaliveSec,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      will: { topic: upTopic(this.opts.selfId, 'status'), payload: Buffer.from(encode(will)), qos: 1, retain: true },
    });
    this.client = client;
    disableNagle(client);
    client.on('connect', () => void this.onConnect());
    client.on('offline', () => this.log.warn('parent center unreachable; alarms wait in the outbox'));
    client.on('close', () => {
      this.caughtUp = false;
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'parent uplink error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.ackTimer = setInterval(() => this.checkAckTimeouts(), 2_000);
  }

  private async onConnect(): Promise<void> {
    const client = this.client;
    if (!client) {
      return;
    }
    this.log.info({ url: this.opts.url }, 'connected to parent center');
    try {
      await client.subscribeAsync(downFilter(this.opts.selfId), { qos: 1 });
      this.publish('status', {
        nodeId: this.opts.selfId,
        kind: 'center',
        tier: this.opts.tier,
        state: 'online',
        since: new Date().toISOString(),
        software: this.opts.software,
      });
      await this.publishFullCatalog();
      for (const handler of this.connectedHandlers) {
        handler();
      }
      // Everything not acked is sent again, oldest first; the parent ignores what it already has.
      this.cursor = 0;
      this.caughtUp = false;
      this.inflight.clear();
      this.wake();
    } catch (error) {
      this.log.error({ err: error }, 'parent handshake failed');
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.direction !== 'down' || parsed.nodeId !== this.opts.selfId) {
      return;
    }
    if (parsed.kind === 'ack') {
      const ack = decodeDown('ack', payload);
      if (!ack.ok) {
        this.log.warn({ reason: ack.reason }, 'malformed ack from parent ignored');
        return;
      }
      for (const r of ack.value.refused) {
        this.log.error({ alarmId: r.id, reason: r.reason }, 'parent refused an alarm');
      }
      if (ack.value.eventsUpTo !== undefined) {
        this.eventsAckedHandler(ack.value.eventsUpTo);
      }
      const done = [...ack.value.ids, ...ack.value.refused.map((r) => r.id)];
      for (const id of done) {
        this.inflight.delete(id);
      }
      this.ackedBuffer.push(...done);
      void this.flushAcks();
      return;
    }
    if (parsed.kind === 'audit-ack') {
      const ack = decodeDown('audit-ack', payload);
      if (!ack.ok) {
        this.log.warn({ reason: ack.reason }, 'malformed audit ack from parent ignored');
        return;
      }
      this.auditAckedHandler(ack.value);
      return;
    }
    if (parsed.kind === 'event') {
      const batch = decodeDown('event', payload);
      if (!batch.ok) {
        this.log.warn({ reason: batch.reason }, 'malformed alarm events from parent ignored');
        return;
      }
      this.eventsHandler(batch.value);
      return;
    }
    if (parsed.kind === 'trust' || parsed.kind === 'revoke') {
      if (parsed.kind === 'trust') {
        const trust = decodeDown('trust', payload);
        if (trust.ok) {
          this.trustHandler(trust.value);
        } else {
          this.log.warn({ reason: trust.reason }, 'malformed trust message from parent ignored');
        }
      } else {
        const revoke = decodeDown('revoke', payload);
        if (revoke.ok) {
          this.revokeHandler(revoke.value);
        } else {
          this.log.warn({ reason: revoke.reason }, 'malformed revocation from parent ignored');
        }
      }
      return;
    }
    const command = decodeDown('command', payload);
    if (!command.ok) {
      this.log.warn({ reason: command.reason }, 'malformed command from parent ignored');
      return;
    }
    this.commandHandler(command.value);
  }

  private flushingAcks = false;
  private async flushAcks(): Promise<void> {
    if (this.flushingAcks) {
      return;
    }
    this.flushingAcks = true;
    try {
      while (this.ackedBuffer.length > 0) {
        const ids = this.ackedBuffer.splice(0, 1000);
        await this.alarms.ackedByParent(ids);
      }
    } catch (error) {
      this.log.error({ err: error }, 'could not clear acked alarms from the outbox; they will be resent');
    } finally {
      this.flushingAcks = false;
    }
  }

  /**
   * Alarms just stored and queued, in outbox order. While the uplink is
   * caught up they go out at once from memory; otherwise the pump reads them
   * from the outbox in turn.
   */
  forward(stored: { position: number; alarm: Alarm }[]): void {
    if (!this.caughtUp || this.pumping || !this.connected) {
      this.wake();
      return;
    }
    const now = Date.now();
    for (const { position, alarm } of [...stored].sort((a, b) => a.position - b.position)) {
      this.publish('alarm', { ...alarm, path: [...alarm.path, this.opts.selfId] });
      this.inflight.set(alarm.id, now);
      this.cursor = Math.max(this.cursor, position);
    }
  }

  /** New alarms were queued in the outbox (or the link came back): publish what is owed. */
  wake(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        while (this.connected) {
          const rows = await this.alarms.pendingAfter(this.cursor, 500);
          if (rows.length === 0) {
            this.caughtUp = true;
            break;
          }
          const now = Date.now();
          for (const { position, alarm } of rows) {
            this.publish('alarm', { ...alarm, path: [...alarm.path, this.opts.selfId] });
            this.inflight.set(alarm.id, now);
            this.cursor = position;
          }
        }
      } while (this.pumpAgain && this.connected);
    } catch (error) {
      this.log.error({ err: error }, 'reading the outbox failed; retrying shortly');
      setTimeout(() => this.wake(), 1000).unref();
    } finally {
      this.pumping = false;
    }
  }

  private checkAckTimeouts(): void {
    const timeout = this.opts.ackTimeoutMs ?? 10_000;
    const now = Date.now();
    for (const sentAt of this.inflight.values()) {
      if (now - sentAt > timeout) {
        this.log.warn({ unacked: this.inflight.size }, 'parent has not acked alarms in time; resending');
        this.cursor = 0;
        this.caughtUp = false;
        this.inflight.clear();
        this.wake();
        return;
      }
    }
  }

  async publishFullCatalog(): Promise<void> {
    const content = await this.nodes.fullCatalogContent();
    this.revision += 1;
    const catalog: Catalog = {
      publisher: this.opts.selfId,
      mode: 'full',
      revision: this.revision,
      at: new Date().toISOString(),
      ...content,
    };
    this.publish('catalog', catalog);
    this.catalogSent = true;
  }

  /** Passes a child's catalog change up as our own delta. */
  publishCatalogChange(change: CatalogChange): void {
    if (!this.connected || !this.catalogSent) {
      return; // The full catalog sent on (re)connect will carry it.
    }
    const base = this.revision;
    this.revision += 1;
    this.publish('catalog', {
      publisher: this.opts.selfId,
      mode: 'delta',
      baseRevision: base,
      revision: this.revision,
      at: new Date().toISOString(),
      nodes: change.nodes,
      devices: change.devices,
      cameras: change.cameras,
      alarmInputs: change.alarmInputs,
      removed: change.removed,
      states: change.states,
    });
  }

  publishStates(states: NodeState[]): void {
    if (this.connected && states.length > 0) {
      for (let i = 0; i < states.length; i += 5000) {
        this.publish('states', { publisher: this.opts.selfId, states: states.slice(i, i + 5000) });
      }
    }
  }

  reply(reply: CommandReply): void {
    this.publish('reply', reply);
  }

  /** Alarm handling events for the parent; false while the link is down. */
  publishEvents(batch: AlarmEventBatch): boolean {
    if (!this.client?.connected) {
      return false;
    }
    this.publish('event', batch);
    return true;
  }

  publishEventAck(upTo: number): void {
    this.publish('event-ack', { upTo });
  }

  onEvents(handler: (batch: AlarmEventBatch) => void): void {
    this.eventsHandler = handler;
  }

  onEventsAcked(handler: (upTo: number) => void): void {
    this.eventsAckedHandler = handler;
  }

  /** Called after every (re)connect, once the status and the full catalog are sent. */
  onConnected(handler: () => void): void {
    this.connectedHandlers.push(handler);
  }

  /** Entries of one audit chain for the parent; false while the link is down. */
  publishAudit(batch: AuditBatch): boolean {
    if (!this.client?.connected) {
      return false;
    }
    this.publish('audit', batch);
    return true;
  }

  onAuditAcked(handler: (ack: AuditAck) => void): void {
    this.auditAckedHandler = handler;
  }

  /** `down/trust`: the signing keys of the centers above (single sign-on). */
  onTrust(handler: (message: TrustMessage) => void): void {
    this.trustHandler = handler;
  }

  /** `down/revoke`: sessions ended above. */
  onRevoke(handler: (message: RevokeMessage) => void): void {
    this.revokeHandler = handler;
  }

  private publish<K extends UpKind>(kind: K, message: UpMessage<K>): void {
    const { qos, retain } = UP_DELIVERY[kind];
    this.client?.publish(upTopic(this.opts.selfId, kind), Buffer.from(encode(message)), { qos, retain });
  }

  get pendingInflight(): number {
    return this.inflight.size;
  }

  async stop(): Promise<void> {
    if (this.ackTimer) {
      clearInterval(this.ackTimer);
    }
    const client = this.client;
    if (!client) {
      return;
    }
    if (client.connected) {
      this.publish('status', {
        nodeId: this.opts.selfId,
        kind: 'center',
        tier: this.opts.tier,
        state: 'offline',
        since: new Date().toISOString(),
        reason: 'center stopped',
        software: this.opts.software,
      });
    }
    await client.endAsync();
    await this.flushAcks();
  }
}
