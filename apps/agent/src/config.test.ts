import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from '@bsm/protocol';
import { ConfigError, formatIssues, loadConfig } from '@bsm/runtime';
import { describe, expect, it } from 'vitest';
import { catalogContent, fullCatalog } from './catalog.js';
import { AgentConfigSchema, ENV_PREFIX, redactConfig } from './config.js';

const EXAMPLE = fileURLToPath(new URL('../../../config/agent.example.yaml', import.meta.url));

const node = { id: 'b1', name: '测试网点', lat: 26.08, lon: 119.3 };

/** The problems an operator would read, exactly as loadConfig lists them. */
function problems(input: unknown): string[] {
  const result = AgentConfigSchema.safeParse(input);
  return result.success ? [] : formatIssues(result.error);
}

describe('agent config', () => {
  it('fills every default from a minimal config', () => {
    const config = AgentConfigSchema.parse({ node });
    expect(config.node.importance).toBe(2);
    expect(config.uplink).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      username: 'b1',
      protocolVersion: 4,
      keepaliveSec: 15,
      reconnectMs: 1000,
      sessionExpirySec: 86_400,
      inflightWindow: 200,
      ackTimeoutMs: 10_000,
    });
    expect(config.dataDir).toBe('.data/agent/b1');
    expect(config.http).toEqual({ enabled: true, host: '127.0.0.1', port: 0 });
    expect(config.patrol.intervalSec).toBe(30);
    expect(config.simulator).toMatchObject({ enabled: false, alarmsPerHour: 2 });
    expect(config.simulator.types).not.toContain('test');
  });

  it.each([
    ['no node at all', {}, ['node: Invalid input: expected object, received undefined']],
    ['an unknown top-level key', { node, uplnk: { url: 'mqtt://x:1883' } }, ['(top level): Unrecognized key: "uplnk"']],
    ['an unknown nested key', { node, http: { prot: 80 } }, ['http: Unrecognized key: "prot"']],
    [
      'a node id unfit for topics',
      { node: { ...node, id: 'Branch/1' } },
      ['node.id: node id: 1–48 of a-z, 0-9, "-", starting with a letter or digit'],
    ],
    [
      'out-of-range fields',
      {
        node: { ...node, lat: 91, importance: 4 },
        uplink: { url: 'http://center:1883', protocolVersion: 3, keepaliveSec: 0 },
        http: { port: 70_000 },
      },
      [
        'node.lat: Too big: expected number to be <=90',
        'node.importance: must be 1 (highest risk), 2 or 3',
        'uplink.url: must be mqtt://host:port or mqtts://host:port',
        'uplink.protocolVersion: must be 4 (MQTT 3.1.1) or 5 (MQTT 5)',
        'uplink.keepaliveSec: Too small: expected number to be >=1',
        'http.port: Too big: expected number to be <=65535',
      ],
    ],
    [
      'both a password and a password file',
      { node, uplink: { password: 'secret', passwordFile: '/etc/bsm/pw' } },
      ['uplink.password: give password or passwordFile, not both'],
    ],
    [
      'a camera with a bad RTSP URL and an unknown alarm type',
      {
        node,
        cameras: [{ id: 'b1.cam', name: 'hall', rtsp: { main: 'http://cam/stream', transport: 'quic' } }],
        alarmInputs: [{ id: 'b1.in', name: 'x', zone: 'z', type: 'earthquake' }],
      },
      [
        'cameras.0.rtsp.main: must be an rtsp:// or rtsps:// URL',
        'cameras.0.rtsp.transport: Invalid option: expected one of "tcp"|"udp"|"auto"',
        expect.stringMatching(/^alarmInputs\.0\.type: Invalid option: expected one of "intrusion"\|"panic"/),
      ],
    ],
    [
      'cross references that do not resolve, foreign and duplicate ids',
      {
        node,
        devices: [{ id: 'b1.nvr', kind: 'nvr', name: 'NVR' }],
        cameras: [
          { id: 'b1.cam', name: 'hall', deviceId: 'b1.dvr' },
          { id: 'b2.cam', name: 'vault' },
        ],
        alarmInputs: [{ id: 'b1.nvr', name: 'PIR', zone: 'hall', type: 'intrusion', linkedCameras: ['b1.cam9'] }],
      },
      [
        'cameras.1.id: must start with "b1."',
        'alarmInputs.0.id: "b1.nvr" is already used by devices.0',
        'cameras.0.deviceId: no device "b1.dvr" in devices',
        'alarmInputs.0.linkedCameras.0: no camera "b1.cam9" in cameras',
      ],
    ],
    [
      'a PTZ camera the agent cannot steer, and bad PTZ controls',
      {
        node,
        cameras: [
          { id: 'b1.dome', name: 'dome', ptz: true },
          { id: 'b1.dome2', name: 'dome 2', ptz: { kind: 'onvif', url: 'rtsp://10.0.0.9', username: 'u' } },
          { id: 'b1.dome3', name: 'dome 3', ptz: { kind: 'simulated' } },
          { id: 'b1.dome4', name: 'dome 4', ptz: { kind: 'visca', port: '/dev/ttyS0' } },
          { id: 'b1.dome5', name: 'dome 5', ptz: 'yes' },
        ],
      },
      [
        'cameras.0.ptz: a PTZ camera needs its control: {kind: onvif, url, username, passwordFile} or {kind: simulated, controlUrl}',
        'cameras.1.ptz.url: must be http://host:port or https://host:port',
        'cameras.2.ptz.controlUrl: must be http://host:port',
        'cameras.3.ptz.kind: must be "onvif" or "simulated"',
        'cameras.4.ptz: must be false, or {kind: onvif, url, username, passwordFile}, or {kind: simulated, controlUrl}',
      ],
    ],
    [
      'two spellings of the main stream, and an ONVIF password given twice',
      {
        node,
        cameras: [
          {
            id: 'b1.cam',
            name: 'hall',
            rtspUrl: 'rtsp://10.0.0.9/101',
            rtsp: { main: 'rtsp://10.0.0.9/101' },
            ptz: { kind: 'onvif', url: 'http://10.0.0.9', username: 'u', password: 'p', passwordFile: '/etc/pw' },
          },
        ],
      },
      [
        'cameras.0.ptz.password: give password or passwordFile, not both',
        'cameras.0.rtspUrl: give rtsp.main or rtspUrl (its older spelling), not both',
      ],
    ],
  ])('rejects %s with the exact problems', (_what, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });

  it('lists every problem at once when loaded from a file, with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bsm-config-'));
    try {
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, 'node:\n  id: b1\n  name: x\n  lat: 100\n  lon: 0\nhttp:\n  port: -1\n  colour: red\n');
      let error: unknown;
      try {
        loadConfig(AgentConfigSchema, { file, envPrefix: ENV_PREFIX, env: {} });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).source).toBe(file);
      expect((error as ConfigError).problems).toEqual([
        'node.lat: Too big: expected number to be <=90',
        'http.port: Too small: expected number to be >=0',
        'http: Unrecognized key: "colour"',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes overrides from the environment', () => {
    const config = loadConfig(AgentConfigSchema, {
      file: EXAMPLE,
      envPrefix: ENV_PREFIX,
      env: {
        BSM_AGENT__UPLINK__URL: 'mqtt://10.1.2.3:1883',
        BSM_AGENT__HTTP__PORT: '0',
        BSM_AGENT__SIMULATOR__ENABLED: 'true',
      },
    });
    expect(config.uplink.url).toBe('mqtt://10.1.2.3:1883');
    expect(config.http.port).toBe(0);
    expect(config.simulator.enabled).toBe(true);
  });

  it('accepts the shipped example, whose catalog is valid on the wire', () => {
    const config = loadConfig(AgentConfigSchema, { file: EXAMPLE, envPrefix: ENV_PREFIX, env: {} });
    expect(config.node.id).toBe('fz-gulou-001');
    expect(config.cameras.filter((c) => c.important).map((c) => c.name)).toEqual(['现金柜台', '金库']);
    expect(config.alarmInputs.map((i) => [i.name, i.type])).toEqual([
      ['柜台紧急按钮', 'panic'],
      ['金库门磁', 'vault_door'],
      ['营业厅红外', 'intrusion'],
      ['ATM 防撬', 'atm_tamper'],
    ]);
    expect(config.uplink.passwordFile).toBeDefined();
    expect(config.uplink.password).toBeUndefined();

    const catalog = fullCatalog(config.node.id, catalogContent(config), 1, new Date());
    expect(Catalog.safeParse(catalog).error?.issues ?? []).toEqual([]);
    // RTSP URLs and PTZ credentials stay at the branch.
    expect(JSON.stringify(catalog)).not.toContain('rtsp://');
    expect(JSON.stringify(catalog)).not.toContain('onvif');
    const hall = config.cameras.find((c) => c.id === 'fz-gulou-001.cam-hall');
    expect(hall?.ptzControl).toMatchObject({ kind: 'onvif', url: 'http://192.168.10.31:80' });
    expect(catalog.cameras.filter((c) => c.ptz).map((c) => c.id)).toEqual(['fz-gulou-001.cam-hall']);
    expect(config.cameras.every((c) => c.rtsp.main !== undefined && c.rtsp.sub !== undefined)).toBe(true);
    expect(catalog.cameras.every((c) => c.nodeId === 'fz-gulou-001')).toBe(true);
  });

  it('accepts the docker-compose branch config', () => {
    const file = fileURLToPath(new URL('../../../deploy/fz-gulou/agent.yaml', import.meta.url));
    const config = loadConfig(AgentConfigSchema, { file, envPrefix: ENV_PREFIX, env: {} });
    expect(config.node.id).toBe('fz-gulou');
    expect(config.uplink.url).toBe('mqtt://mosquitto:1883');
    expect(config.cameras.find((c) => c.ptz)?.ptzControl?.kind).toBe('onvif');
    expect(config.cameras.map((c) => c.rtsp.sub)).toEqual([
      'rtsp://192.168.10.20:554/Streaming/Channels/102',
      'rtsp://192.168.10.20:554/Streaming/Channels/202',
      'rtsp://192.168.10.20:554/Streaming/Channels/302',
      'rtsp://192.168.10.20:554/Streaming/Channels/402',
    ]);
  });

  it('reads the older rtspUrl as the main stream, and normalises ptz', () => {
    const config = AgentConfigSchema.parse({
      node,
      cameras: [
        { id: 'b1.old', name: 'old', rtspUrl: 'rtsp://10.0.0.9/101' },
        {
          id: 'b1.dome',
          name: 'dome',
          rtsp: { sub: 'rtsp://10.0.0.9/102', transport: 'auto' },
          ptz: { kind: 'simulated', controlUrl: 'http://127.0.0.1:9000' },
        },
      ],
    });
    expect(config.cameras.map((c) => [c.ptz, c.ptzControl, c.rtsp])).toEqual([
      [false, undefined, { main: 'rtsp://10.0.0.9/101', sub: undefined, transport: 'tcp' }],
      [
        true,
        { kind: 'simulated', controlUrl: 'http://127.0.0.1:9000' },
        { main: undefined, sub: 'rtsp://10.0.0.9/102', transport: 'auto' },
      ],
    ]);
    expect(catalogContent(config).cameras.map((c) => c.ptz)).toEqual([false, true]);
  });

  it('redacts secrets for logging', () => {
    const config = AgentConfigSchema.parse({
      node,
      uplink: { url: 'mqtt://agent:hunter2@center:1883', password: 'hunter2' },
      cameras: [
        {
          id: 'b1.cam',
          name: 'hall',
          rtsp: { main: 'rtsp://admin:12345@192.168.1.64/101', sub: 'rtsp://admin:67890@192.168.1.64/102' },
          ptz: { kind: 'onvif', url: 'http://192.168.1.64', username: 'ptz', password: 'onvif-secret' },
        },
      ],
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('12345');
    expect(text).not.toContain('67890');
    expect(text).not.toContain('onvif-secret');
  });
});
