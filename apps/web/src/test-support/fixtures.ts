/** Builders of protocol objects for unit tests: valid by default, overridden per test. */
import type { AlarmView, MapNode, MapResponse } from '@bsm/protocol';

export function mapNode(overrides: Partial<MapNode> & Pick<MapNode, 'id'>): MapNode {
  return {
    parentId: null,
    kind: 'branch',
    name: overrides.id,
    lat: 26.08,
    lon: 119.3,
    importance: 2,
    state: 'online',
    stateSince: '2025-01-01T00:00:00.000Z',
    openAlarms: 0,
    topPriority: null,
    ...overrides,
  };
}

let alarmCounter = 0;

/** A ULID-shaped id whose order follows `n`. */
export const alarmId = (n: number): string => `01J${String(n).padStart(23, '0')}`;

export function alarmView(overrides: Partial<AlarmView> = {}): AlarmView {
  alarmCounter += 1;
  return {
    id: alarmId(alarmCounter),
    origin: 'fz-gl-01',
    seq: alarmCounter,
    path: ['fz-gl-01', 'fz'],
    type: 'intrusion',
    priority: 2,
    zone: '营业厅',
    linkedCameras: [],
    occurredAt: '2025-01-01T08:00:00.000Z',
    source: 'panel',
    receivedAt: '2025-01-01T08:00:01.000Z',
    originName: '鼓楼支行',
    status: 'new',
    owner: null,
    closedBy: null,
    disposition: null,
    closeNote: null,
    latched: false,
    restoredAt: null,
    escalations: [],
    responsible: true,
    deadlineAt: null,
    lateEscalation: false,
    openVideo: false,
    procedure: [],
    ...overrides,
  };
}

/**
 * A level-2 center (fz) over a level-3 center (fz-gl) over two branches, and
 * one branch directly under fz.
 */
export function fuzhouTree(): MapNode[] {
  return [
    mapNode({ id: 'fz', kind: 'center', tier: 2, name: '福州市分行监控中心' }),
    mapNode({ id: 'fz-gl', kind: 'center', tier: 3, parentId: 'fz', name: '鼓楼支行监控中心' }),
    mapNode({ id: 'fz-gl-01', parentId: 'fz-gl', name: '鼓楼支行营业部' }),
    mapNode({ id: 'fz-gl-02', parentId: 'fz-gl', name: '五一路分理处' }),
    mapNode({ id: 'fz-01', parentId: 'fz', name: '福州分行营业部' }),
  ];
}

export function mapResponse(nodes: MapNode[] = fuzhouTree()): MapResponse {
  return {
    center: { id: 'fz', name: '福州市分行监控中心', tier: 2 },
    basemap: { tileUrl: null, center: [26.08, 119.3], zoom: 10 },
    nodes,
  };
}
