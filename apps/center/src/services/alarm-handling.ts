import {
  alarmStateOf,
  refusalOf,
  type Alarm,
  type AlarmActionRequest,
  type AlarmEvent,
  type AlarmEventBatch,
  type AlarmView,
  type SessionUser,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { ulid } from 'ulid';
import { HttpError } from '../api/http-errors.js';
import { auditedAction, type AuditContext, type AuditTrail } from '../audit/audited.js';
import type { CenterConfig } from '../config.js';
import type { AlarmEventRepository } from '../repositories/alarm-event.repository.js';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { StoredAlarm } from './alarm-intake.js';
import { DeadlineTimers } from './deadline-timers.js';
import { EventSender } from './event-sender.js';
import type { NodeIndex } from './node-index.js';

export interface AlarmHandlingDeps {
  selfId: string;
  /** The parent center's node id, or null at level 1. */
  parentId: string | null;
  config: CenterConfig['alarms'];
  alarms: AlarmRepository;
  events: AlarmEventRepository;
  index: NodeIndex;
  log: Logger;
  /** Every officer's action, done or refused. */
  audit: AuditTrail;
  alarmUpdated(view: AlarmView): void;
  /** Publishes `up/event` to the parent; false when the link is down (sent again on reconnect). */
  sendUp(batch: AlarmEventBatch): boolean;
  /** Publishes `down/event` to a child center. */
  sendDown(child: string, batch: AlarmEventBatch): boolean;
  /** `down/ack` with `eventsUpTo` to a child that sent us events. */
  ackChild(child: string, upTo: number): void;
  /** `up/event-ack` to the parent. */
  ackParent(upTo: number): void;
  /** Linkage: turn a PTZ camera to a preset (the camera's branch does it). */
  ptzPreset?(cameraId: string, preset: number, alarmId: string): Promise<void>;
}

/** Who acted, as events name them. */
const actorOf = (user: SessionUser): { by: string; byName: string } => ({
  by: `${user.username}@${user.center.id}`,
  byName: user.displayName,
});

/**
 * Alarm handling at one center: officers' actions become events, events from
 * the tiers above and below are merged, each alarm's state is recomputed
 * from its events (the same rules everywhere, so every tier agrees), and
 * alarms nobody acknowledged in time are escalated to the parent.
 */
export class AlarmHandling {
  private readonly timers: DeadlineTimers;
  private readonly up: EventSender | null;
  private readonly down = new Map<string, EventSender>();

  constructor(private readonly deps: AlarmHandlingDeps) {
    this.timers = new DeadlineTimers((alarmId) => void this.deadlinePassed(alarmId));
    this.up = deps.parentId
      ? new EventSender({
          peer: 'parent',
          pending: (after, limit) => deps.events.pendingForParent(deps.parentId ?? '', after, limit),
          cursor: () => deps.events.cursor('parent'),
          advance: (upTo) => deps.events.advanceCursor('parent', upTo),
          send: (batch) => deps.sendUp(batch),
          log: deps.log.child({ part: 'events-up' }),
        })
      : null;
  }

  /** Arms the deadlines of alarms still waiting here (after a restart, overdue ones escalate at once). */
  async start(): Promise<void> {
    // An escalation that came before its alarm is applied when the alarm is stored; a center stopped in
    // between would otherwise never take the alarm on.
    const unclaimed = await this.deps.events.escalationsAwaiting(this.deps.selfId);
    if (unclaimed.length > 0) {
      this.deps.log.warn({ alarms: unclaimed.length }, 'taking on escalations left unapplied at the last stop');
      const now = new Date();
      for (const e of unclaimed) {
        await this.escalatedHere(e, now);
      }
      await this.recompute(await this.deps.events.forAlarms([...new Set(unclaimed.map((e) => e.alarmId))]));
    }
    for (const d of await this.deps.alarms.deadlines()) {
      this.timers.set(d.id, d.deadlineAt.getTime());
    }
    this.up?.wake();
  }

  close(): void {
    this.timers.clear();
    this.up?.close();
    for (const s of this.down.values()) {
      s.close();
    }
  }

  /** Seconds this center has to acknowledge an alarm of this type and priority. */
  deadlineSec(alarm: Pick<Alarm, 'type' | 'priority'>): number {
    const rule = this.deps.config.deadlines.find(
      (r) =>
        (r.type === undefined || r.type === alarm.type) && (r.priority === undefined || r.priority === alarm.priority),
    );
    return rule?.sec ?? this.deps.config.ackDeadlineSec;
  }

  /**
   * What this center decides about an alarm as it arrives: one it raised
   * itself, or received from the branch itself, its officers must handle.
   * (A child center's own alarm also has a one-element path; it is the
   * child's to handle.)
   */
  policy(alarm: Alarm, receivedAt: Date, receivedVia: string): { responsible: boolean; deadlineAt: Date | null } {
    const own = receivedVia === this.deps.selfId;
    const fromBranch = alarm.path.length === 1 && this.deps.index.get(alarm.origin)?.kind !== 'center';
    const first = (own || fromBranch) && alarm.signal !== 'restore';
    return first
      ? { responsible: true, deadlineAt: new Date(receivedAt.getTime() + this.deadlineSec(alarm) * 1000) }
      : { responsible: false, deadlineAt: null };
  }

  /** New alarms are stored: arm deadlines, escalate the urgent types at once, apply restore signals. */
  async onStored(stored: StoredAlarm[]): Promise<void> {
    const made: AlarmEvent[] = [];
    for (const s of stored) {
      const { alarm } = s;
      if (alarm.signal === 'restore' && alarm.path.length === 1 && s.receivedVia === alarm.origin) {
        const open = await this.deps.alarms.openMatching(
          alarm.origin,
          alarm.type,
          alarm.inputId ?? null,
          alarm.zone ?? null,
        );
        made.push(
          ...open.map((alarmId) =>
            this.event(alarmId, alarm.origin, { by: 'system', action: 'restore', node: alarm.origin }),
          ),
        );
        continue;
      }
      if (!s.responsible) {
        continue; // came through a child center, which handles it first
      }
      if (s.deadlineAt) {
        this.timers.set(alarm.id, s.deadlineAt.getTime());
      }
      this.linkPtz(alarm);
      if (this.deps.parentId && this.deps.config.immediateTypes.includes(alarm.type)) {
        made.push(this.escalation(alarm.id, alarm.origin, 'immediate', s.receivedAt));
      }
    }
    // Events can overtake their alarm (an escalation and the alarm travel separately): apply them now.
    const ids = stored.filter((s) => s.alarm.signal !== 'restore').map((s) => s.alarm.id);
    const early = [...(await this.deps.events.forAlarms(ids))].filter(([, events]) => events.length > 0);
    if (early.length > 0) {
      const now = new Date();
      for (const [, events] of early) {
        for (const e of events.filter((x) => x.action === 'escalate' && x.escalation?.to === this.deps.selfId)) {
          await this.escalatedHere(e, now);
        }
      }
      await this.recompute(new Map(early));
    }
    if (made.length > 0) {
      await this.record(made, null);
    }
  }

  /** Linkage rules of this center: cameras that turn to a preset for this alarm's input or type. */
  private linkPtz(alarm: Alarm): void {
    for (const rule of this.deps.config.ptzPresets) {
      const matches = rule.inputId !== undefined ? rule.inputId === alarm.inputId : rule.type === alarm.type;
      if (matches && this.deps.ptzPreset) {
        this.deps
          .ptzPreset(rule.cameraId, rule.preset, alarm.id)
          .catch((error: unknown) =>
            this.deps.log.warn(
              { err: error, alarmId: alarm.id, cameraId: rule.cameraId },
              'linkage: PTZ preset failed',
            ),
          );
      }
    }
  }

  /** A node this center raised alarms about is back: mark those alarms restored (they stay open). */
  async restoredAbout(subject: string): Promise<void> {
    const open = await this.deps.alarms.openAbout(this.deps.selfId, subject, 'device_offline');
    if (open.length > 0) {
      await this.record(
        open.map((alarmId) =>
          this.event(alarmId, this.deps.selfId, { by: 'system', action: 'restore', node: subject }),
        ),
        null,
      );
    }
  }

  /**
   * An officer's action; the refusal says why when the workflow does not allow
   * it now. Recorded in the audit trail either way, and never held up by it.
   */
  async act(user: SessionUser, alarmId: string, req: AlarmActionRequest, ctx: AuditContext = {}): Promise<AlarmView> {
    return auditedAction(
      this.deps.audit,
      this.deps.log,
      {
        actor: user.username,
        action: `alarm.${req.action}`,
        target: alarmId,
        ip: ctx.ip ?? null,
        detail: {
          ...(req.note ? { note: req.note } : {}),
          ...(req.disposition ? { disposition: req.disposition } : {}),
          ...(req.step ? { step: req.step } : {}),
        },
      },
      () => this.actNow(user, alarmId, req),
      (view) => ({ status: view.status }),
    );
  }

  private async actNow(user: SessionUser, alarmId: string, req: AlarmActionRequest): Promise<AlarmView> {
    if (!user.permissions.includes('alarms')) {
      throw new HttpError(403, 'forbidden', 'handling alarms needs the alarms permission');
    }
    const row = await this.deps.alarms.get(alarmId);
    if (!row || row.signal !== 'alarm' || !this.deps.index.isWithin(row.subject ?? row.origin, user.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no alarm ${alarmId}`);
    }
    const events = (await this.deps.events.forAlarms([alarmId])).get(alarmId) ?? [];
    const state = alarmStateOf(row.type as Alarm['type'], events);
    const refusal = refusalOf(state, req.action, {
      ...(req.disposition ? { disposition: req.disposition } : {}),
      ...(req.note !== undefined ? { note: req.note } : {}),
      ...(req.step ? { step: req.step } : {}),
      procedure: this.deps.alarms.rules.procedureOf(row.type as Alarm['type']),
    });
    if (refusal) {
      throw new HttpError(409, 'not_allowed', refusal);
    }
    const event = this.event(alarmId, row.origin, {
      ...actorOf(user),
      action: req.action,
      ...(req.note ? { note: req.note } : {}),
      ...(req.disposition ? { disposition: req.disposition } : {}),
      ...(req.step ? { step: req.step } : {}),
    });
    await this.record([event], null);
    const view = await this.deps.alarms.view(alarmId);
    if (!view) {
      throw new HttpError(404, 'not_found', `no alarm ${alarmId}`);
    }
    return view;
  }

  async history(alarmId: string): Promise<AlarmEvent[]> {
    return (await this.deps.events.forAlarms([alarmId])).get(alarmId) ?? [];
  }

  /** `up/event` from a child center. */
  async fromChild(child: string, batch: AlarmEventBatch): Promise<void> {
    await this.record(batch.events, child);
    this.deps.ackChild(child, batch.upTo);
  }

  /** `down/event` from the parent. */
  async fromParent(batch: AlarmEventBatch): Promise<void> {
    await this.record(batch.events, 'parent');
    this.deps.ackParent(batch.upTo);
  }

  /** `down/ack` `eventsUpTo` from the parent. */
  parentAcked(upTo: number): void {
    this.up?.acked(upTo);
  }

  /** `up/event-ack` from a child. */
  childAcked(child: string, upTo: number): void {
    this.down.get(child)?.acked(upTo);
  }

  /** The link to the parent is back: send what it has not acknowledged. */
  parentConnected(): void {
    this.up?.resend();
  }

  /** A child center is online again: send what it has not acknowledged. */
  childConnected(child: string): void {
    if (this.deps.index.get(child)?.kind === 'center') {
      this.downTo(child).resend();
    }
  }

  /**
   * Stores events, applies escalations naming this center, recomputes the
   * alarms they touch, tells consoles and neighbours. Escalations and the
   * recomputation run for every event of the batch, not only those new to
   * the database: a batch stored just before this center stopped is sent
   * again (it was never acknowledged), and its effects must happen then.
   */
  private async record(events: AlarmEvent[], from: string | null): Promise<void> {
    const fresh = await this.deps.events.insert(events, from === 'parent' ? this.deps.parentId : from);
    const now = new Date();
    for (const e of events) {
      if (e.action === 'escalate' && e.escalation?.to === this.deps.selfId) {
        await this.escalatedHere(e, now);
      }
    }
    const alarmIds = [...new Set(events.map((e) => e.alarmId))];
    await this.recompute(await this.deps.events.forAlarms(alarmIds));
    if (fresh.length === 0) {
      return;
    }
    this.up?.wake();
    for (const child of this.childCentersOf(fresh, from)) {
      this.downTo(child).wake();
    }
  }

  /** Saves what each alarm's events add up to and tells the consoles. */
  private async recompute(all: Map<string, AlarmEvent[]>): Promise<void> {
    for (const alarmId of all.keys()) {
      const row = await this.deps.alarms.get(alarmId);
      if (!row) {
        continue; // events ahead of their alarm: applied when it arrives (onStored)
      }
      const state = alarmStateOf(row.type as Alarm['type'], all.get(alarmId) ?? []);
      await this.deps.alarms.saveState(alarmId, state);
      if (state.status !== 'new') {
        this.timers.delete(alarmId);
      }
      const view = await this.deps.alarms.view(alarmId);
      if (view) {
        this.deps.alarmUpdated(view);
      }
    }
  }

  /** Child centers on the paths of these alarms, other than the one the events came from. */
  private childCentersOf(events: AlarmEvent[], from: string | null): string[] {
    const children = new Set<string>();
    for (const e of events) {
      const via = this.deps.index.routeTo(e.origin);
      if (via && via !== from && via !== e.origin && this.deps.index.get(via)?.kind === 'center') {
        children.add(via);
      }
    }
    return [...children];
  }

  private downTo(child: string): EventSender {
    let sender = this.down.get(child);
    if (!sender) {
      sender = new EventSender({
        peer: `child:${child}`,
        pending: (after, limit) => this.deps.events.pendingForChild(child, after, limit),
        cursor: () => this.deps.events.cursor(`child:${child}`),
        advance: (upTo) => this.deps.events.advanceCursor(`child:${child}`, upTo),
        send: (batch) => this.deps.sendDown(child, batch),
        log: this.deps.log.child({ part: 'events-down', child }),
      });
      this.down.set(child, sender);
    }
    return sender;
  }

  /**
   * An escalation names this center: its officers must act, with a deadline
   * of their own unless it was handled. Once per alarm: nothing happens when
   * this center is already responsible, or when the alarm has not arrived yet
   * (its arrival applies the escalation, `onStored`).
   */
  private async escalatedHere(e: AlarmEvent, now: Date): Promise<void> {
    const row = await this.deps.alarms.get(e.alarmId);
    if (!row || row.responsible) {
      return;
    }
    const dueAt = Date.parse(e.escalation?.dueAt ?? e.at);
    const late = now.getTime() - dueAt > this.deps.config.lateAfterSec * 1000;
    const events = (await this.deps.events.forAlarms([e.alarmId])).get(e.alarmId) ?? [];
    const state = alarmStateOf(row.type as Alarm['type'], events);
    const deadlineAt =
      state.status === 'new' ? new Date(now.getTime() + this.deadlineSec(row as unknown as Alarm) * 1000) : null;
    await this.deps.alarms.takeResponsibility(e.alarmId, now, deadlineAt, late, state);
    if (deadlineAt) {
      this.timers.set(e.alarmId, deadlineAt.getTime());
    }
    this.deps.log.warn(
      { alarmId: e.alarmId, from: e.escalation?.from, reason: e.escalation?.reason, late },
      late ? 'alarm escalated here, late' : 'alarm escalated here',
    );
  }

  /** Nobody acknowledged in time: hand the alarm to the parent (level 1 keeps it, shown overdue). */
  private async deadlinePassed(alarmId: string): Promise<void> {
    try {
      const row = await this.deps.alarms.get(alarmId);
      if (!row || row.deadline_at === null || (row.state && row.state.status !== 'new')) {
        return;
      }
      if (!this.deps.parentId) {
        return;
      }
      // From the events, not the row's saved state: a center killed between storing an escalation and
      // saving the state it adds up to must not escalate the alarm a second time after its restart.
      const events = (await this.deps.events.forAlarms([alarmId])).get(alarmId) ?? [];
      const state = alarmStateOf(row.type as Alarm['type'], events);
      if (!state.escalations.some((e) => e.from === this.deps.selfId)) {
        this.deps.log.warn({ alarmId, to: this.deps.parentId }, 'alarm not acknowledged in time; escalating');
        await this.record([this.escalation(alarmId, row.origin, 'deadline', row.deadline_at)], null);
      } else if (!row.state?.escalations.some((e) => e.from === this.deps.selfId)) {
        await this.recompute(new Map([[alarmId, events]])); // stored before a stop, not yet shown
      }
      // Only once the escalation is stored: cleared first, a crash in between would lose it for good.
      await this.deps.alarms.clearDeadline(alarmId);
    } catch (error) {
      this.deps.log.error({ err: error, alarmId }, 'escalation failed; trying again');
      this.timers.set(alarmId, Date.now() + 1000);
    }
  }

  private escalation(alarmId: string, origin: string, reason: 'deadline' | 'immediate', dueAt: Date): AlarmEvent {
    return this.event(alarmId, origin, {
      by: 'system',
      action: 'escalate',
      escalation: {
        from: this.deps.selfId,
        to: this.deps.parentId ?? this.deps.selfId,
        reason,
        dueAt: dueAt.toISOString(),
      },
    });
  }

  private event(
    alarmId: string,
    origin: string,
    fields: Omit<AlarmEvent, 'id' | 'alarmId' | 'origin' | 'at' | 'node'> & { node?: string },
  ): AlarmEvent {
    return {
      id: ulid(),
      alarmId,
      origin,
      at: new Date().toISOString(),
      node: this.deps.selfId,
      ...fields,
    };
  }
}
