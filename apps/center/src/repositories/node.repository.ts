import type { AlarmInputEntry, CameraEntry, Catalog, DeviceEntry, MapNode, NodeEntry, NodeState } from '@bsm/protocol';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Database, NodesTable } from '../db/schema.js';

export interface NodeRecord {
  id: string;
  parentId: string | null;
  kind: 'center' | 'branch';
  name: string;
  path: string[];
  reportedBy: string | null;
}

/** What applying a catalog changed, so the center can pass the same change up to its parent. */
export interface CatalogChange {
  nodes: NodeEntry[];
  devices: DeviceEntry[];
  cameras: CameraEntry[];
  alarmInputs: AlarmInputEntry[];
  removed: { nodes: string[]; devices: string[]; cameras: string[]; alarmInputs: string[] };
  states: NodeState[];
}

export type ApplyResult = { applied: true; change: CatalogChange } | { applied: false; reason: string };

type NodeRow = Selectable<NodesTable>;

const toEntry = (r: NodeRow): NodeEntry => ({
  id: r.id,
  parentId: r.parent_id,
  kind: r.kind,
  ...(r.tier === null ? {} : { tier: r.tier as 1 | 2 | 3 }),
  name: r.name,
  lat: r.lat,
  lon: r.lon,
  ...(r.address === null ? {} : { address: r.address }),
  importance: r.importance as 1 | 2 | 3,
  ...(r.console_url === null ? {} : { consoleUrl: r.console_url }),
});

/** Rows per INSERT: big enough to make a province's full catalog a handful of statements, well under PostgreSQL's parameter limit. */
const chunks = <T extends { id: string }>(rows: T[], size = 500): T[][] => {
  // One statement may not upsert the same id twice; a catalog that lists an entry twice means its last version.
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
  return Array.from({ length: Math.ceil(unique.length / size) }, (_, i) => unique.slice(i * size, (i + 1) * size));
};

type CatalogTable = 'nodes' | 'devices' | 'cameras' | 'alarm_inputs';

/** Inserts or updates rows by id; on conflict every column given takes the new value, except those in `keep`. */
async function upsertById<T extends CatalogTable>(
  trx: Transaction<Database>,
  table: T,
  rows: (Insertable<Database[T]> & { id: string })[],
  keep: string[] = [],
): Promise<void> {
  for (const chunk of chunks(rows)) {
    const columns = Object.keys(chunk[0] ?? {}).filter((c) => c !== 'id' && !keep.includes(c));
    const update = Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)]));
    await trx
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) => oc.column('id').doUpdateSet(update as never))
      .execute();
  }
}

type DeviceRow = {
  id: string;
  node_id: string;
  kind: string;
  name: string;
  vendor: string | null;
  model: string | null;
};
type CameraRow = {
  id: string;
  node_id: string;
  device_id: string | null;
  name: string;
  ptz: boolean;
  important: boolean;
  streams: unknown;
};
type AlarmInputRow = {
  id: string;
  node_id: string;
  device_id: string | null;
  name: string;
  zone: string;
  type: string;
  linked_cameras: string[];
};

const toDevice = (d: DeviceRow): DeviceEntry => ({
  id: d.id,
  nodeId: d.node_id,
  kind: d.kind as DeviceEntry['kind'],
  name: d.name,
  ...(d.vendor === null ? {} : { vendor: d.vendor }),
  ...(d.model === null ? {} : { model: d.model }),
});

const toCamera = (c: CameraRow): CameraEntry => ({
  id: c.id,
  nodeId: c.node_id,
  ...(c.device_id === null ? {} : { deviceId: c.device_id }),
  name: c.name,
  ptz: c.ptz,
  important: c.important,
  streams: c.streams as CameraEntry['streams'],
});

const toAlarmInput = (a: AlarmInputRow): AlarmInputEntry => ({
  id: a.id,
  nodeId: a.node_id,
  ...(a.device_id === null ? {} : { deviceId: a.device_id }),
  name: a.name,
  zone: a.zone,
  type: a.type as AlarmInputEntry['type'],
  linkedCameras: a.linked_cameras,
});

export class NodeRepository {
  constructor(private readonly db: Db) {}

  /** This center's own row: the root of everything it stores. */
  async upsertSelf(entry: NodeEntry): Promise<void> {
    await this.db
      .insertInto('nodes')
      .values({
        id: entry.id,
        parent_id: null,
        kind: 'center',
        tier: entry.tier ?? null,
        name: entry.name,
        lat: entry.lat,
        lon: entry.lon,
        address: entry.address ?? null,
        importance: entry.importance,
        console_url: entry.consoleUrl ?? null,
        path: [entry.id],
        reported_by: null,
        state: 'online',
        state_since: new Date(),
        state_reason: null,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          tier: eb.ref('excluded.tier'),
          name: eb.ref('excluded.name'),
          lat: eb.ref('excluded.lat'),
          lon: eb.ref('excluded.lon'),
          address: eb.ref('excluded.address'),
          importance: eb.ref('excluded.importance'),
          console_url: eb.ref('excluded.console_url'),
          state: 'online',
          state_since: new Date(),
          updated_at: new Date(),
        })),
      )
      .execute();
  }

  /**
   * Applies a child's catalog inside one transaction. A full catalog replaces
   * everything learned through that child; a delta must build on the revision
   * we hold, or it is refused and the caller asks for a full one.
   */
  /**
   * Ids of a catalog that this center already holds from another publisher
   * (or as its own): a catalog may not take those over.
   */
  async heldByOthers(publisher: string, catalog: Catalog): Promise<string[]> {
    const held: string[] = [];
    const tables = [
      ['nodes', catalog.nodes.map((n) => n.id)],
      ['devices', catalog.devices.map((d) => d.id)],
      ['cameras', catalog.cameras.map((c) => c.id)],
      ['alarm_inputs', catalog.alarmInputs.map((a) => a.id)],
    ] as const;
    for (const [table, ids] of tables) {
      if (ids.length === 0) {
        continue;
      }
      const rows = await this.db
        .selectFrom(table)
        .select('id')
        .where('id', 'in', [...ids])
        .where(sql<boolean>`reported_by IS DISTINCT FROM ${publisher}`)
        .execute();
      held.push(...rows.map((r) => r.id));
    }
    return held;
  }

  async applyCatalog(selfId: string, catalog: Catalog): Promise<ApplyResult> {
    const publisher = catalog.publisher;
    return this.db.transaction().execute(async (trx) => {
      const source = await trx
        .selectFrom('catalog_sources')
        .select('revision')
        .where('publisher', '=', publisher)
        .forUpdate()
        .executeTakeFirst();
      if (catalog.mode === 'delta' && source?.revision !== catalog.baseRevision) {
        return {
          applied: false as const,
          reason: `delta builds on revision ${catalog.baseRevision} but revision ${source?.revision ?? 'none'} is held`,
        };
      }

      // Paths: the publisher hangs under this center; others under their parent, found in the
      // catalog itself or, for a delta, among the nodes already stored.
      const parentOf = new Map<string, string>();
      for (const n of catalog.nodes) {
        parentOf.set(n.id, n.id === publisher || n.parentId === null ? selfId : n.parentId);
      }
      const known = new Map<string, string[]>();
      const selfRow = await trx.selectFrom('nodes').select('path').where('id', '=', selfId).executeTakeFirst();
      known.set(selfId, selfRow?.path ?? [selfId]);
      if (catalog.mode === 'delta') {
        const rows = await trx
          .selectFrom('nodes')
          .select(['id', 'path'])
          .where('reported_by', '=', publisher)
          .execute();
        for (const r of rows) {
          known.set(r.id, r.path);
        }
      }
      const pathOf = (id: string, seen = new Set<string>()): string[] => {
        const hit = known.get(id);
        if (hit) {
          return hit;
        }
        const parent = parentOf.get(id);
        if (parent === undefined || seen.has(id)) {
          // An orphan or a cycle in a foreign catalog: hang it under the publisher rather than lose it.
          return [...(known.get(publisher) ?? [selfId, publisher]).slice(0, -1), publisher, id].filter(
            (v, i, a) => a.indexOf(v) === i,
          );
        }
        seen.add(id);
        const path = [...pathOf(parent, seen), id];
        known.set(id, path);
        return path;
      };

      const removed = {
        nodes: [] as string[],
        devices: [] as string[],
        cameras: [] as string[],
        alarmInputs: [] as string[],
      };
      if (catalog.mode === 'full') {
        // Everything learned through this publisher that its full catalog no longer lists.
        const dropMissing = async (
          table: 'nodes' | 'devices' | 'cameras' | 'alarm_inputs',
          keep: string[],
        ): Promise<string[]> => {
          let q = trx.deleteFrom(table).where('reported_by', '=', publisher);
          if (keep.length > 0) {
            q = q.where('id', 'not in', keep);
          }
          return (await q.returning('id').execute()).map((r) => r.id);
        };
        removed.nodes = await dropMissing(
          'nodes',
          catalog.nodes.map((n) => n.id),
        );
        removed.devices = await dropMissing(
          'devices',
          catalog.devices.map((d) => d.id),
        );
        removed.cameras = await dropMissing(
          'cameras',
          catalog.cameras.map((c) => c.id),
        );
        removed.alarmInputs = await dropMissing(
          'alarm_inputs',
          catalog.alarmInputs.map((a) => a.id),
        );
      } else if (catalog.removed) {
        const drop = async (
          table: 'nodes' | 'devices' | 'cameras' | 'alarm_inputs',
          ids: string[],
        ): Promise<string[]> =>
          ids.length === 0
            ? []
            : (
                await trx
                  .deleteFrom(table)
                  .where('reported_by', '=', publisher)
                  .where('id', 'in', ids)
                  .returning('id')
                  .execute()
              ).map((r) => r.id);
        removed.nodes = await drop('nodes', catalog.removed.nodes);
        removed.devices = await drop('devices', catalog.removed.devices);
        removed.cameras = await drop('cameras', catalog.removed.cameras);
        removed.alarmInputs = await drop('alarm_inputs', catalog.removed.alarmInputs);
      }

      const nodes = catalog.nodes.map((n) => ({ ...n, parentId: parentOf.get(n.id) ?? selfId }));
      const stateById = new Map(catalog.states.map((s) => [s.nodeId, s]));
      const nodeRow = (n: NodeEntry): Insertable<NodesTable> => {
        const state = stateById.get(n.id);
        return {
          id: n.id,
          parent_id: n.parentId,
          kind: n.kind,
          tier: n.tier ?? null,
          name: n.name,
          lat: n.lat,
          lon: n.lon,
          address: n.address ?? null,
          importance: n.importance,
          console_url: n.consoleUrl ?? null,
          path: pathOf(n.id),
          reported_by: publisher,
          state: state?.state ?? 'offline',
          state_since: state?.since ?? null,
          state_reason: state?.reason ?? null,
          updated_at: new Date(),
        };
      };
      // A node's own state messages are fresher than a catalog that does not mention its state,
      // so only nodes listed in `states` get theirs overwritten.
      const stateColumns = ['state', 'state_since', 'state_reason'];
      await upsertById(trx, 'nodes', nodes.filter((n) => stateById.has(n.id)).map(nodeRow));
      await upsertById(trx, 'nodes', nodes.filter((n) => !stateById.has(n.id)).map(nodeRow), stateColumns);
      await upsertById(
        trx,
        'devices',
        catalog.devices.map((d) => ({
          id: d.id,
          node_id: d.nodeId,
          kind: d.kind,
          name: d.name,
          vendor: d.vendor ?? null,
          model: d.model ?? null,
          reported_by: publisher,
        })),
      );
      await upsertById(
        trx,
        'cameras',
        catalog.cameras.map((c) => ({
          id: c.id,
          node_id: c.nodeId,
          device_id: c.deviceId ?? null,
          name: c.name,
          ptz: c.ptz,
          important: c.important,
          streams: JSON.stringify(c.streams),
          reported_by: publisher,
        })),
      );
      await upsertById(
        trx,
        'alarm_inputs',
        catalog.alarmInputs.map((a) => ({
          id: a.id,
          node_id: a.nodeId,
          device_id: a.deviceId ?? null,
          name: a.name,
          zone: a.zone,
          type: a.type,
          linked_cameras: a.linkedCameras,
          reported_by: publisher,
        })),
      );
      await trx
        .insertInto('catalog_sources')
        .values({ publisher, revision: catalog.revision, received_at: new Date() })
        .onConflict((oc) => oc.column('publisher').doUpdateSet({ revision: catalog.revision, received_at: new Date() }))
        .execute();

      return {
        applied: true as const,
        change: {
          nodes,
          devices: catalog.devices,
          cameras: catalog.cameras,
          alarmInputs: catalog.alarmInputs,
          removed,
          states: catalog.states,
        },
      };
    });
  }

  /** Records state changes; returns only those that changed something, with the node's path. */
  async setStates(states: NodeState[], onlyReportedBy?: string): Promise<NodeState[]> {
    const changed: NodeState[] = [];
    for (const s of states) {
      let q = this.db
        .updateTable('nodes')
        .set({ state: s.state, state_since: s.since, state_reason: s.reason ?? null })
        .where('id', '=', s.nodeId)
        .where('state', '<>', s.state);
      if (onlyReportedBy !== undefined) {
        q = q.where('reported_by', '=', onlyReportedBy);
      }
      const res = await q.executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) {
        changed.push(s);
      }
    }
    return changed;
  }

  /**
   * A child center went offline: we no longer know the state of anything we
   * learned through it, so its whole subtree is shown offline until it returns.
   */
  async markLearnedThroughOffline(publisher: string, since: string, reason: string): Promise<NodeState[]> {
    const rows = await this.db
      .updateTable('nodes')
      .set({ state: 'offline', state_since: since, state_reason: reason })
      .where('reported_by', '=', publisher)
      .where('id', '<>', publisher)
      .where('state', '<>', 'offline')
      .returning('id')
      .execute();
    return rows.map((r) => ({ nodeId: r.id, state: 'offline' as const, since, reason }));
  }

  async records(): Promise<NodeRecord[]> {
    const rows = await this.db
      .selectFrom('nodes')
      .select(['id', 'parent_id', 'kind', 'name', 'path', 'reported_by'])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind,
      name: r.name,
      path: r.path,
      reportedBy: r.reported_by,
    }));
  }

  /** Every node under `root` (inclusive) with its open-alarm figures rolled up the tree. */
  async mapNodes(root: string): Promise<MapNode[]> {
    const rows = (await this.db
      .selectFrom('nodes')
      .selectAll()
      .where(sql<boolean>`path @> ARRAY[${root}]::text[]`)
      .orderBy('path')
      .execute()) as NodeRow[];
    const open = await this.db
      .selectFrom('alarms')
      .select([
        sql<string>`COALESCE(subject, origin)`.as('origin'),
        sql<number>`count(*)::int`.as('n'),
        sql<number>`min(priority)::int`.as('top'),
      ])
      .where('status', '<>', 'closed')
      .where('signal', '=', 'alarm')
      .groupBy(sql`COALESCE(subject, origin)`)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, { row: r, open: 0, top: null as number | null }]));
    for (const o of open) {
      const origin = byId.get(o.origin);
      for (const id of origin?.row.path ?? []) {
        const acc = byId.get(id);
        if (acc) {
          acc.open += o.n;
          acc.top = acc.top === null ? o.top : Math.min(acc.top, o.top);
        }
      }
    }
    return [...byId.values()].map(({ row, open: openAlarms, top }) => ({
      ...toEntry(row),
      state: row.state,
      stateSince: row.state_since?.toISOString() ?? null,
      openAlarms,
      topPriority: top,
    }));
  }

  async devicesOf(nodeId: string): Promise<DeviceEntry[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('node_id', '=', nodeId).orderBy('id').execute();
    return rows.map(toDevice);
  }

  async camerasOf(nodeId: string): Promise<CameraEntry[]> {
    const rows = await this.db.selectFrom('cameras').selectAll().where('node_id', '=', nodeId).orderBy('id').execute();
    return rows.map(toCamera);
  }

  async cameraById(id: string): Promise<CameraEntry | null> {
    const row = await this.db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCamera(row) : null;
  }

  async alarmInputsOf(nodeId: string): Promise<AlarmInputEntry[]> {
    const rows = await this.db
      .selectFrom('alarm_inputs')
      .selectAll()
      .where('node_id', '=', nodeId)
      .orderBy('id')
      .execute();
    return rows.map(toAlarmInput);
  }

  /** Everything this center knows, as a full catalog for its parent (itself first). */
  async fullCatalogContent(): Promise<Omit<CatalogChange, 'removed'>> {
    const rows = (await this.db.selectFrom('nodes').selectAll().orderBy('path').execute()) as NodeRow[];
    const devices = await this.db.selectFrom('devices').selectAll().orderBy('id').execute();
    const cameras = await this.db.selectFrom('cameras').selectAll().orderBy('id').execute();
    const inputs = await this.db.selectFrom('alarm_inputs').selectAll().orderBy('id').execute();
    return {
      nodes: rows.map((r) => ({ ...toEntry(r), parentId: r.reported_by === null ? null : r.parent_id })),
      devices: devices.map(toDevice),
      cameras: cameras.map(toCamera),
      alarmInputs: inputs.map(toAlarmInput),
      states: rows
        .filter((r) => r.reported_by !== null)
        .map((r) => ({
          nodeId: r.id,
          state: r.state,
          since: (r.state_since ?? new Date(0)).toISOString(),
        })),
    };
  }

  async recordHealth(
    nodeId: string,
    report: { at: string; uptimeSec: number; outboxPending: number; devices: unknown },
  ): Promise<void> {
    const values = {
      node_id: nodeId,
      at: report.at,
      uptime_sec: report.uptimeSec,
      outbox_pending: report.outboxPending,
      devices: JSON.stringify(report.devices),
      received_at: new Date(),
    };
    await this.db
      .insertInto('node_health')
      .values(values)
      .onConflict((oc) => oc.column('node_id').doUpdateSet(values))
      .execute();
  }

  async lastHealthAt(nodeId: string): Promise<Date | null> {
    const row = await this.db.selectFrom('node_health').select('at').where('node_id', '=', nodeId).executeTakeFirst();
    return row?.at ?? null;
  }
}
