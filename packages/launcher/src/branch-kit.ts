import type { AlarmType, DeviceKind, StreamProfile } from '@bsm/protocol';
import type { TopologyBranch } from './topology.js';

export interface KitDevice {
  id: string;
  kind: DeviceKind;
  name: string;
  vendor?: string;
  model?: string;
}
export interface KitCamera {
  id: string;
  deviceId: string;
  name: string;
  ptz: boolean;
  important: boolean;
  streams: StreamProfile[];
}
export interface KitAlarmInput {
  id: string;
  deviceId: string;
  name: string;
  zone: string;
  type: AlarmType;
  linkedCameras: string[];
}
export interface BranchKit {
  devices: KitDevice[];
  cameras: KitCamera[];
  alarmInputs: KitAlarmInput[];
}

/** Main stream D1 for recording and alarm video, sub-stream CIF for routine viewing over a 2 Mbit/s link. */
const STREAMS: StreamProfile[] = [
  { profile: 'main', codec: 'h264', width: 704, height: 576, fps: 10, kbps: 768 },
  { profile: 'sub', codec: 'h264', width: 352, height: 288, fps: 15, kbps: 256 },
];

/**
 * The devices of a simulated branch, shaped like a real one: an NVR with its
 * cameras, an alarm panel with its zones, ATM monitoring, and for the bigger
 * branches a vault door. Ids are `<branch>.<local>` so they are unique network-wide.
 */
export function branchKit(branch: Pick<TopologyBranch, 'id' | 'kit'>): BranchKit {
  const id = (local: string): string => `${branch.id}.${local}`;
  const devices: KitDevice[] = [
    { id: id('nvr1'), kind: 'nvr', name: '网络硬盘录像机', vendor: 'Simulated', model: 'SIM-NVR-16' },
    { id: id('panel1'), kind: 'alarm_panel', name: '报警主机', vendor: 'Simulated', model: 'SIM-AP-32' },
    { id: id('atm1'), kind: 'atm_monitor', name: 'ATM 监控单元', vendor: 'Simulated', model: 'SIM-ATM-2' },
  ];
  const camera = (local: string, name: string, opts: { ptz?: boolean; important?: boolean } = {}): KitCamera => ({
    id: id(local),
    deviceId: id('nvr1'),
    name,
    ptz: opts.ptz ?? false,
    important: opts.important ?? false,
    streams: STREAMS,
  });
  const cameras: KitCamera[] = [
    camera('cam-hall', '营业大厅全景', { ptz: true }),
    camera('cam-counter', '现金柜台', { important: true }),
    camera('cam-entrance', '出入口'),
    camera('cam-atm', '自助银行 ATM', { important: true }),
  ];
  const input = (local: string, name: string, zone: string, type: AlarmType, linked: string[]): KitAlarmInput => ({
    id: id(local),
    deviceId: id('panel1'),
    name,
    zone,
    type,
    linkedCameras: linked.map(id),
  });
  const alarmInputs: KitAlarmInput[] = [
    input('in-panic-counter', '柜台紧急按钮', '01', 'panic', ['cam-counter', 'cam-hall']),
    input('in-duress', '胁迫密码', '02', 'duress', ['cam-counter']),
    input('in-pir-hall', '营业厅红外探测器', '03', 'intrusion', ['cam-hall', 'cam-entrance']),
    input('in-atm-tamper', 'ATM 防撬振动', '04', 'atm_tamper', ['cam-atm']),
    input('in-smoke', '烟感探测器', '05', 'fire', ['cam-hall']),
  ];
  if (branch.kit === 'vault') {
    devices.push({ id: id('vault1'), kind: 'vault_door', name: '金库门禁', vendor: 'Simulated', model: 'SIM-VD-1' });
    cameras.push(
      camera('cam-vault', '金库通道', { important: true }),
      camera('cam-cash', '现金清点室', { important: true }),
    );
    alarmInputs.push(
      { ...input('in-vault-door', '金库门磁', '06', 'vault_door', ['cam-vault']), deviceId: id('vault1') },
      input('in-pir-vault', '金库红外探测器', '07', 'intrusion', ['cam-vault', 'cam-cash']),
    );
  }
  if (branch.kit === 'small') {
    // A small branch: no separate entrance camera, no smoke zone on the panel.
    return {
      devices,
      cameras: cameras.filter((c) => !c.id.endsWith('cam-entrance')),
      alarmInputs: alarmInputs
        .filter((a) => a.type !== 'fire')
        .map((a) => ({ ...a, linkedCameras: a.linkedCameras.filter((c) => !c.endsWith('cam-entrance')) })),
    };
  }
  return { devices, cameras, alarmInputs };
}
