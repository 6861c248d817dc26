import type { MapNode } from '@bsm/protocol';
import { urgencyRank } from './node-display-state';
import type { NodeIndex } from './node-index';

/** Rows the branch list renders at most; beyond that the officer narrows down by name. */
export const NODE_LIST_LIMIT = 300;

export interface NodeListView {
  rows: MapNode[];
  /** Matches before the limit. */
  total: number;
}

const collator = new Intl.Collator('zh-CN');

/**
 * The "Branches" list: nodes whose name (or id) contains the filter, most
 * urgent first (alarms by priority, then offline, then online), then by name.
 */
export function listNodes(nodes: NodeIndex, filter: string, limit = NODE_LIST_LIMIT): NodeListView {
  const needle = filter.trim().toLowerCase();
  const matches = [...nodes.values()].filter(
    (node) => needle.length === 0 || node.name.toLowerCase().includes(needle) || node.id.includes(needle),
  );
  matches.sort((a, b) => urgencyRank(a) - urgencyRank(b) || collator.compare(a.name, b.name));
  return { rows: matches.slice(0, limit), total: matches.length };
}
