import type { MapNode } from '@bsm/protocol';

/** What a node looks like on the wall: an open alarm outranks the link state. */
export type NodeDisplayState = 'online' | 'offline' | 'alarm';

export function displayStateOf(node: Pick<MapNode, 'state' | 'openAlarms'>): NodeDisplayState {
  if (node.openAlarms > 0) {
    return 'alarm';
  }
  return node.state;
}

/**
 * Priority that sets the red's intensity, 1 most urgent. An alarm whose
 * priority the center did not report is drawn as urgent rather than faint:
 * a missing number must not hide an alarm.
 */
export function alarmLevelOf(node: Pick<MapNode, 'openAlarms' | 'topPriority'>): 1 | 2 | 3 | 4 | null {
  if (node.openAlarms === 0) {
    return null;
  }
  const priority = node.topPriority ?? 1;
  return priority <= 1 ? 1 : priority === 2 ? 2 : priority === 3 ? 3 : 4;
}

/** Order of urgency for lists: alarms by priority, then offline, then online. */
export function urgencyRank(node: Pick<MapNode, 'state' | 'openAlarms' | 'topPriority'>): number {
  const level = alarmLevelOf(node);
  if (level !== null) {
    return level;
  }
  return node.state === 'offline' ? 10 : 20;
}
