import { describe, expect, it } from 'vitest';
import { mapNode } from '../test-support/fixtures';
import { indexNodes } from './node-index';
import { listNodes } from './node-list';

const nodes = indexNodes([
  mapNode({ id: 'fz-01', name: '福州分行营业部' }),
  mapNode({ id: 'fz-02', name: '五一路分理处', state: 'offline' }),
  mapNode({ id: 'fz-03', name: '鼓楼支行', openAlarms: 1, topPriority: 3 }),
  mapNode({ id: 'fz-04', name: '东街口支行', openAlarms: 2, topPriority: 1 }),
]);

describe('listNodes', () => {
  it('lists alarms first (most urgent on top), then offline, then online', () => {
    expect(listNodes(nodes, '').rows.map((n) => n.id)).toEqual(['fz-04', 'fz-03', 'fz-02', 'fz-01']);
  });

  it('filters by part of the name', () => {
    expect(listNodes(nodes, '支行').rows.map((n) => n.id)).toEqual(['fz-04', 'fz-03']);
    expect(listNodes(nodes, ' 五一 ').rows.map((n) => n.id)).toEqual(['fz-02']);
  });

  it('finds a node by its id too, whatever the case typed', () => {
    expect(listNodes(nodes, 'FZ-01').rows.map((n) => n.id)).toEqual(['fz-01']);
  });

  it('shows at most the limit but tells how many matched', () => {
    const view = listNodes(nodes, '', 2);
    expect(view.rows).toHaveLength(2);
    expect(view.total).toBe(4);
  });
});
