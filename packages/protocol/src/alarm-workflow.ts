import { z } from 'zod';
import { AlarmId, NodeId, Timestamp } from './ids.js';
import type { AlarmType } from './vocabulary.js';

/**
 * The handling of an alarm, shared by every tier: an alarm's state is what
 * its events say, applied in `(at, id)` order by `alarmStateOf`. Every center
 * on the alarm's path holds the same events (they travel up and down the
 * tree), so every center computes the same state, whichever tier acted.
 *
 *   new ─acknowledge→ acknowledged ─verify→ verifying
 *   acknowledged | verifying ─dispatch / false_alarm / test→ dispatched | false_alarm | test
 *   dispatched | false_alarm | test ─close (disposition + note)→ closed
 *   acknowledged | verifying | dispatched ─hold→ on_hold ─resume→ (where it was)
 *
 * `note`, `step` (a procedure step done), `restore` (the branch's input went
 * back to normal; never closes the alarm), `reset` (an officer resets a
 * latched panic or duress alarm) and `escalate` change no status.
 */
export const ALARM_STATUSES = [
  'new',
  'acknowledged',
  'verifying',
  'dispatched',
  'false_alarm',
  'test',
  'on_hold',
  'closed',
] as const;
export const AlarmStatus = z.enum(ALARM_STATUSES);
export type AlarmStatus = z.infer<typeof AlarmStatus>;

/** What an officer may do to an alarm (`OFFICER_ACTIONS`), plus what the system records. */
export const ALARM_ACTIONS = [
  'acknowledge',
  'verify',
  'dispatch',
  'false_alarm',
  'test',
  'hold',
  'resume',
  'close',
  'note',
  'step',
  'restore',
  'reset',
  'escalate',
] as const;
export const AlarmAction = z.enum(ALARM_ACTIONS);
export type AlarmAction = z.infer<typeof AlarmAction>;

export const OFFICER_ACTIONS = [
  'acknowledge',
  'verify',
  'dispatch',
  'false_alarm',
  'test',
  'hold',
  'resume',
  'close',
  'note',
  'step',
  'reset',
] as const satisfies readonly AlarmAction[];
export type OfficerAction = (typeof OFFICER_ACTIONS)[number];

/** How a closed alarm ended. `genuine` needs every step of the type's procedure done. */
export const DISPOSITIONS = ['genuine', 'false_alarm', 'test', 'equipment_fault', 'duplicate'] as const;
export const Disposition = z.enum(DISPOSITIONS);
export type Disposition = z.infer<typeof Disposition>;

/** Steps of alarm-handling procedures; a center's config picks the checklist of each alarm type. */
export const PROCEDURE_STEPS = [
  'verify_video',
  'call_branch',
  'check_code_word',
  'call_police',
  'call_fire_brigade',
  'notify_manager',
  'check_devices',
] as const;
export const ProcedureStep = z.enum(PROCEDURE_STEPS);
export type ProcedureStep = z.infer<typeof ProcedureStep>;

/** The checklist of each alarm type when a center's config does not say otherwise. */
export const DEFAULT_PROCEDURES: Record<AlarmType, readonly ProcedureStep[]> = {
  panic: ['verify_video', 'call_branch', 'check_code_word', 'call_police', 'notify_manager'],
  duress: ['verify_video', 'call_branch', 'check_code_word', 'call_police', 'notify_manager'],
  vault_door: ['verify_video', 'call_branch', 'call_police', 'notify_manager'],
  intrusion: ['verify_video', 'call_branch', 'call_police'],
  atm_tamper: ['verify_video', 'call_police'],
  fire: ['verify_video', 'call_fire_brigade', 'call_branch'],
  video_loss: ['check_devices', 'call_branch'],
  video_tamper: ['verify_video', 'check_devices', 'call_branch'],
  device_offline: ['check_devices', 'call_branch'],
  disk_failure: ['check_devices'],
  test: [],
};

/** Panic and duress alarms stay latched until an officer resets them, whatever the branch's input does. */
export const LATCHING_TYPES: readonly AlarmType[] = ['panic', 'duress'];

export const EscalationReason = z.enum(['deadline', 'immediate', 'manual']);
export type EscalationReason = z.infer<typeof EscalationReason>;

/**
 * One thing that happened to an alarm, made where it happened (its `id` is a
 * ULID from there) and never changed on the way through the tree.
 */
export const AlarmEvent = z.strictObject({
  id: z.ulid(),
  alarmId: AlarmId,
  /** The alarm's origin branch, so any center can tell which subtree the event concerns. */
  origin: NodeId,
  at: Timestamp,
  /** The node where it happened: a center for officers' actions and escalations, the branch for a restore. */
  node: NodeId,
  /** Who: `username@center`, or `system`. */
  by: z.string().min(1).max(80),
  /** The officer's display name, for the branch and other tiers. */
  byName: z.string().max(80).optional(),
  action: AlarmAction,
  note: z.string().max(1000).optional(),
  /** With `close`. */
  disposition: Disposition.optional(),
  /** With `step`: the procedure step done. */
  step: ProcedureStep.optional(),
  /** With `escalate`: from which center to which, why, and when it was due. */
  escalation: z.strictObject({ from: NodeId, to: NodeId, reason: EscalationReason, dueAt: Timestamp }).optional(),
});
export type AlarmEvent = z.infer<typeof AlarmEvent>;

/**
 * Events between a center and the next one, either way: up from a child to
 * its parent (`up/event`), down from a parent to a child on the alarm's path
 * (`down/event`). `upTo` is the sender's position after the last event; the
 * receiver stores them and answers with it (`down/ack` `eventsUpTo`, or
 * `up/event-ack`), after which the sender does not send them again.
 */
export const AlarmEventBatch = z.strictObject({
  events: z.array(AlarmEvent).min(1).max(500),
  upTo: z.number().int().nonnegative(),
});
export type AlarmEventBatch = z.infer<typeof AlarmEventBatch>;

/** A child's receipt of `down/event` batches up to a position of its parent. */
export const EventAck = z.strictObject({ upTo: z.number().int().nonnegative() });
export type EventAck = z.infer<typeof EventAck>;

/** Who acknowledged (owns) an alarm, or closed it. */
export const AlarmActor = z.strictObject({
  by: z.string(),
  byName: z.string().optional(),
  node: NodeId,
  at: Timestamp,
});
export type AlarmActor = z.infer<typeof AlarmActor>;

export const AlarmEscalation = z.strictObject({
  from: NodeId,
  to: NodeId,
  reason: EscalationReason,
  dueAt: Timestamp,
  at: Timestamp,
});
export type AlarmEscalation = z.infer<typeof AlarmEscalation>;

/** What the events of one alarm add up to. */
export interface AlarmState {
  status: AlarmStatus;
  owner: AlarmActor | null;
  closedBy: AlarmActor | null;
  disposition: Disposition | null;
  closeNote: string | null;
  /** Panic/duress not yet reset. */
  latched: boolean;
  restoredAt: string | null;
  escalations: AlarmEscalation[];
  stepsDone: { step: ProcedureStep; by: string; at: string }[];
  /** The status an on-hold alarm resumes to. */
  heldFrom: AlarmStatus | null;
}

export const OUTCOME_STATUSES: readonly AlarmStatus[] = ['dispatched', 'false_alarm', 'test'];

/** Statuses from which each status-changing officer action is allowed. */
const FROM: Partial<Record<AlarmAction, readonly AlarmStatus[]>> = {
  acknowledge: ['new'],
  verify: ['acknowledged'],
  dispatch: ['acknowledged', 'verifying'],
  false_alarm: ['acknowledged', 'verifying'],
  test: ['new', 'acknowledged', 'verifying'],
  hold: ['acknowledged', 'verifying', 'dispatched'],
  resume: ['on_hold'],
  close: ['dispatched', 'false_alarm', 'test'],
  note: ['new', 'acknowledged', 'verifying', 'dispatched', 'false_alarm', 'test', 'on_hold', 'closed'],
  step: ['acknowledged', 'verifying', 'dispatched', 'on_hold'],
  reset: ['acknowledged', 'verifying', 'dispatched', 'false_alarm', 'test', 'on_hold'],
};

const TO: Partial<Record<AlarmAction, AlarmStatus>> = {
  acknowledge: 'acknowledged',
  verify: 'verifying',
  dispatch: 'dispatched',
  false_alarm: 'false_alarm',
  test: 'test',
  hold: 'on_hold',
  close: 'closed',
};

export const isOpen = (status: AlarmStatus): boolean => status !== 'closed';

export function initialState(type: AlarmType): AlarmState {
  return {
    status: 'new',
    owner: null,
    closedBy: null,
    disposition: null,
    closeNote: null,
    latched: LATCHING_TYPES.includes(type),
    restoredAt: null,
    escalations: [],
    stepsDone: [],
    heldFrom: null,
  };
}

/** Why an officer's action is not allowed now, or null when it is. Shared by the center's API and the console's buttons. */
export function refusalOf(
  state: AlarmState,
  action: OfficerAction,
  opts: { disposition?: Disposition; note?: string; step?: ProcedureStep; procedure?: readonly ProcedureStep[] } = {},
): string | null {
  const from = FROM[action];
  if (from && !from.includes(state.status)) {
    return `cannot ${action} an alarm that is ${state.status}`;
  }
  if (action === 'reset' && !state.latched) {
    return 'the alarm is not latched';
  }
  if (action === 'step' && (opts.step === undefined || !(opts.procedure ?? []).includes(opts.step))) {
    return `unknown procedure step ${opts.step ?? '(none)'}`;
  }
  if (action === 'note' && !opts.note?.trim()) {
    return 'a note needs text';
  }
  if (action === 'close') {
    if (opts.disposition === undefined) {
      return 'closing needs a disposition';
    }
    if (!opts.note?.trim()) {
      return 'closing needs a note';
    }
    if (state.latched) {
      return 'a latched panic or duress alarm must be reset before it is closed';
    }
    if (opts.disposition === 'genuine') {
      const missing = (opts.procedure ?? []).filter((s) => !state.stepsDone.some((d) => d.step === s));
      if (missing.length > 0) {
        return `closing a genuine alarm needs every procedure step done; missing: ${missing.join(', ')}`;
      }
    }
  }
  return null;
}

const byOrder = (a: AlarmEvent, b: AlarmEvent): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const actorOf = (e: AlarmEvent): AlarmActor => ({
  by: e.by,
  ...(e.byName === undefined ? {} : { byName: e.byName }),
  node: e.node,
  at: e.at,
});

/**
 * The state an alarm's events add up to, the same at every center: events
 * in `(at, id)` order; one that is not allowed in the state reached so far
 * (two officers acting at once on different tiers) is skipped, so the first
 * action wins everywhere.
 */
export function alarmStateOf(type: AlarmType, events: readonly AlarmEvent[]): AlarmState {
  const state = initialState(type);
  for (const e of [...events].sort(byOrder)) {
    apply(state, e);
  }
  return state;
}

function apply(state: AlarmState, e: AlarmEvent): void {
  switch (e.action) {
    case 'restore':
      state.restoredAt = e.at;
      return;
    case 'escalate':
      if (e.escalation && !state.escalations.some((x) => x.to === e.escalation?.to)) {
        state.escalations.push({ ...e.escalation, at: e.at });
      }
      return;
    case 'note':
      return;
    case 'step':
      if (e.step !== undefined && !state.stepsDone.some((s) => s.step === e.step) && state.status !== 'closed') {
        state.stepsDone.push({ step: e.step, by: e.byName ?? e.by, at: e.at });
      }
      return;
    case 'reset':
      if (state.status !== 'new' && state.status !== 'closed') {
        state.latched = false;
      }
      return;
    case 'resume':
      if (state.status === 'on_hold') {
        state.status = state.heldFrom ?? 'acknowledged';
        state.heldFrom = null;
      }
      return;
    default: {
      const from = FROM[e.action];
      const to = TO[e.action];
      if (!from || !to || !from.includes(state.status)) {
        return;
      }
      if (e.action === 'close' && (state.latched || e.disposition === undefined)) {
        return;
      }
      if (e.action === 'hold') {
        state.heldFrom = state.status;
      }
      if (e.action === 'acknowledge' || (state.owner === null && e.action !== 'close')) {
        state.owner = actorOf(e);
      }
      if (e.action === 'close') {
        state.closedBy = actorOf(e);
        state.disposition = e.disposition ?? null;
        state.closeNote = e.note ?? null;
      }
      state.status = to;
    }
  }
}
