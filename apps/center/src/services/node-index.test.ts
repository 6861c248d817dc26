import { describe, expect, it } from 'vitest';
import type { NodeRecord, NodeRepository } from '../repositories/node.repository.js';
import { NodeIndex } from './node-index.js';

const record = (id: string, path: string[]): NodeRecord => ({
  id,
  parentId: path.at(-2) ?? null,
  kind: 'branch',
  name: id,
  path,
  reportedBy: path[1] ?? null,
});

describe('NodeIndex', () => {
  it('keeps the newest snapshot when reloads finish out of order', async () => {
    // Two catalogs applied at once: the first reload's query is slow and returns an older snapshot.
    const releases: (() => void)[] = [];
    const snapshots = [
      [record('fz', ['fz']), record('b1', ['fz', 'b1'])],
      [record('fz', ['fz']), record('b1', ['fz', 'b1']), record('b2', ['fz', 'b2'])],
    ];
    let call = 0;
    const repo = {
      records: () => {
        const snapshot = snapshots[call++] ?? [];
        return new Promise<NodeRecord[]>((resolve) => releases.push(() => resolve(snapshot)));
      },
    } as unknown as NodeRepository;
    const index = new NodeIndex(repo);
    const first = index.reload();
    const second = index.reload();
    releases[1]?.();
    await second;
    releases[0]?.();
    await first;
    expect(index.get('b2')?.path).toEqual(['fz', 'b2']);
  });

  it('places a node it does not know yet under the child that reported it', async () => {
    const repo = {
      records: () => Promise.resolve([record('fz', ['fz']), record('jj', ['fz', 'jj'])]),
    } as unknown as NodeRepository;
    const index = new NodeIndex(repo);
    await index.reload();
    expect(index.pathOf('jj-new-branch', 'jj')).toEqual(['fz', 'jj', 'jj-new-branch']);
    expect(index.isWithin('jj', 'fz')).toBe(true);
    expect(index.isWithin('fz', 'jj')).toBe(false);
  });
});
