import type { AlarmView } from '@bsm/protocol';

/** How many alarms the live list keeps; older ones drop off the bottom. */
export const ALARM_LIST_CAPACITY = 500;

/**
 * Newest first: by the time this center received the alarm, so an alarm
 * delivered late (a branch whose link was down) still appears on top when it
 * arrives; then by id (ULID, creation time) for alarms received together.
 */
export function compareNewestFirst(a: AlarmView, b: AlarmView): number {
  const byReceived = Date.parse(b.receivedAt) - Date.parse(a.receivedAt);
  if (byReceived !== 0 && !Number.isNaN(byReceived)) {
    return byReceived;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Adds alarms to the list: one entry per id (the incoming version wins), newest first, at most `capacity`. */
export function mergeAlarms(
  current: readonly AlarmView[],
  incoming: readonly AlarmView[],
  capacity = ALARM_LIST_CAPACITY,
): AlarmView[] {
  const byId = new Map<string, AlarmView>();
  for (const alarm of current) {
    byId.set(alarm.id, alarm);
  }
  for (const alarm of incoming) {
    byId.set(alarm.id, alarm);
  }
  return [...byId.values()].sort(compareNewestFirst).slice(0, capacity);
}

/** Replaces an alarm the list shows (workflow change); an alarm not shown stays out. */
export function replaceAlarm(current: readonly AlarmView[], updated: AlarmView): readonly AlarmView[] {
  const index = current.findIndex((alarm) => alarm.id === updated.id);
  if (index < 0) {
    return current;
  }
  const next = [...current];
  next[index] = updated;
  return next;
}
