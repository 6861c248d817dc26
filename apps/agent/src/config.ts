import {
  ALARM_TYPES,
  AlarmInputEntry,
  AlarmType,
  CameraEntry,
  DeviceEntry,
  Importance,
  NodeEntry,
} from '@bsm/protocol';
import { z } from 'zod';
import { Dc09Section, dc09ReferenceProblems, redactDc09 } from './dc09/config.js';

/** Prefix of the environment overrides: `BSM_AGENT__UPLINK__URL=mqtt://…` sets `uplink.url`. */
export const ENV_PREFIX = 'BSM_AGENT';

const NodeSection = z.strictObject({
  /** This branch's node id, as it appears in MQTT topics and in every alarm (`fz-gulou-001`). */
  id: NodeEntry.shape.id,
  /** Display name on the map wall and in the alarm console. */
  name: NodeEntry.shape.name,
  /** Latitude in degrees, WGS-84. */
  lat: NodeEntry.shape.lat,
  /** Longitude in degrees, WGS-84. */
  lon: NodeEntry.shape.lon,
  /** Street address, shown to the officer who dispatches. */
  address: NodeEntry.shape.address,
  /** Risk class (营业场所风险等级): 1 highest (vault, cash center) … 3 lowest. */
  importance: z.literal([1, 2, 3], { error: 'must be 1 (highest risk), 2 or 3' }).pipe(Importance).default(2),
});

const UplinkSection = z.strictObject({
  /** The center's MQTT broker: `mqtt://host:1883`, or `mqtts://host:8883` for TLS. */
  url: z
    .url({ protocol: /^mqtts?$/, error: 'must be mqtt://host:port or mqtts://host:port' })
    .default('mqtt://127.0.0.1:1883'),
  /** MQTT user name; defaults to the node id (brokers' ACLs key on it). */
  username: z.string().min(1).max(120).optional(),
  /** MQTT password. Prefer `passwordFile`, so the secret stays out of the config file. */
  password: z.string().min(1).optional(),
  /** File holding the MQTT password (trailing newline ignored), read once at start. Never logged. */
  passwordFile: z.string().min(1).optional(),
  /** PEM file of the CA that signed the broker's certificate, for `mqtts://` on a private PKI. */
  caFile: z.string().min(1).optional(),
  /** 4 = MQTT 3.1.1 (aedes, any broker); 5 = MQTT 5 (Mosquitto, EMQX). */
  protocolVersion: z.literal([4, 5], { error: 'must be 4 (MQTT 3.1.1) or 5 (MQTT 5)' }).default(4),
  /** MQTT keepalive; the broker declares the agent lost (and sends its last-will) after 1.5 × this. */
  keepaliveSec: z.number().int().min(1).max(3600).default(15),
  /** Wait between reconnect attempts while the center is unreachable. */
  reconnectMs: z.number().int().min(100).max(600_000).default(1000),
  /** MQTT 5 only: how long the broker keeps this agent's session (subscriptions, queued acks) while it is away. */
  sessionExpirySec: z.number().int().min(0).max(4_294_967_295).default(86_400),
  /** Alarms published but not yet acknowledged, at most; the rest wait in the outbox. */
  inflightWindow: z.number().int().min(1).max(10_000).default(200),
  /** An alarm not acknowledged within this time is published again (the center deduplicates by id). */
  ackTimeoutMs: z.number().int().min(100).max(3_600_000).default(10_000),
});

const HttpSection = z.strictObject({
  /** Serve the local API (raise alarms, status) for branch-side tools. */
  enabled: z.boolean().default(true),
  /** Interface to bind; keep it on loopback, the API has no authentication. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one (the start-up log line shows the URL). */
  port: z.number().int().min(0).max(65_535).default(0),
});

const PatrolSection = z.strictObject({
  /** Seconds between patrol (巡检) reports: uptime, outbox, device health, host resources. */
  intervalSec: z.number().int().min(1).max(86_400).default(30),
});

const SimulatorSection = z.strictObject({
  /** Raise simulated alarms from the configured inputs, cameras and devices (demo and tests only). */
  enabled: z.boolean().default(false),
  /** Mean number of simulated alarms per hour (Poisson). */
  alarmsPerHour: z.number().min(0).max(36_000).default(2),
  /** Alarm types the simulator may raise. */
  types: z
    .array(AlarmType)
    .min(1)
    .default(ALARM_TYPES.filter((t) => t !== 'test')),
});

const PanelSection = z.strictObject({
  /**
   * argon2id hash of the code staff type to arm or disarm a zone from the
   * branch panel (`npm run center -- hash-secret`); without it, remote arming
   * is refused. Panic, duress, fire and vault inputs report whatever the arming.
   */
  armCodeHash: z.string().startsWith('$argon2').optional(),
});

/** A device of this branch (recorder, alarm panel, ATM monitor…); `nodeId` is filled in by the agent. */
const DeviceConfig = DeviceEntry.omit({ nodeId: true });

const RtspUrl = z.string().regex(/^rtsps?:\/\/\S+$/, 'must be an rtsp:// or rtsps:// URL');

/** Where the agent pulls a camera's video from. URLs may carry credentials: they never leave the branch nor reach a log. */
const RtspSection = z.strictObject({
  /** Main stream (full resolution), e.g. Hikvision `rtsp://host:554/Streaming/Channels/101`. */
  main: RtspUrl.optional(),
  /** Sub-stream (CIF/D1), e.g. Hikvision `…/Channels/102`, Dahua `…/cam/realmonitor?channel=1&subtype=1`. */
  sub: RtspUrl.optional(),
  /**
   * RTP transport: `tcp` (interleaved in the RTSP connection: no loss, firewall-friendly), `udp`, or `auto` (TCP
   * first, UDP if the server refuses TCP, as the simulator's RTSP server does).
   */
  transport: z.enum(['tcp', 'udp', 'auto']).default('tcp'),
});

/** PTZ of a real camera over ONVIF. */
const OnvifPtzConfig = z.strictObject({
  kind: z.literal('onvif'),
  /** The camera's ONVIF service, `http://host:port` (device service path `/onvif/device_service` is implied). */
  url: z.url({ protocol: /^https?$/, error: 'must be http://host:port or https://host:port' }),
  username: z.string().min(1).max(120),
  /** Prefer `passwordFile`, so the secret stays out of the config file. */
  password: z.string().min(1).optional(),
  /** File holding the ONVIF password (trailing newline ignored), read once at start. */
  passwordFile: z.string().min(1).optional(),
  /** Media profile to steer; default: the camera's first profile. */
  profileToken: z.string().min(1).max(64).optional(),
});

/** PTZ of a simulated camera, through the simulator's control API. */
const SimulatedPtzConfig = z.strictObject({
  kind: z.literal('simulated'),
  /** Base URL of the simulated camera server, `http://127.0.0.1:<port>`. */
  controlUrl: z.url({ protocol: /^https?$/, error: 'must be http://host:port' }),
});

export const PtzControlConfig = z.discriminatedUnion('kind', [OnvifPtzConfig, SimulatedPtzConfig], {
  error: 'must be "onvif" or "simulated"',
});
export type PtzControlConfig = z.output<typeof PtzControlConfig>;
export type OnvifPtzConfig = z.output<typeof OnvifPtzConfig>;

/**
 * `false`, `true` (refused below, with the reason) or a PTZ control. Checked in two steps so that a bad control
 * gets the precise problems of its kind rather than a union's "Invalid input".
 */
const PtzField = z
  .union([z.boolean(), z.looseObject({})], {
    error: 'must be false, or {kind: onvif, url, username, passwordFile}, or {kind: simulated, controlUrl}',
  })
  .transform((value, ctx): boolean | PtzControlConfig => {
    if (typeof value === 'boolean') {
      return value;
    }
    const parsed = PtzControlConfig.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

/**
 * A camera. `ptz` is either `false` or the way to steer it (`true` alone is refused: a PTZ camera the agent cannot
 * steer would show PTZ controls that never work). `rtspUrl` is the older spelling of `rtsp.main`, still accepted.
 */
const CameraConfig = CameraEntry.omit({ nodeId: true, ptz: true })
  .extend({
    /** `false`, or how to steer the camera (ONVIF, or the simulator's control API). */
    ptz: PtzField.default(false),
    /** Important position (vault, cash counter): recordings kept 60 days instead of 30. */
    important: z.boolean().default(false),
    /** Streams the camera offers (main, sub). */
    streams: CameraEntry.shape.streams.default([]),
    /** RTSP URLs of the camera (or of its channel on the recorder), per profile. */
    rtsp: RtspSection.prefault({}),
    /** Older spelling of `rtsp.main`. */
    rtspUrl: RtspUrl.optional(),
  })
  .superRefine((cam, ctx) => {
    if (cam.ptz === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['ptz'],
        message:
          'a PTZ camera needs its control: {kind: onvif, url, username, passwordFile} or {kind: simulated, controlUrl}',
      });
    }
    if (
      typeof cam.ptz === 'object' &&
      cam.ptz.kind === 'onvif' &&
      cam.ptz.password !== undefined &&
      cam.ptz.passwordFile !== undefined
    ) {
      ctx.addIssue({ code: 'custom', path: ['ptz', 'password'], message: 'give password or passwordFile, not both' });
    }
    if (cam.rtspUrl !== undefined && cam.rtsp.main !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rtspUrl'],
        message: 'give rtsp.main or rtspUrl (its older spelling), not both',
      });
    }
  })
  // Normalised: the catalog's `ptz` flag, the driver apart, and one place for RTSP URLs.
  .transform(({ ptz, rtspUrl, rtsp, ...cam }) => ({
    ...cam,
    /** Whether the camera can pan/tilt/zoom, as the catalog says. */
    ptz: ptz !== false,
    /** How to steer it; set exactly when `ptz` is true. */
    ptzControl: typeof ptz === 'object' ? ptz : undefined,
    rtsp: { ...rtsp, main: rtsp.main ?? rtspUrl },
  }));

/** An alarm input of the panel (dry contact, RS-485 zone…). */
const AlarmInputConfig = AlarmInputEntry.omit({ nodeId: true }).extend({
  /** Cameras to show with an alarm from this input. */
  linkedCameras: AlarmInputEntry.shape.linkedCameras.default([]),
});

export const AgentConfigSchema = z
  .strictObject({
    node: NodeSection,
    uplink: UplinkSection.prefault({}),
    /** Directory of the alarm outbox and the agent's state; default `.data/agent/<node id>` under the working directory. */
    dataDir: z.string().min(1).optional(),
    http: HttpSection.prefault({}),
    patrol: PatrolSection.prefault({}),
    devices: z.array(DeviceConfig).max(1_000).default([]),
    cameras: z.array(CameraConfig).max(256).default([]),
    alarmInputs: z.array(AlarmInputConfig).max(1_000).default([]),
    simulator: SimulatorSection.prefault({}),
    /** The branch alarm panel's arming from the console's branch panel. */
    panel: PanelSection.prefault({}),
    /** SIA DC-09 receiver for the branch's existing alarm panels (docs/dc09.md). */
    dc09: Dc09Section.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.uplink.password !== undefined && c.uplink.passwordFile !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'password'],
        message: 'give password or passwordFile, not both',
      });
    }
    // Entity ids are unique in the whole network; the node-id prefix makes that true by construction.
    const prefix = `${c.node.id}.`;
    const seen = new Map<string, string>();
    const lists = [
      ['devices', c.devices],
      ['cameras', c.cameras],
      ['alarmInputs', c.alarmInputs],
    ] as const;
    for (const [list, entries] of lists) {
      entries.forEach((entry, i) => {
        if (!entry.id.startsWith(prefix)) {
          ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `must start with "${prefix}"` });
        }
        const first = seen.get(entry.id);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `"${entry.id}" is already used by ${first}` });
        } else {
          seen.set(entry.id, `${list}.${i}`);
        }
      });
    }
    const deviceIds = new Set(c.devices.map((d) => d.id));
    const cameraIds = new Set(c.cameras.map((d) => d.id));
    const checkDevice = (list: 'cameras' | 'alarmInputs', i: number, deviceId: string | undefined) => {
      if (deviceId !== undefined && !deviceIds.has(deviceId)) {
        ctx.addIssue({ code: 'custom', path: [list, i, 'deviceId'], message: `no device "${deviceId}" in devices` });
      }
    };
    c.cameras.forEach((cam, i) => checkDevice('cameras', i, cam.deviceId));
    const inputIds = new Set(c.alarmInputs.map((i) => i.id));
    for (const problem of dc09ReferenceProblems(c.dc09, { inputIds, deviceIds })) {
      ctx.addIssue({ code: 'custom', path: ['dc09', ...problem.path], message: problem.message });
    }
    c.alarmInputs.forEach((input, i) => {
      checkDevice('alarmInputs', i, input.deviceId);
      input.linkedCameras.forEach((cameraId, j) => {
        if (!cameraIds.has(cameraId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['alarmInputs', i, 'linkedCameras', j],
            message: `no camera "${cameraId}" in cameras`,
          });
        }
      });
    });
  })
  .transform((c) => ({
    ...c,
    uplink: { ...c.uplink, username: c.uplink.username ?? c.node.id },
    dataDir: c.dataDir ?? `.data/agent/${c.node.id}`,
  }));

/** The validated configuration, with every default filled in. */
export type AgentConfig = z.output<typeof AgentConfigSchema>;
/** What a config file (or a test, or the benchmark) may write: defaults may be left out. */
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
export type CameraConfig = z.output<typeof CameraConfig>;

/** The configuration with its secrets replaced, fit for a log line. */
export function redactConfig(config: AgentConfig): unknown {
  return {
    ...config,
    uplink: {
      ...config.uplink,
      url: redactUrl(config.uplink.url),
      password: config.uplink.password === undefined ? undefined : '[redacted]',
    },
    cameras: config.cameras.map((c) => ({
      ...c,
      rtsp: {
        ...c.rtsp,
        main: c.rtsp.main === undefined ? undefined : redactUrl(c.rtsp.main),
        sub: c.rtsp.sub === undefined ? undefined : redactUrl(c.rtsp.sub),
      },
      ptzControl:
        c.ptzControl?.kind === 'onvif' && c.ptzControl.password !== undefined
          ? { ...c.ptzControl, password: '[redacted]' }
          : c.ptzControl,
    })),
    dc09: redactDc09(config.dc09),
  };
}

/** `mqtt://user:secret@host` → `mqtt://user:***@host`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '[unparsable url]';
  }
}
