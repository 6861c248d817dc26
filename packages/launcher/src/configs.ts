import { join } from 'node:path';
import type { Role } from '@bsm/protocol';
import { demoTotpSecret } from '@bsm/runtime';
import { branchKit } from './branch-kit.js';
import type { Topology, TopologyBranch, TopologyCenter } from './topology.js';

export interface GeneratedFiles {
  dir: string;
  configFile: string;
}

/** The demo branches' arming code (the branch panel asks for it to arm or disarm a zone). */
export const DEMO_ARM_CODE = '2468';
/** Its argon2id hash, as an agent's `panel.armCodeHash` holds it (a hash is not a secret). */
const DEMO_ARM_CODE_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$CSN3QUjS2TUcFgBkQkAahQ$MBuSYRZ2dsSSQZeAgp5hmMo0JXo7iCQlCscTljx/t2g';

/**
 * Demo users of one center: one per role, all with the topology's demo
 * password and an authenticator already enrolled (its secret derived from
 * that password and the user name), and a staff account for each branch
 * directly below it (`<branchId>-staff`, seeing only that branch's panel).
 */
export function demoUsers(
  center: TopologyCenter,
  password: string,
  branches: readonly TopologyBranch[] = [],
): {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  jurisdiction?: string;
  /** Enrolled from the start; `npm run totp -- <username>` prints its codes. */
  totpSecret: string;
}[] {
  const user = (username: string, displayName: string, role: Role, jurisdiction?: string) => ({
    username,
    displayName,
    password,
    role,
    ...(jurisdiction ? { jurisdiction } : {}),
    totpSecret: demoTotpSecret(password, username),
  });
  return [
    user(`${center.id}-super`, `${center.name} 值班长`, 'super_operator'),
    user(`${center.id}-op`, `${center.name} 值班员`, 'operator'),
    user(`${center.id}-viewer`, `${center.name} 查看员`, 'ordinary_user'),
    user(`${center.id}-secadmin`, `${center.name} 安全管理员`, 'security_admin'),
    user(`${center.id}-auditor`, `${center.name} 审计员`, 'auditor'),
    ...branches
      .filter((b) => b.center === center.id)
      .map((b) => user(`${b.id}-staff`, `${b.name} 员工`, 'branch_staff', b.id)),
  ];
}

/** The config file of one center of the network (validated by the center itself at start). */
export function centerConfig(
  t: Topology,
  c: TopologyCenter,
  opts: {
    databaseUrl: string;
    credentialsFile: string;
    parentSecret: string | null;
    webDist: string | null;
    /** Where this center's backups go; null: none. */
    backupDir: string | null;
    /** The certificate the center serves; null: plain HTTP. */
    tls: { certFile: string; keyFile: string } | null;
    /** With `mqttTls`: the demo CA, which the center's broker certificate and its parent's chain to. */
    mqttCa?: { certFile: string; keyFile: string; caCertFile: string } | null;
    /** The key sealing the center's authenticator secrets at rest. */
    secretKeyFile?: string | null;
  },
): Record<string, unknown> {
  const parent = c.parent ? t.centers.find((p) => p.id === c.parent) : undefined;
  return {
    mode: 'development',
    node: {
      id: c.id,
      name: c.name,
      tier: c.tier,
      lat: c.lat,
      lon: c.lon,
      ...(c.address ? { address: c.address } : {}),
      importance: 1,
    },
    http: { host: '127.0.0.1', port: c.httpPort, ...(opts.tls ? { tls: opts.tls } : {}) },
    database: { url: opts.databaseUrl, poolSize: 10 },
    ...(opts.secretKeyFile ? { auth: { secretKeyFile: opts.secretKeyFile } } : {}),
    broker: {
      embedded: {
        host: '127.0.0.1',
        port: c.mqttPort,
        credentialsFile: opts.credentialsFile,
        ...(opts.mqttCa ? { tls: { certFile: opts.mqttCa.certFile, keyFile: opts.mqttCa.keyFile } } : {}),
      },
    },
    ...(parent && opts.parentSecret
      ? {
          parent: {
            id: parent.id,
            url: `${opts.mqttCa ? 'mqtts' : 'mqtt'}://127.0.0.1:${parent.mqttPort}`,
            ...(opts.mqttCa ? { caFile: opts.mqttCa.caCertFile } : {}),
            password: opts.parentSecret,
            protocolVersion: 4,
          },
        }
      : {}),
    media: { host: '127.0.0.1', rtmpPort: c.mediaRtmpPort, httpPort: c.mediaHttpPort },
    map: { zoom: c.mapZoom },
    web: { distDir: opts.webDist },
    ...(opts.backupDir && t.backups.enabled
      ? {
          backup: {
            enabled: true,
            dir: opts.backupDir,
            intervalMinutes: t.backups.intervalMinutes,
            keep: t.backups.keep,
          },
        }
      : {}),
    seedUsers: demoUsers(c, t.demoPassword, t.branches),
  };
}

/** The config file of one simulated branch agent. */
export function agentConfig(
  t: Topology,
  b: TopologyBranch,
  opts: { dataDir: string; secret: string; mqttCaFile?: string | null },
): Record<string, unknown> {
  const center = t.centers.find((c) => c.id === b.center);
  const kit = branchKit(b);
  const rtsp = (cameraId: string, profile: 'main' | 'sub'): string =>
    `rtsp://127.0.0.1:${t.cameras.rtspPort}/${cameraId}/${profile}`;
  return {
    node: {
      id: b.id,
      name: b.name,
      lat: b.lat,
      lon: b.lon,
      ...(b.address ? { address: b.address } : {}),
      importance: b.importance,
    },
    uplink: {
      url: `${opts.mqttCaFile ? 'mqtts' : 'mqtt'}://127.0.0.1:${center?.mqttPort ?? 0}`,
      password: opts.secret,
      protocolVersion: 4,
      ...(opts.mqttCaFile ? { caFile: opts.mqttCaFile } : {}),
    },
    dataDir: opts.dataDir,
    http: { host: '127.0.0.1', port: b.agentPort },
    devices: kit.devices,
    // Simulated cameras live in the network's camera farm; PTZ ones are steered through its control API.
    cameras: kit.cameras.map((c) => ({
      ...c,
      rtsp: { main: rtsp(c.id, 'main'), sub: rtsp(c.id, 'sub') },
      ptz: c.ptz ? { kind: 'simulated', controlUrl: `http://127.0.0.1:${t.cameras.controlPort}` } : false,
    })),
    alarmInputs: kit.alarmInputs,
    simulator: { enabled: t.simulator.alarmsPerHour > 0, alarmsPerHour: t.simulator.alarmsPerHour },
    panel: { armCodeHash: DEMO_ARM_CODE_HASH },
  };
}

export const centerDir = (dataDir: string, id: string): string => join(dataDir, 'centers', id);
export const agentDir = (dataDir: string, id: string): string => join(dataDir, 'agents', id);
export const backupDir = (dataDir: string, id: string): string => join(dataDir, 'backups', id);
