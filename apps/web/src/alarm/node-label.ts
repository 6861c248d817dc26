import type { AlarmView, CenterInfo, Tier } from '@bsm/protocol';
import type { NodeIndex } from '../state/node-index';

export interface NodeLabel {
  name: string;
  /** Centers only. */
  tier: Tier | null;
}

/**
 * The name (and tier) of a node an alarm's history mentions: this center,
 * a node of its jurisdiction, the alarm's branch. A center above this one
 * (after an escalation) is not in the console's catalog and shows its id.
 */
export function nodeLabel(
  nodeId: string,
  context: { center: CenterInfo; nodes: NodeIndex; alarm: Pick<AlarmView, 'origin' | 'originName'> },
): NodeLabel {
  if (nodeId === context.center.id) {
    return { name: context.center.name, tier: context.center.tier };
  }
  const node = context.nodes.get(nodeId);
  if (node !== undefined) {
    return { name: node.name, tier: node.kind === 'center' ? (node.tier ?? null) : null };
  }
  if (nodeId === context.alarm.origin) {
    return { name: context.alarm.originName, tier: null };
  }
  return { name: nodeId, tier: null };
}

/** Who acted, as the history shows it: the display name when the event carries one, else `username@center`. */
export const actorName = (event: { by: string; byName?: string }): string => event.byName ?? event.by;
