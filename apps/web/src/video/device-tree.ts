import type { MapNode } from '@bsm/protocol';
import type { NodeIndex } from '../state/node-index';

const collator = new Intl.Collator('zh-CN');

/** Centers first, then branches, each by name. */
const byKindThenName = (a: MapNode, b: MapNode): number =>
  (a.kind === b.kind ? 0 : a.kind === 'center' ? -1 : 1) || collator.compare(a.name, b.name);

/** Children of every node id ('' for the top: nodes whose parent is not in the jurisdiction). */
export function childrenByParent(nodes: NodeIndex): Map<string, MapNode[]> {
  const children = new Map<string, MapNode[]>();
  for (const node of nodes.values()) {
    const parent = node.parentId !== null && nodes.has(node.parentId) ? node.parentId : '';
    const list = children.get(parent);
    if (list === undefined) {
      children.set(parent, [node]);
    } else {
      list.push(node);
    }
  }
  for (const list of children.values()) {
    list.sort(byKindThenName);
  }
  return children;
}

/** Rows the filtered tree lists at most. */
export const TREE_FILTER_LIMIT = 200;

/** Nodes whose name or id contains the filter, in tree order of kind and name, at most `limit`. */
export function filterNodes(nodes: NodeIndex, filter: string, limit = TREE_FILTER_LIMIT): MapNode[] {
  const needle = filter.trim().toLowerCase();
  if (needle.length === 0) {
    return [];
  }
  return [...nodes.values()]
    .filter((node) => node.name.toLowerCase().includes(needle) || node.id.toLowerCase().includes(needle))
    .sort(byKindThenName)
    .slice(0, limit);
}
