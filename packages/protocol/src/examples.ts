import type { DownKind, DownMessage, UpKind, UpMessage } from './topics.js';

/**
 * One realistic payload per message kind, as it travels on the wire. They are
 * typed with the schemas' own types, so a schema change that they no longer
 * satisfy fails to compile; a unit test also parses each one, and
 * `docs/protocol.md` shows them.
 *
 * The story: branch `fz-wuyi` (五一路支行, Gulou district, Fuzhou) reports to
 * the county-level center `fz-gulou`. Its vault door opens at night; the next
 * morning the center runs a link test.
 */

const BRANCH = 'fz-wuyi';
const CENTER = 'fz-gulou';
const CONNECTED_AT = '2025-11-18T07:45:12.000+08:00';
const VAULT_ALARM_ID = '01KAEN3Z9A547VEPE5161SD2FM';
const TEST_COMMAND_ID = '01KAFE3XE06VF2WNWK0Z692JVM';

export const UP_EXAMPLES: { readonly [K in UpKind]: UpMessage<K> } = {
  status: {
    nodeId: BRANCH,
    kind: 'branch',
    state: 'online',
    since: CONNECTED_AT,
    software: { name: 'bsm-agent', version: '0.1.0' },
  },

  states: {
    publisher: CENTER,
    states: [
      { nodeId: BRANCH, state: 'online', since: CONNECTED_AT },
      {
        nodeId: 'fz-dongjie',
        state: 'offline',
        since: '2025-11-20T08:52:30.000+08:00',
        reason: 'last will: connection lost',
      },
    ],
  },

  catalog: {
    publisher: BRANCH,
    mode: 'full',
    revision: 42,
    at: '2025-11-18T07:45:13.120+08:00',
    nodes: [
      {
        id: BRANCH,
        parentId: null,
        kind: 'branch',
        name: '五一路支行',
        lat: 26.0789,
        lon: 119.3043,
        address: '福建省福州市鼓楼区五一北路128号',
        importance: 1,
      },
    ],
    devices: [
      {
        id: 'fz-wuyi.nvr1',
        nodeId: BRANCH,
        kind: 'nvr',
        name: '网络硬盘录像机',
        vendor: 'Hikvision',
        model: 'DS-7716N-K4',
      },
      {
        id: 'fz-wuyi.panel1',
        nodeId: BRANCH,
        kind: 'alarm_panel',
        name: '报警主机',
        vendor: 'Honeywell',
        model: 'VISTA-120',
      },
      { id: 'fz-wuyi.vault1', nodeId: BRANCH, kind: 'vault_door', name: '金库门禁' },
    ],
    cameras: [
      {
        id: 'fz-wuyi.cam01',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.nvr1',
        name: '营业大厅全景',
        ptz: false,
        important: false,
        streams: [
          { profile: 'main', codec: 'h264', width: 1920, height: 1080, fps: 25, kbps: 4096 },
          { profile: 'sub', codec: 'h264', width: 704, height: 576, fps: 15, kbps: 768 },
        ],
      },
      {
        id: 'fz-wuyi.cam02',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.nvr1',
        name: '现金柜台',
        ptz: false,
        important: true,
        streams: [
          { profile: 'main', codec: 'h264', width: 1920, height: 1080, fps: 25, kbps: 4096 },
          { profile: 'sub', codec: 'h264', width: 352, height: 288, fps: 15, kbps: 384 },
        ],
      },
      {
        id: 'fz-wuyi.cam03',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.nvr1',
        name: '金库',
        ptz: false,
        important: true,
        streams: [
          { profile: 'main', codec: 'h264', width: 704, height: 576, fps: 25, kbps: 1024 },
          { profile: 'sub', codec: 'h264', width: 352, height: 288, fps: 15, kbps: 384 },
        ],
      },
      {
        id: 'fz-wuyi.cam04',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.nvr1',
        name: '门口球机',
        ptz: true,
        important: false,
        streams: [
          { profile: 'main', codec: 'h264', width: 2560, height: 1440, fps: 25, kbps: 6144 },
          { profile: 'sub', codec: 'h264', width: 704, height: 576, fps: 15, kbps: 768 },
        ],
      },
      {
        id: 'fz-wuyi.cam05',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.nvr1',
        name: '自助银行ATM',
        ptz: false,
        important: false,
        streams: [
          { profile: 'main', codec: 'h264', width: 1280, height: 720, fps: 25, kbps: 2048 },
          { profile: 'sub', codec: 'h264', width: 352, height: 288, fps: 15, kbps: 384 },
        ],
      },
    ],
    alarmInputs: [
      {
        id: 'fz-wuyi.in01',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.panel1',
        name: '金库门磁',
        zone: '金库',
        type: 'vault_door',
        linkedCameras: ['fz-wuyi.cam03'],
      },
      {
        id: 'fz-wuyi.in02',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.panel1',
        name: '柜台紧急按钮',
        zone: '现金柜台',
        type: 'panic',
        linkedCameras: ['fz-wuyi.cam02', 'fz-wuyi.cam01'],
      },
      {
        id: 'fz-wuyi.in03',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.panel1',
        name: '大厅红外探测器',
        zone: '营业大厅',
        type: 'intrusion',
        linkedCameras: ['fz-wuyi.cam01', 'fz-wuyi.cam04'],
      },
      {
        id: 'fz-wuyi.in04',
        nodeId: BRANCH,
        deviceId: 'fz-wuyi.panel1',
        name: 'ATM震动探测器',
        zone: '自助银行',
        type: 'atm_tamper',
        linkedCameras: ['fz-wuyi.cam05'],
      },
    ],
    states: [{ nodeId: BRANCH, state: 'online', since: CONNECTED_AT }],
  },

  alarm: {
    id: VAULT_ALARM_ID,
    origin: BRANCH,
    seq: 1287,
    path: [BRANCH],
    type: 'vault_door',
    priority: 1,
    zone: '金库',
    inputId: 'fz-wuyi.in01',
    linkedCameras: ['fz-wuyi.cam03'],
    occurredAt: '2025-11-20T02:13:07.498+08:00',
    source: 'panel',
    text: '非营业时间金库门开启',
  },

  patrol: {
    nodeId: BRANCH,
    at: '2025-11-20T10:00:00.000+08:00',
    uptimeSec: 180_888,
    outbox: { pending: 0 },
    streams: [
      {
        cameraId: 'fz-wuyi.cam03',
        profile: 'sub',
        state: 'running',
        since: '2025-11-20T09:58:41.200+08:00',
        restarts: 0,
      },
    ],
    devices: [
      { deviceId: 'fz-wuyi.nvr1', state: 'ok' },
      { deviceId: 'fz-wuyi.panel1', state: 'ok' },
      { deviceId: 'fz-wuyi.vault1', state: 'ok' },
      { deviceId: 'fz-wuyi.cam05', state: 'fault', detail: '视频信号丢失' },
    ],
    host: { loadAvg1m: 0.42, memFreeMb: 1843, diskFreeMb: 2_310_000 },
  },

  reply: {
    correlationId: TEST_COMMAND_ID,
    from: BRANCH,
    ok: true,
    result: { alarmId: '01KAFE3XTW47H6H98ZS19K9D52' },
  },

  event: {
    events: [
      {
        id: '01KAFE4M2Q8YV3T5R7N9P1X6ZB',
        alarmId: VAULT_ALARM_ID,
        origin: BRANCH,
        at: '2025-11-20T02:13:09.120+08:00',
        node: CENTER,
        by: 'system',
        action: 'escalate',
        escalation: { from: CENTER, to: 'fz', reason: 'immediate', dueAt: '2025-11-20T02:13:09.120+08:00' },
      },
      {
        id: '01KAFE5B7C1HJ9K2M4N6P8Q0RS',
        alarmId: VAULT_ALARM_ID,
        origin: BRANCH,
        at: '2025-11-20T02:13:31.870+08:00',
        node: CENTER,
        by: 'lin.wei@fz-gulou',
        byName: '林伟',
        action: 'acknowledge',
      },
    ],
    upTo: 48_213,
  },

  'event-ack': { upTo: 9_377 },

  audit: {
    source: CENTER,
    entries: [
      {
        seq: 41,
        id: 1_207,
        at: '2025-11-20T01:58:40.612Z',
        actor: 'lin.wei',
        action: 'video.play',
        target: 'fz-wuyi.cam03',
        outcome: 'success',
        ip: '10.12.3.41',
        detail: { profile: 'sub', purpose: 'live', granted: 'sub', kbps: 384 },
        prevHash: '105b1107512efd67908b43795060a8a0bad6d05f4057497cdcad50fc730257d3',
        hash: '3d46be7aa68b973c977e976e7eb8e08a14df6b06ee55b96f73c9bd01d3a5762d',
      },
      {
        seq: 42,
        id: 1_208,
        at: '2025-11-20T02:03:12.090Z',
        actor: 'lin.wei',
        action: 'video.view.end',
        target: 'fz-wuyi.cam03',
        outcome: 'success',
        ip: '10.12.3.41',
        detail: { profile: 'sub', seconds: 271 },
        prevHash: '3d46be7aa68b973c977e976e7eb8e08a14df6b06ee55b96f73c9bd01d3a5762d',
        hash: '8b957740e34cfa9a6a30a6712081286e2815af06a7d8a44531fb38ef92534349',
      },
    ],
  },
};

export const DOWN_EXAMPLES: { readonly [K in DownKind]: DownMessage<K> } = {
  command: {
    id: TEST_COMMAND_ID,
    name: 'alarm.test',
    target: BRANCH,
    args: { text: '每日链路测试' },
    issuedAt: '2025-11-20T09:30:00.000+08:00',
    expiresAt: '2025-11-20T09:31:00.000+08:00',
    issuedBy: 'fz-gulou/lin.wei',
  },

  ack: {
    ids: [VAULT_ALARM_ID],
    refused: [],
  },

  event: {
    events: [
      {
        id: '01KAFE7D3F5G7H9J1K3M5N7P9Q',
        alarmId: VAULT_ALARM_ID,
        origin: BRANCH,
        at: '2025-11-20T02:16:02.310+08:00',
        node: 'fz',
        by: 'chen.yu@fz',
        byName: '陈宇',
        action: 'note',
        note: '已通知鼓楼分局，派员到场',
      },
    ],
    upTo: 9_377,
  },

  trust: {
    issuers: [
      { center: 'fj', key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } },
      { center: 'fz', key: { kty: 'OKP', crv: 'Ed25519', x: 'W6PJwRvPlBLvXnNz4nMK5YnKxPpyD5fWZ3eOq4x8hSg' } },
    ],
    revoked: [{ issuer: 'fj', session: '5f1d3b7a9c2e4f6081a3c5e7092b4d6f8a1c3e5071b3d5f7092a4c6e8b1d3f50' }],
  },

  revoke: {
    sessions: [{ issuer: 'fj', session: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d' }],
  },
  'audit-ack': { source: CENTER, upTo: 42 },
};

/** The node whose topic each example is published under (`bsm/v1/<node>/up|down/<kind>`). */
export const EXAMPLE_TOPIC_NODE: { readonly up: Record<UpKind, string>; readonly down: Record<DownKind, string> } = {
  up: {
    status: BRANCH,
    states: CENTER,
    catalog: BRANCH,
    alarm: BRANCH,
    patrol: BRANCH,
    reply: BRANCH,
    event: CENTER,
    'event-ack': CENTER,
    audit: CENTER,
  },
  down: { command: BRANCH, ack: BRANCH, event: CENTER, trust: CENTER, revoke: CENTER, 'audit-ack': CENTER },
};
