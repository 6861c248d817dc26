import { describe, expect, it } from 'vitest';
import { indexNodes } from '../state/node-index';
import { fuzhouTree, mapNode } from '../test-support/fixtures';
import { childrenByParent, filterNodes } from './device-tree';

describe('device tree', () => {
  it('hangs every node under its parent, centers before branches', () => {
    const children = childrenByParent(indexNodes(fuzhouTree()));
    expect(children.get('')?.map((node) => node.id)).toEqual(['fz']);
    expect(children.get('fz')?.map((node) => node.id)).toEqual(['fz-gl', 'fz-01']);
    expect(children.get('fz-gl')?.map((node) => node.id)).toHaveLength(2);
  });

  it('puts a node whose parent is outside the jurisdiction at the top', () => {
    const children = childrenByParent(indexNodes([mapNode({ id: 'fz', kind: 'center', tier: 2, parentId: 'fj' })]));
    expect(children.get('')?.map((node) => node.id)).toEqual(['fz']);
  });

  it('filters by name or id', () => {
    const nodes = indexNodes(fuzhouTree());
    expect(filterNodes(nodes, '鼓楼').map((node) => node.id)).toEqual(['fz-gl', 'fz-gl-01']);
    expect(filterNodes(nodes, 'FZ-GL-02').map((node) => node.id)).toEqual(['fz-gl-02']);
    expect(filterNodes(nodes, '  ')).toEqual([]);
  });
});
