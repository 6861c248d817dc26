import { Importance, NodeId, Tier } from '@bsm/protocol';
import { z } from 'zod';

const Port = z.number().int().min(1).max(65_535);

export const TopologyCenter = z.strictObject({
  id: NodeId,
  name: z.string().min(1),
  tier: Tier,
  /** The center above; omitted for level 1. */
  parent: NodeId.optional(),
  lat: z.number(),
  lon: z.number(),
  address: z.string().optional(),
  httpPort: Port,
  mqttPort: Port,
  /** Media server ports (RTMP in from agents and child centers, HTTP-FLV out to consoles); 0 picks free ones. */
  mediaRtmpPort: z.number().int().min(0).max(65_535).default(0),
  mediaHttpPort: z.number().int().min(0).max(65_535).default(0),
  /** Initial zoom of this center's map wall. */
  mapZoom: z.number().min(1).max(18).default(8),
});
export type TopologyCenter = z.infer<typeof TopologyCenter>;

export const TopologyBranch = z.strictObject({
  id: NodeId,
  name: z.string().min(1),
  /** The center this branch reports to. */
  center: NodeId,
  lat: z.number(),
  lon: z.number(),
  address: z.string().optional(),
  importance: Importance.default(2),
  /** Port of the agent's local HTTP API (panic buttons, `npm run alarm`). */
  agentPort: Port,
  /** Device set of the simulated branch: a full branch, a small one, or one with a vault. */
  kit: z.enum(['standard', 'small', 'vault']).default('standard'),
});
export type TopologyBranch = z.infer<typeof TopologyBranch>;

export const Topology = z
  .strictObject({
    name: z.string().default('demo network'),
    /** Where databases, outboxes, generated configs and secrets live; reused on restart. */
    dataDir: z.string().default('.data/demo'),
    postgres: z
      .strictObject({
        /** Port of the embedded PostgreSQL when `url` is not given. */
        embeddedPort: Port.default(15432),
        /** An existing server to use instead (admin URL; databases are created on it). */
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//)
          .optional(),
      })
      .prefault({}),
    /**
     * Serve the consoles over HTTPS and WSS with a certificate from a CA made on this machine (kept in
     * `<dataDir>/tls`, or `BSM_TLS_DIR`); false serves plain HTTP.
     */
    tls: z.boolean().default(true),
    /**
     * MQTT over TLS (mqtts://) between every node and its center, with the same demo CA and certificate;
     * false (the default) speaks plain MQTT on loopback, with per-node credentials and ACLs all the same.
     */
    mqttTls: z.boolean().default(false),
    /** Password of every demo user; printed at start. Demo networks only. */
    demoPassword: z.string().min(8).default('Demo@2026'),
    simulator: z
      .strictObject({
        /** Random alarms per branch and hour from the simulated alarm panels; 0 turns them off. */
        alarmsPerHour: z.number().min(0).max(3600).default(2),
      })
      .prefault({}),
    /** The simulated cameras of every branch, behind one RTSP port and one PTZ control port. */
    cameras: z
      .strictObject({
        rtspPort: Port.default(18554),
        controlPort: Port.default(18555),
      })
      .prefault({}),
    /**
     * Each center's scheduled backups, into `<dataDir>/backups/<center id>`. On one demo machine that is
     * the database's own disk; a real site points `backup.dir` at another disk or server.
     */
    backups: z
      .strictObject({
        enabled: z.boolean().default(true),
        intervalMinutes: z.number().int().min(1).max(10_080).default(30),
        keep: z.number().int().min(1).max(1000).default(12),
      })
      .prefault({}),
    centers: z.array(TopologyCenter).min(1),
    branches: z.array(TopologyBranch).default([]),
  })
  .superRefine((t, ctx) => {
    const centers = new Map(t.centers.map((c) => [c.id, c]));
    const ids = [...t.centers.map((c) => c.id), ...t.branches.map((b) => b.id)];
    for (const dup of ids.filter((id, i) => ids.indexOf(id) !== i)) {
      ctx.addIssue({ code: 'custom', message: `node id ${dup} is used twice` });
    }
    const ports = [
      t.cameras.rtspPort,
      t.cameras.controlPort,
      ...t.centers.flatMap((c) => [c.httpPort, c.mqttPort, c.mediaRtmpPort, c.mediaHttpPort].filter((p) => p !== 0)),
      ...t.branches.map((b) => b.agentPort),
    ];
    for (const dup of ports.filter((p, i) => ports.indexOf(p) !== i)) {
      ctx.addIssue({ code: 'custom', message: `port ${dup} is used twice` });
    }
    t.centers.forEach((c, i) => {
      if (c.tier === 1 && c.parent) {
        ctx.addIssue({ code: 'custom', path: ['centers', i, 'parent'], message: 'a level-1 center has no parent' });
      }
      if (c.tier > 1) {
        const parent = c.parent ? centers.get(c.parent) : undefined;
        if (!parent) {
          ctx.addIssue({
            code: 'custom',
            path: ['centers', i, 'parent'],
            message: `level-${c.tier} center ${c.id} needs an existing parent center`,
          });
        } else if (parent.tier !== c.tier - 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['centers', i, 'parent'],
            message: `parent of a level-${c.tier} center must be level ${c.tier - 1}`,
          });
        }
      }
    });
    t.branches.forEach((b, i) => {
      if (!centers.has(b.center)) {
        ctx.addIssue({ code: 'custom', path: ['branches', i, 'center'], message: `unknown center ${b.center}` });
      }
    });
  });
export type Topology = z.infer<typeof Topology>;
export type TopologyInput = z.input<typeof Topology>;

/** Centers ordered parents first, so each starts after the one it connects to. */
export function centersTopDown(t: Topology): TopologyCenter[] {
  return [...t.centers].sort((a, b) => a.tier - b.tier);
}

export const databaseName = (centerId: string): string => `bsm_${centerId.replaceAll('-', '_')}`;
