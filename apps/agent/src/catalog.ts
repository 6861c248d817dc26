import type { AlarmInputEntry, CameraEntry, Catalog, DeviceEntry, NodeEntry } from '@bsm/protocol';
import type { AgentConfig } from './config.js';

export interface CatalogContent {
  nodes: NodeEntry[];
  devices: DeviceEntry[];
  cameras: CameraEntry[];
  alarmInputs: AlarmInputEntry[];
}

/** What this branch has, as the center sees it: the config with node ids filled in and RTSP URLs left out. */
export function catalogContent(config: AgentConfig): CatalogContent {
  const nodeId = config.node.id;
  const { id, name, lat, lon, address, importance } = config.node;
  const self: NodeEntry = { id, parentId: null, kind: 'branch', name, lat, lon, importance };
  if (address !== undefined) {
    self.address = address;
  }
  return {
    nodes: [self],
    devices: config.devices.map((d) => ({ ...d, nodeId })),
    // RTSP URLs and PTZ credentials stay at the branch.
    cameras: config.cameras.map(({ rtsp: _rtsp, ptzControl: _ptz, ...c }) => ({ ...c, nodeId })),
    alarmInputs: config.alarmInputs.map((i) => ({ ...i, nodeId })),
  };
}

export function fullCatalog(nodeId: string, content: CatalogContent, revision: number, at: Date): Catalog {
  return { publisher: nodeId, mode: 'full', revision, at: at.toISOString(), ...content, states: [] };
}
