import { describe, expect, it } from 'vitest';
import { fuzhouTree, mapNode } from '../test-support/fixtures';
import { applyNewAlarm, applyNodeState, indexNodes, selfAndAncestors } from './node-index';

describe('applyNewAlarm', () => {
  it('counts the alarm at the branch and at every center above it', () => {
    const before = indexNodes(fuzhouTree());
    const after = applyNewAlarm(before, { origin: 'fz-gl-01', priority: 2 });
    expect(after.get('fz-gl-01')).toMatchObject({ openAlarms: 1, topPriority: 2 });
    expect(after.get('fz-gl')).toMatchObject({ openAlarms: 1, topPriority: 2 });
    expect(after.get('fz')).toMatchObject({ openAlarms: 1, topPriority: 2 });
  });

  it('leaves siblings and other branches alone', () => {
    const after = applyNewAlarm(indexNodes(fuzhouTree()), { origin: 'fz-gl-01', priority: 2 });
    expect(after.get('fz-gl-02')).toMatchObject({ openAlarms: 0, topPriority: null });
    expect(after.get('fz-01')).toMatchObject({ openAlarms: 0, topPriority: null });
  });

  it('raises the top priority only when the new alarm is more urgent', () => {
    let index = indexNodes(fuzhouTree());
    index = applyNewAlarm(index, { origin: 'fz-gl-01', priority: 3 });
    index = applyNewAlarm(index, { origin: 'fz-gl-02', priority: 1 });
    index = applyNewAlarm(index, { origin: 'fz-gl-01', priority: 4 });
    expect(index.get('fz-gl-01')).toMatchObject({ openAlarms: 2, topPriority: 3 });
    expect(index.get('fz-gl')).toMatchObject({ openAlarms: 3, topPriority: 1 });
  });

  it('ignores an origin outside the index', () => {
    const before = indexNodes(fuzhouTree());
    expect(applyNewAlarm(before, { origin: 'xm-01', priority: 1 })).toBe(before);
  });

  it('does not loop on a parent cycle in bad data', () => {
    const index = indexNodes([mapNode({ id: 'a', parentId: 'b' }), mapNode({ id: 'b', parentId: 'a' })]);
    expect(selfAndAncestors(index, 'a').map((n) => n.id)).toEqual(['a', 'b']);
    expect(applyNewAlarm(index, { origin: 'a', priority: 1 }).get('b')?.openAlarms).toBe(1);
  });
});

describe('applyNodeState', () => {
  it('turns a branch offline with the time it went', () => {
    const after = applyNodeState(indexNodes(fuzhouTree()), {
      nodeId: 'fz-01',
      state: 'offline',
      since: '2025-01-02T03:04:05.000Z',
    });
    expect(after.get('fz-01')).toMatchObject({ state: 'offline', stateSince: '2025-01-02T03:04:05.000Z' });
  });

  it('drops a report older than what the node shows', () => {
    const before = indexNodes([mapNode({ id: 'a', state: 'online', stateSince: '2025-01-02T00:00:00.000Z' })]);
    const after = applyNodeState(before, { nodeId: 'a', state: 'offline', since: '2025-01-01T23:59:00.000Z' });
    expect(after.get('a')?.state).toBe('online');
  });
});
