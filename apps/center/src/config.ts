import { isAbsolute } from 'node:path';
import {
  AlarmPriority,
  AlarmType,
  EntityId,
  Importance,
  NodeId,
  Permission,
  ProcedureStep,
  Role,
  Tier,
} from '@bsm/protocol';
import { isRange } from './auth/ip-rules.js';
import { z } from 'zod';

const Port = z.number().int().min(0).max(65_535);

const EmbeddedBroker = z.strictObject({
  /** Interface the embedded MQTT broker listens on; keep it on the intranet side. */
  host: z.string().default('127.0.0.1'),
  /** MQTT port for the nodes below this center (0 picks a free one, for tests). */
  port: Port.default(1883),
  /**
   * File of `nodeId:hash` lines (hash from `npm run center -- hash-secret`), one per node
   * allowed to connect. Read at start and again on SIGHUP.
   */
  credentialsFile: z.string().min(1),
  /** MQTT over TLS for the nodes (they connect with mqtts://): the certificate (PEM, chain included) and key. */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
});

/** PEM file of the CA that signed a broker's certificate, for mqtts:// on the bank's own PKI. */
const BrokerCaFile = z.string().min(1).optional();

const ExternalBroker = z.strictObject({
  /** URL of a broker this center shares with its nodes (Mosquitto, EMQX): mqtt:// or mqtts://. */
  url: z.string().regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://'),
  /** The center's own account on that broker; it must be allowed to read all `bsm/v1/+/up/+` and write `bsm/v1/+/down/+`. */
  username: z.string().min(1),
  password: z.string().min(1),
  /** 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  caFile: BrokerCaFile,
});

const ParentUplink = z.strictObject({
  /** The parent center's node id: alarms not handled here in time are escalated to it by name. */
  id: NodeId,
  /** The parent center's broker, where this center appears as one node. */
  url: z.string().regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://'),
  /** This center's account at the parent (defaults to its node id). */
  username: z.string().min(1).optional(),
  password: z.string().min(1),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  keepaliveSec: z.number().int().min(5).max(300).default(15),
  caFile: BrokerCaFile,
});

const Media = z.strictObject({
  /** Run the embedded node-media-server (live video); off leaves the center signals-only. */
  enabled: z.boolean().default(true),
  /** Interface the media server listens on (RTMP and HTTP-FLV); keep it on the intranet side. */
  host: z.string().default('127.0.0.1'),
  /** RTMP port: agents and child relays publish here, parent centers may pull (0 picks a free one, for tests). */
  rtmpPort: Port.default(1935),
  /** HTTP-FLV port of the media server: the console's origin passes browsers' streams to it, parents' relays use it directly (0 picks a free one, for tests). */
  httpPort: Port.default(8000),
  /** How browsers reach the FLV endpoint when a proxy serves it (`https://video.bank.local`); by default the console's own origin serves `/live/…`, so video is as secure as the console. */
  publicUrl: z.string().url().optional(),
  /** How agents and parent relays reach this RTMP endpoint (`rtmp://10.1.2.3:1935`); defaults to `rtmp://host:rtmpPort`. */
  publicRtmpUrl: z
    .string()
    .regex(/^rtmps?:\/\//, 'must start with rtmp:// or rtmps://')
    .optional(),
  /** Keep a stream this long after its last viewer leaves, so a viewer switching cells does not restart the branch push. */
  graceSec: z.number().int().min(0).max(600).default(15),
  /** How long a signed play URL is valid to START playing (an ongoing play is never cut). */
  playUrlTtlSec: z.number().int().min(5).max(3600).default(60),
  /** How long a publish key handed to an agent or a relay is valid to start publishing. */
  publishKeyTtlSec: z
    .number()
    .int()
    .min(5)
    .max(24 * 3600)
    .default(300),
  /** A viewer whose socket holds more than this is skipped until it drains, then resumes at the next keyframe. */
  slowViewerBufferKb: z.number().int().min(64).max(65_536).default(1024),
  /**
   * File holding the URL-signing secret (≥ 32 bytes). Without it a random secret is made at
   * every start: a restart then invalidates URLs already issued, harmless with short TTLs,
   * but several processes serving one center would need the file.
   */
  secretFile: z.string().min(1).optional(),
});

/** An IP address or CIDR range, checked with the same parser the center matches with. */
const IpRangeSetting = z.string().refine(isRange, 'an IP address or CIDR range such as 10.1.2.0/24');

const Backup = z.strictObject({
  /** Take scheduled backups; off leaves the section to `npm run center -- backup` alone. */
  enabled: z.boolean().default(true),
  /**
   * The second location: a directory on another disk, or a mount of another server (NFS, SMB),
   * never the database's own disk. It must exist: a mount that is missing fails the backup
   * instead of filling the local disk.
   */
  dir: z.string().refine(isAbsolute, 'must be an absolute path'),
  /** Minutes from one scheduled backup to the next (a failed one is retried after min(this, 15)). */
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Retention: the newest this many backups are always kept. */
  keep: z.number().int().min(1).max(10_000).default(48),
  /** Retention: also keep every backup younger than this many days; unset, the count alone decides. */
  keepDays: z.number().int().min(1).max(3650).optional(),
  /** `auto`: pg_dump when a compatible one is found (major version ≥ the server's), else the built-in dump. */
  method: z.enum(['auto', 'pg_dump', 'builtin']).default('auto'),
  /** The pg_dump to use; default: `pg_dump` on PATH. Given, it must work: no silent fallback. */
  pgDumpPath: z.string().min(1).optional(),
  /** The pg_restore for restoring pg_dump backups; default: beside pgDumpPath, else on PATH. */
  pgRestorePath: z.string().min(1).optional(),
});
export type BackupConfig = z.infer<typeof Backup>;

const SeedUser = z.strictObject({
  username: z.string().min(1).max(64),
  displayName: z.string().min(1).max(64),
  password: z.string().min(8),
  role: Role,
  /** Root of what the user may see; defaults to this center. */
  jurisdiction: NodeId.optional(),
  /** Base32 authenticator secret, enrolled from the start (the demo's users); otherwise enrolled at first sign-in. */
  totpSecret: z
    .string()
    .regex(/^[A-Z2-7]{16,}$/, 'a base32 secret of at least 16 characters')
    .optional(),
});

export const CenterConfig = z
  .strictObject({
    /** `development` allows demo conveniences (seed users); `production` refuses them. */
    mode: z.enum(['development', 'production']).default('production'),
    node: z.strictObject({
      id: NodeId,
      name: z.string().min(1).max(120),
      tier: Tier,
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      address: z.string().max(200).optional(),
      importance: Importance.default(1),
    }),
    http: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: Port.default(8080),
        /** Public origin of the console when behind a proxy, used in printed URLs. */
        publicUrl: z.string().url().optional(),
        /** Serve HTTPS and WSS with this certificate (PEM; the chain in `certFile`). Omitted: plain HTTP. */
        tls: z
          .strictObject({
            certFile: z.string().min(1),
            keyFile: z.string().min(1),
          })
          .optional(),
      })
      .prefault({}),
    database: z.strictObject({
      /** postgres://user:password@host:port/db */
      url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
      poolSize: z.number().int().min(1).max(100).default(10),
    }),
    /** Exactly one of `embedded` (aedes inside this process) or `external` (Mosquitto, EMQX). */
    broker: z
      .strictObject({
        embedded: EmbeddedBroker.optional(),
        external: ExternalBroker.optional(),
      })
      .refine((b) => (b.embedded === undefined) !== (b.external === undefined), {
        message: 'configure exactly one of broker.embedded or broker.external',
      }),
    /** The center above this one; omitted at level 1. */
    parent: ParentUplink.optional(),
    auth: z
      .strictObject({
        /** Session lifetime without activity. */
        sessionIdleMinutes: z
          .number()
          .int()
          .min(5)
          .max(24 * 60)
          .default(12 * 60),
        /** Failed logins in a row before the account locks for `lockMinutes`. */
        maxFailedLogins: z.number().int().min(3).max(20).default(5),
        lockMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(15),
        /** Send the session cookie only over HTTPS. */
        secureCookies: z.boolean().default(false),
        /**
         * Key (32 random bytes in base64: `openssl rand -base64 32`) sealing the authenticator secrets in the
         * database, kept outside it and its backups. Omitted: stored as they are.
         */
        secretKeyFile: z.string().min(1).optional(),
      })
      .prefault({}),
    map: z
      .strictObject({
        /** Intranet tile server URL template (`https://tiles.bank.local/{z}/{x}/{y}.png`); null uses the built-in outlines. */
        tileUrl: z.string().nullable().default(null),
        center: z.tuple([z.number(), z.number()]).optional(),
        zoom: z.number().min(1).max(18).default(7),
      })
      .prefault({}),
    web: z
      .strictObject({
        /** Directory of the built console; null serves the API only. */
        distDir: z.string().nullable().default(null),
      })
      .prefault({}),
    /** Live video: the media server, signed URLs, on-demand streams. */
    media: Media.prefault({}),
    /** Bandwidth budgets of the links below this center (SPEC T3). */
    links: z
      .strictObject({
        /** What a branch's uplink may carry for monitoring: 1 Mbit/s of a typical 2 Mbit/s line. */
        branchUplinkKbps: z.number().int().min(64).max(1_000_000).default(1000),
        /** What the link from each child center may carry for video relayed up (a leased line or VPN). */
        childCenterKbps: z.number().int().min(64).max(10_000_000).default(8000),
        /** A stream reserves its nominal rate times this (SPEC V1: normal = 1.5 × minimum). */
        headroom: z.number().min(1).max(3).default(1.5),
      })
      .prefault({}),
    /** Alarm handling: deadlines, escalation and procedures (SPEC A1, A2, W2). */
    alarms: z
      .strictObject({
        /** Seconds this center has to acknowledge an alarm before it goes to the parent (A1: 60 s). */
        ackDeadlineSec: z.number().int().min(1).max(3600).default(60),
        /** Deadlines by alarm type and/or priority; the first rule that matches wins, else `ackDeadlineSec`. */
        deadlines: z
          .array(
            z.strictObject({
              type: AlarmType.optional(),
              priority: AlarmPriority.optional(),
              sec: z.number().int().min(1).max(3600),
            }),
          )
          .default([]),
        /** Types escalated to the parent at once, while still handled here. */
        immediateTypes: z.array(AlarmType).default(['panic', 'duress', 'vault_door']),
        /** An escalation arriving this long after it was due is shown as late. */
        lateAfterSec: z.number().int().min(1).max(3600).default(10),
        /** Types whose linked cameras open by themselves on the responsible officers' video wall (linkage). */
        openVideoTypes: z
          .array(AlarmType)
          .default(['panic', 'duress', 'vault_door', 'intrusion', 'atm_tamper', 'fire']),
        /** Linkage: PTZ cameras that turn to a preset when an alarm of an input (or a type) arrives here. */
        ptzPresets: z
          .array(
            z
              .strictObject({
                inputId: EntityId.optional(),
                type: AlarmType.optional(),
                cameraId: EntityId,
                preset: z.number().int().min(1).max(255),
              })
              .refine((r) => r.inputId !== undefined || r.type !== undefined, 'give an inputId or a type'),
          )
          .default([]),
        /** The checklist of each alarm type, replacing the built-in one (`DEFAULT_PROCEDURES`). */
        procedures: z.partialRecord(AlarmType, z.array(ProcedureStep).max(20)).default({}),
      })
      .prefault({}),
    /** Scheduled backups of this center's database to a second location (SPEC S8); omitted: none, with a warning at start. */
    backup: Backup.optional(),
    /** Address rules (S4, S5): who reaches this center, and where the sensitive functions work from. */
    security: z
      .strictObject({
        /** Client addresses (CIDR) that may reach this center's API and consoles at all; empty: any. */
        allowedClients: z.array(IpRangeSetting).default([]),
        /** The management networks (CIDR): the only addresses from which the `localOnly` functions work. */
        managementNetworks: z.array(IpRangeSetting).default(['127.0.0.0/8', '::1/128']),
        /** Functions (by permission) refused to clients outside the management networks, so a stolen administrator password cannot harm this center from elsewhere. */
        localOnly: z.array(Permission).default(['users']),
      })
      .default({ allowedClients: [], managementNetworks: ['127.0.0.0/8', '::1/128'], localOnly: ['users'] }),
    /** Users created at start if missing (development only). In production the first security administrator is made with `npm run center -- create-user`, and the others by them. */
    seedUsers: z.array(SeedUser).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.mode === 'production' && c.seedUsers.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['seedUsers'],
        message: 'seed users with known passwords are refused in production mode',
      });
    }
    // S9: a production console is reached over TLS only: served here, or ended at a proxy in front.
    const behindTlsProxy = c.http.publicUrl?.startsWith('https://') === true && c.auth.secureCookies;
    if (c.mode === 'production' && !c.http.tls && !behindTlsProxy) {
      ctx.addIssue({
        code: 'custom',
        path: ['http', 'tls'],
        message:
          'production mode needs HTTPS: set http.tls (certFile, keyFile), or, behind a proxy that ends TLS, ' +
          'an https:// http.publicUrl and auth.secureCookies: true',
      });
    }
    if (c.node.tier === 1 && c.parent) {
      ctx.addIssue({ code: 'custom', path: ['parent'], message: 'a level-1 center has no parent' });
    }
  });
export type CenterConfig = z.infer<typeof CenterConfig>;
