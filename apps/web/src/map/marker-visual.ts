import type { MapNode } from '@bsm/protocol';
import { alarmLevelOf, displayStateOf, type NodeDisplayState } from '../state/node-display-state';

/** Everything that decides how one node's marker looks. */
export interface MarkerVisual {
  nodeId: string;
  kind: MapNode['kind'];
  state: NodeDisplayState;
  /** 1–4 while in alarm, else null. */
  alarmLevel: 1 | 2 | 3 | 4 | null;
  importance: MapNode['importance'];
  tier: MapNode['tier'];
  selected: boolean;
}

export function markerVisualOf(node: MapNode, selected: boolean): MarkerVisual {
  return {
    nodeId: node.id,
    kind: node.kind,
    state: displayStateOf(node),
    alarmLevel: alarmLevelOf(node),
    importance: node.importance,
    tier: node.tier,
    selected,
  };
}

/** Two visuals with the same key draw the same icon, so the marker need not be rebuilt. */
export const markerVisualKey = (visual: MarkerVisual): string =>
  [
    visual.kind,
    visual.state,
    visual.alarmLevel ?? '-',
    visual.importance,
    visual.tier ?? '-',
    visual.selected ? 's' : '',
  ].join('|');

/** CSS classes of a marker: `bsm-marker--online|offline|alarm` are the stable hooks end-to-end tests use. */
export function markerClasses(visual: MarkerVisual): string[] {
  const classes = ['bsm-marker', `bsm-marker--${visual.kind}`, `bsm-marker--${visual.state}`];
  if (visual.alarmLevel !== null) {
    classes.push(`bsm-marker--p${visual.alarmLevel}`);
  }
  if (visual.kind === 'branch') {
    classes.push(`bsm-marker--risk${visual.importance}`);
  }
  if (visual.selected) {
    classes.push('bsm-marker--selected');
  }
  return classes;
}

export interface ClusterSummary {
  count: number;
  /** alarm if any member is in alarm, offline if all are offline, else online. */
  state: NodeDisplayState;
  /** The most urgent alarm level among members, or null. */
  alarmLevel: 1 | 2 | 3 | 4 | null;
  alarmCount: number;
}

/** How a cluster of markers looks: one member in alarm makes the whole cluster red. */
export function summarizeCluster(members: readonly Pick<MarkerVisual, 'state' | 'alarmLevel'>[]): ClusterSummary {
  let alarmLevel: ClusterSummary['alarmLevel'] = null;
  let alarmCount = 0;
  let offlineCount = 0;
  for (const member of members) {
    if (member.state === 'alarm') {
      alarmCount += 1;
      const level = member.alarmLevel ?? 1;
      alarmLevel = alarmLevel === null ? level : (Math.min(alarmLevel, level) as 1 | 2 | 3 | 4);
    } else if (member.state === 'offline') {
      offlineCount += 1;
    }
  }
  const state: NodeDisplayState =
    alarmCount > 0 ? 'alarm' : members.length > 0 && offlineCount === members.length ? 'offline' : 'online';
  return { count: members.length, state, alarmLevel, alarmCount };
}
