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

/** A device of this branch (recorder, alarm panel, ATM monitor…); `nodeId` is filled in by the agent. */
const DeviceConfig = DeviceEntry.omit({ nodeId: true });

/** A camera; `rtspUrl` is where the agent pulls video from and never leaves the branch. */
const CameraConfig = CameraEntry.omit({ nodeId: true }).extend({
  /** Pan/tilt/zoom capable. */
  ptz: z.boolean().default(false),
  /** Important position (vault, cash counter): recordings kept 60 days instead of 30. */
  important: z.boolean().default(false),
  /** Streams the camera offers (main, sub). */
  streams: CameraEntry.shape.streams.default([]),
  /** RTSP URL of the camera or of its channel on the recorder; may carry credentials, so it is never logged. */
  rtspUrl: z
    .string()
    .regex(/^rtsps?:\/\/\S+$/, 'must be an rtsp:// or rtsps:// URL')
    .optional(),
});

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
    cameras: config.cameras.map((c) => ({ ...c, rtspUrl: c.rtspUrl === undefined ? undefined : redactUrl(c.rtspUrl) })),
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
