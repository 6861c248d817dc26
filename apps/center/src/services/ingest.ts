import {
  decodeUp,
  type Alarm,
  type AlarmEventBatch,
  type AuditBatch,
  type Catalog,
  newCorrelationId,
  type Command,
  type CommandReply,
  type NodeState,
  type UpKind,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { CenterBus } from '../broker/bus.js';
import type { CatalogChange, NodeRepository } from '../repositories/node.repository.js';
import type { AlarmIntake } from './alarm-intake.js';
import type { NodeIndex } from './node-index.js';

/** What the ingest tells the rest of the center about; each is optional so tests can wire only a part. */
export interface IngestEvents {
  statesChanged(states: NodeState[]): void;
  catalogChanged(publisher: string, revision: number, change: CatalogChange): void;
  reply(reply: CommandReply): void;
  /** Handling events from a child center (`up/event`); stored before they are acknowledged. */
  alarmEvents?(publisher: string, batch: AlarmEventBatch): Promise<void>;
  /** A child center stored our `down/event` batches up to `upTo`. */
  alarmEventsAcked?(publisher: string, upTo: number): void;
  /** A node said it is online (a child center then gets the events and keys it is owed). */
  nodeOnline?(publisher: string, kind: 'center' | 'branch'): void;
  /** Why a publisher may not send this audit chain, or null when it may. */
  auditRefusal?(publisher: string, source: string): string | null;
  /** Audit entries from a child center (its chain or a copy of one below it); stored before they are acknowledged. */
  auditEntries?(publisher: string, batch: AuditBatch): Promise<void>;
}

/** Counters an operator reads in /api/health and the logs: every refused message is counted by reason. */
export interface IngestStats {
  received: number;
  refused: Record<string, number>;
  /** Accepted but worth an operator's look: sequence gaps, clocks ahead. */
  flagged: Record<string, number>;
}

/** An alarm time this far ahead of the center's clock is flagged (clocks drift; minutes do not). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Everything nodes send up arrives here. Each message is validated against
 * the protocol; a bad one is logged with its reason, counted and dropped,
 * and the next one is processed as if nothing happened. Messages of one
 * publisher other than alarms are applied in arrival order.
 */
/** Distinct refusal reasons counted at most: beyond, they count as `other`. */
const MAX_REFUSAL_KEYS = 200;

export class Ingest {
  readonly stats: IngestStats = { received: 0, refused: {}, flagged: {} };
  private chains = new Map<string, Promise<void>>();
  /** Highest sequence number seen per origin since start (a restart forgets: the first alarm sets it). */
  private readonly lastSeq = new Map<string, number>();
  /** What each node said it is in its status, for a node whose catalog has not arrived yet. */
  private readonly declaredKind = new Map<string, 'center' | 'branch'>();

  constructor(
    private readonly selfId: string,
    private readonly deps: {
      bus: CenterBus;
      nodes: NodeRepository;
      index: NodeIndex;
      intake: AlarmIntake;
      log: Logger;
      events: IngestEvents;
    },
  ) {}

  handle(publisher: string, kind: UpKind, payload: Buffer): void {
    this.stats.received += 1;
    if (kind === 'alarm') {
      this.handleAlarm(publisher, payload);
      return;
    }
    const previous = this.chains.get(publisher) ?? Promise.resolve();
    const next = previous.then(() => this.handleOrdered(publisher, kind, payload));
    this.chains.set(publisher, next);
    void next.finally(() => {
      if (this.chains.get(publisher) === next) {
        this.chains.delete(publisher);
      }
    });
  }

  private refuse(publisher: string, kind: string, reason: string): void {
    // Count by kind and the reason's first words ("alarm: not JSON", "alarm: invalid alarm"), not by every
    // detail: numbers and node ids vary, the key must not (health would grow with every new size or id).
    const words = (reason.split(':')[0] ?? reason).replace(/\d+/g, 'N');
    let key = `${kind}: ${words}`;
    if (!(key in this.stats.refused) && Object.keys(this.stats.refused).length >= MAX_REFUSAL_KEYS) {
      key = `${kind}: other`;
    }
    this.stats.refused[key] = (this.stats.refused[key] ?? 0) + 1;
    this.deps.log.warn({ publisher, kind, reason }, 'message refused');
  }

  /** The broker refused (acknowledged and dropped) a publish outside the node's own topics. */
  refuseAcl(user: string, topic: string): void {
    this.refuse(user, 'acl', `publish outside its own topics: ${topic}`);
  }

  /** The broker cut a client off for a packet larger than it takes (before reading it). */
  refusePacket(user: string, bytes: number): void {
    this.refuse(user, 'packet', `too large: ${bytes} bytes; disconnected`);
  }

  /** A message on a topic this center does not know (a typo, another version's kind): counted and dropped. */
  refuseTopic(topic: string): void {
    this.stats.received += 1;
    this.refuse(topic.split('/')[2] ?? '?', 'topic', 'unknown topic');
  }

  private handleAlarm(publisher: string, payload: Buffer): void {
    const decoded = decodeUp('alarm', payload);
    if (!decoded.ok) {
      this.refuse(publisher, 'alarm', decoded.reason);
      return;
    }
    const alarm = decoded.value;
    const refusal = this.alarmRefusal(publisher, alarm);
    if (refusal !== null) {
      this.refuse(publisher, 'alarm', refusal);
      this.deps.intake.refuse(publisher, alarm.id, refusal);
      return;
    }
    this.flagOddities(publisher, alarm);
    this.deps.intake.submit(alarm, publisher);
  }

  /**
   * Why an alarm may not come from this publisher, or null. The broker's ACL
   * keeps a node to its own topics; this keeps it to its own subtree inside
   * the payload: a branch speaks only for itself (its own origin, a one-hop
   * path, no subject), a child center for nodes below it (an origin or
   * subject this center knows elsewhere is refused; one not known yet —
   * its catalog still on its way — passes).
   */
  private alarmRefusal(publisher: string, alarm: Alarm): string | null {
    if (alarm.path.at(-1) !== publisher || alarm.path[0] !== alarm.origin) {
      return 'path must start at the origin and end at the publisher';
    }
    const kind = this.deps.index.get(publisher)?.kind ?? this.declaredKind.get(publisher);
    const isCenter = kind === 'center';
    if (!isCenter && (alarm.path.length > 1 || alarm.subject !== undefined)) {
      return 'a branch raises alarms of its own only';
    }
    const outside = (id: string): boolean =>
      id !== publisher && this.deps.index.get(id) !== undefined && !this.deps.index.isWithin(id, publisher);
    if (outside(alarm.origin)) {
      return `origin not below the publisher: ${alarm.origin} is not below ${publisher}`;
    }
    if (alarm.subject !== undefined && (alarm.subject === publisher || outside(alarm.subject))) {
      return `subject not below the publisher: ${alarm.subject} is not below ${publisher}`;
    }
    return null;
  }

  /**
   * Accepted but flagged (docs/protocol.md): a sequence number that skips
   * ahead (alarms of that origin are missing, or still on their way after a
   * reconnect) and a time of occurrence far in the future (a wrong clock at
   * the source). Both are logged and counted in /api/health.
   */
  private flagOddities(publisher: string, alarm: Alarm): void {
    const last = this.lastSeq.get(alarm.origin);
    if (last !== undefined && alarm.seq > last + 1) {
      this.count('alarm: sequence gap');
      this.deps.log.warn(
        { publisher, origin: alarm.origin, missing: `${last + 1}-${alarm.seq - 1}` },
        'alarm sequence gap: alarms of this origin missing or still on their way',
      );
    }
    if (last === undefined || alarm.seq > last) {
      this.lastSeq.set(alarm.origin, alarm.seq);
    }
    const ahead = Date.parse(alarm.occurredAt) - Date.now();
    if (ahead > FUTURE_TOLERANCE_MS) {
      this.count('alarm: occurred in the future');
      this.deps.log.warn(
        { publisher, origin: alarm.origin, alarmId: alarm.id, aheadSec: Math.round(ahead / 1000) },
        "alarm time is ahead of this center's clock; the source's clock is wrong",
      );
    }
  }

  private count(key: string): void {
    this.stats.flagged[key] = (this.stats.flagged[key] ?? 0) + 1;
  }

  private async handleOrdered(publisher: string, kind: Exclude<UpKind, 'alarm'>, payload: Buffer): Promise<void> {
    try {
      switch (kind) {
        case 'status':
          return await this.onStatus(publisher, payload);
        case 'states':
          return await this.onStates(publisher, payload);
        case 'catalog':
          return await this.onCatalog(publisher, payload);
        case 'patrol':
          return await this.onPatrol(publisher, payload);
        case 'reply':
          return this.onReply(publisher, payload);
        case 'event':
          return await this.onEvents(publisher, payload);
        case 'event-ack':
          return this.onEventAck(publisher, payload);
        case 'audit':
          return await this.onAudit(publisher, payload);
      }
    } catch (error) {
      this.deps.log.error({ err: error, publisher, kind }, 'processing a message failed');
    }
  }

  private async onStatus(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('status', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'status', decoded.reason);
    }
    const status = decoded.value;
    if (status.nodeId !== publisher) {
      return this.refuse(publisher, 'status', `status of another node: ${status.nodeId} published by ${publisher}`);
    }
    // Our own clock: a last-will carries the time its owner connected, not when it died.
    const since = new Date().toISOString();
    const own: NodeState = {
      nodeId: publisher,
      state: status.state,
      since,
      ...(status.reason ? { reason: status.reason } : {}),
    };
    const changed = await this.deps.nodes.setStates([own]);
    if (status.state === 'offline') {
      changed.push(...(await this.deps.nodes.markLearnedThroughOffline(publisher, since, `${publisher} unreachable`)));
    }
    this.declaredKind.set(publisher, status.kind);
    this.deps.log.info({ publisher, state: status.state, reason: status.reason }, 'node status');
    if (status.state === 'online') {
      this.deps.events.nodeOnline?.(publisher, status.kind);
    }
    if (changed.length > 0) {
      this.deps.events.statesChanged(changed);
    }
  }

  private async onStates(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('states', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'states', decoded.reason);
    }
    if (decoded.value.publisher !== publisher) {
      return this.refuse(publisher, 'states', 'publisher field differs from the topic');
    }
    // A child may only speak for nodes it told us about.
    const changed = await this.deps.nodes.setStates(decoded.value.states, publisher);
    if (changed.length > 0) {
      this.deps.events.statesChanged(changed);
    }
  }

  private async onCatalog(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('catalog', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'catalog', decoded.reason);
    }
    const catalog = decoded.value;
    if (catalog.publisher !== publisher) {
      return this.refuse(publisher, 'catalog', 'publisher field differs from the topic');
    }
    const refusal = await this.catalogRefusal(publisher, catalog);
    if (refusal !== null) {
      return this.refuse(publisher, 'catalog', refusal);
    }
    const result = await this.deps.nodes.applyCatalog(this.selfId, catalog);
    if (!result.applied) {
      this.deps.log.warn({ publisher, reason: result.reason }, 'catalog delta out of step; asking for a full catalog');
      this.sendCommand(publisher, 'catalog.resync');
      return;
    }
    // A node that sends its catalog is connected, whatever a stale retained status said.
    const online = await this.deps.nodes.setStates([
      { nodeId: publisher, state: 'online', since: new Date().toISOString() },
    ]);
    await this.deps.index.reload();
    this.deps.log.info(
      {
        publisher,
        mode: catalog.mode,
        revision: catalog.revision,
        nodes: catalog.nodes.length,
        cameras: catalog.cameras.length,
      },
      'catalog applied',
    );
    this.deps.events.catalogChanged(publisher, catalog.revision, result.change);
    if (online.length > 0) {
      this.deps.events.statesChanged(online);
    }
  }

  /**
   * Why a catalog may not come from this publisher, or null: a branch
   * describes itself only, a child center its own subtree; nothing may hang
   * a device, camera or input on a node outside it, or take over an id this
   * center holds from another publisher (or as its own).
   */
  private async catalogRefusal(publisher: string, catalog: Catalog): Promise<string | null> {
    if (catalog.nodes.some((n) => n.id === this.selfId)) {
      return 'a child may not describe its parent';
    }
    const kind =
      this.deps.index.get(publisher)?.kind ??
      this.declaredKind.get(publisher) ??
      catalog.nodes.find((n) => n.id === publisher)?.kind;
    const listed = new Set(catalog.nodes.map((n) => n.id));
    if (kind !== 'center' && [...listed].some((id) => id !== publisher)) {
      return 'a branch describes itself only';
    }
    const below = (nodeId: string): boolean =>
      listed.has(nodeId) || nodeId === publisher || this.deps.index.routeTo(nodeId) === publisher;
    const entities = [...catalog.devices, ...catalog.cameras, ...catalog.alarmInputs];
    const stray = entities.find((e) => !below(e.nodeId));
    if (stray) {
      return `entity not below the publisher: ${stray.id} hangs on ${stray.nodeId}, not below ${publisher}`;
    }
    const held = await this.deps.nodes.heldByOthers(publisher, catalog);
    if (held.length > 0) {
      return `ids held from another publisher: ${held.slice(0, 5).join(', ')}`;
    }
    return null;
  }

  private async onPatrol(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('patrol', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'patrol', decoded.reason);
    }
    const p = decoded.value;
    if (p.nodeId !== publisher) {
      return this.refuse(publisher, 'patrol', `patrol of another node: ${p.nodeId} published by ${publisher}`);
    }
    await this.deps.nodes.recordHealth(publisher, {
      at: p.at,
      uptimeSec: p.uptimeSec,
      outboxPending: p.outbox.pending,
      devices: p.devices,
    });
  }

  private async onEvents(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('event', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'event', decoded.reason);
    }
    // Only a child center speaks for handling; an event must concern an alarm of the publisher's subtree.
    if (this.deps.index.get(publisher)?.kind !== 'center') {
      return this.refuse(publisher, 'event', 'only a child center sends alarm events');
    }
    const foreign = decoded.value.events.find((e) => this.deps.index.routeTo(e.origin) !== publisher);
    if (foreign) {
      return this.refuse(
        publisher,
        'event',
        `event outside the publisher: ${foreign.id} concerns ${foreign.origin}, outside ${publisher}`,
      );
    }
    await this.deps.events.alarmEvents?.(publisher, decoded.value);
  }

  private async onAudit(publisher: string, payload: Buffer): Promise<void> {
    const decoded = decodeUp('audit', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'audit', decoded.reason);
    }
    const refusal = this.deps.events.auditRefusal?.(publisher, decoded.value.source) ?? null;
    if (refusal) {
      return this.refuse(publisher, 'audit', refusal);
    }
    await this.deps.events.auditEntries?.(publisher, decoded.value);
  }

  private onEventAck(publisher: string, payload: Buffer): void {
    const decoded = decodeUp('event-ack', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'event-ack', decoded.reason);
    }
    this.deps.events.alarmEventsAcked?.(publisher, decoded.value.upTo);
  }

  private onReply(publisher: string, payload: Buffer): void {
    const decoded = decodeUp('reply', payload);
    if (!decoded.ok) {
      return this.refuse(publisher, 'reply', decoded.reason);
    }
    this.deps.events.reply(decoded.value);
  }

  private sendCommand(target: string, name: Command['name']): void {
    const now = Date.now();
    this.deps.bus.publishDown(target, 'command', {
      id: newCorrelationId(),
      name,
      target,
      args: {},
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
    });
  }
}
