import type { AlarmView } from '@bsm/protocol';

/** The open alarms the console asks for at once: the API's largest page. */
export const QUEUE_LIMIT = 500;

/**
 * The queue's order, the same as the center's `GET /api/alarms?state=open`:
 * most urgent priority first, then the one waiting longest at this center
 * (received first), then by id (ULID, creation time).
 */
export function compareQueueOrder(a: AlarmView, b: AlarmView): number {
  if (a.priority !== b.priority) {
    return a.priority - b.priority;
  }
  const byReceived = Date.parse(a.receivedAt) - Date.parse(b.receivedAt);
  if (byReceived !== 0 && !Number.isNaN(byReceived)) {
    return byReceived;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Puts an alarm's latest version into the queue: in order, once per id, out of it once closed. */
export function upsertQueue(queue: readonly AlarmView[], alarm: AlarmView): readonly AlarmView[] {
  const others = queue.filter((candidate) => candidate.id !== alarm.id);
  if (alarm.status === 'closed') {
    return others.length === queue.length ? queue : others;
  }
  return [...others, alarm].sort(compareQueueOrder);
}

/** Alarms this center must act on, or those it only sees (another center's responsibility). */
export const queueOf = (queue: readonly AlarmView[], responsible: boolean): AlarmView[] =>
  queue.filter((alarm) => alarm.responsible === responsible);

/** Still waiting for an officer of this center: the row flashes and P1/P2 keep sounding. */
export const awaitsAcknowledgement = (alarm: AlarmView): boolean => alarm.responsible && alarm.status === 'new';

/**
 * Whether `next` has just arrived for this center's officers: it is theirs,
 * unacknowledged, and was not theirs before (unknown, or another center's
 * until an escalation brought it here).
 */
export const isArrival = (previous: AlarmView | undefined, next: AlarmView): boolean =>
  awaitsAcknowledgement(next) && previous?.responsible !== true;

/** A chime or flash trigger: a new object per arrival, so an effect runs once for each. */
export interface Arrival {
  id: string;
  priority: number;
}

export interface QueueState {
  /** Open alarms, most urgent first. */
  alarms: readonly AlarmView[];
  /** Why the last load failed, for the console's banner; null when it worked. */
  failure: string | null;
  loaded: boolean;
  lastArrival: Arrival | null;
}

export const initialQueueState: QueueState = { alarms: [], failure: null, loaded: false, lastArrival: null };

export type QueueLoad = { ok: true; alarms: readonly AlarmView[] } | { ok: false; message: string };

/** The most urgent of the alarms that arrived, as the trigger to sound. */
function mostUrgent(arrived: readonly AlarmView[]): Arrival | null {
  const [first] = [...arrived].sort(compareQueueOrder);
  return first === undefined ? null : { id: first.id, priority: first.priority };
}

/**
 * A fresh queue from the center. Alarms that arrived while the console was
 * not listening (a reconnect) count as arrivals; the first load does not, as
 * an officer who just signed in is not told of each alarm one by one (those
 * still unacknowledged flash and sound anyway).
 */
export function loadQueue(state: QueueState, load: QueueLoad): QueueState {
  if (!load.ok) {
    return { ...state, failure: load.message };
  }
  const alarms = load.alarms.filter((alarm) => alarm.status !== 'closed').sort(compareQueueOrder);
  let lastArrival = state.lastArrival;
  if (state.loaded) {
    const before = new Map(state.alarms.map((alarm) => [alarm.id, alarm]));
    lastArrival = mostUrgent(alarms.filter((alarm) => isArrival(before.get(alarm.id), alarm))) ?? lastArrival;
  }
  return { alarms, failure: null, loaded: true, lastArrival };
}

/** A pushed alarm (`alarm:new` or `alarm:updated`, or the answer to an officer's action). */
export function applyQueueAlarm(state: QueueState, alarm: AlarmView): QueueState {
  const previous = state.alarms.find((candidate) => candidate.id === alarm.id);
  const alarms = upsertQueue(state.alarms, alarm);
  const arrived = isArrival(previous, alarm);
  if (alarms === state.alarms && !arrived) {
    return state;
  }
  return { ...state, alarms, lastArrival: arrived ? { id: alarm.id, priority: alarm.priority } : state.lastArrival };
}
