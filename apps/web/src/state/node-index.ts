import type { AlarmView, MapNode, NodeState } from '@bsm/protocol';

/** Every node of the jurisdiction by id. Replaced (never mutated) on change, so React sees the change. */
export type NodeIndex = ReadonlyMap<string, MapNode>;

export const indexNodes = (nodes: readonly MapNode[]): NodeIndex => new Map(nodes.map((node) => [node.id, node]));

/** The node and the centers above it, nearest first, as far as the index knows them; safe against a parent cycle. */
export function selfAndAncestors(index: NodeIndex, nodeId: string): MapNode[] {
  const chain: MapNode[] = [];
  const seen = new Set<string>();
  let current = index.get(nodeId);
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    chain.push(current);
    current = current.parentId === null ? undefined : index.get(current.parentId);
  }
  return chain;
}

/**
 * Counts a new open alarm at its origin and at every center above it (a
 * center's openAlarms covers its subtree), raising topPriority where the new
 * alarm is more urgent. An origin the index does not know changes nothing.
 */
export function applyNewAlarm(index: NodeIndex, alarm: Pick<AlarmView, 'origin' | 'priority'>): NodeIndex {
  const chain = selfAndAncestors(index, alarm.origin);
  if (chain.length === 0) {
    return index;
  }
  const next = new Map(index);
  for (const node of chain) {
    next.set(node.id, {
      ...node,
      openAlarms: node.openAlarms + 1,
      topPriority: node.topPriority === null ? alarm.priority : Math.min(node.topPriority, alarm.priority),
    });
  }
  return next;
}

/**
 * Applies an online/offline change. A report older than what the node
 * already shows is dropped: after a reconnect, buffered events may arrive
 * behind a fresher snapshot.
 */
export function applyNodeState(index: NodeIndex, change: NodeState): NodeIndex {
  const node = index.get(change.nodeId);
  if (node === undefined) {
    return index;
  }
  if (node.stateSince !== null && Date.parse(change.since) < Date.parse(node.stateSince)) {
    return index;
  }
  if (node.state === change.state && node.stateSince === change.since) {
    return index;
  }
  const next = new Map(index);
  next.set(node.id, { ...node, state: change.state, stateSince: change.since });
  return next;
}
