import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCenter, type CenterHandle } from '../../apps/center/src/app.js';
import { CenterConfig } from '../../apps/center/src/config.js';
import { signIn } from '../../packages/launcher/src/sign-in.js';
import {
  downFilter,
  encode,
  newAlarmId,
  upTopic,
  type Alarm,
  type AlarmAck,
  type Catalog,
  type Role,
} from '../../packages/protocol/src/index.js';
import { createLogger, hashSecret, newTotpSecret } from '../../packages/runtime/src/index.js';
import mqtt, { type MqttClient } from 'mqtt';
import pgClient from 'pg';
import { startTestPostgres, type TestPostgres } from './postgres.js';
import { waitFor } from './wait.js';

export const FIXTURE_PASSWORD = 'Correct-Horse-1';

/** The MQTT password of a fixture branch. */
export const branchSecret = (id: string): string => `secret-of-${id}-for-tests`;

/** A branch speaking the protocol over its own MQTT connection, as an agent would. */
export interface FixtureBranch {
  id: string;
  client: MqttClient;
  acks: AlarmAck[];
  /** Publishes an alarm of this branch (QoS 1); the center acknowledges on `down/ack`. */
  raise(over?: Partial<Alarm>): Alarm;
}

export interface CenterFixture {
  center: CenterHandle;
  databaseUrl: string;
  branches: Map<string, FixtureBranch>;
  /** The authenticator secret of each seeded user. */
  secrets: Map<string, string>;
  /** `cookie` header value of a new session of a seeded user. */
  cookieOf(username: string): Promise<string>;
  close(): Promise<void>;
}

export interface FixtureUser {
  username: string;
  role: Role;
  jurisdiction?: string;
  displayName?: string;
}

/** Connections to the database other than the one asking. */
async function otherConnections(databaseUrl: string): Promise<number> {
  const client = new pgClient.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

const catalogOf = (id: string, seq: number): Catalog => ({
  publisher: id,
  mode: 'full',
  revision: seq,
  at: new Date().toISOString(),
  nodes: [{ id, parentId: null, kind: 'branch', name: `网点 ${id}`, lat: 26.08, lon: 119.29, importance: 1 }],
  devices: [{ id: `${id}.nvr1`, nodeId: id, kind: 'nvr', name: '录像机' }],
  cameras: [
    { id: `${id}.cam1`, nodeId: id, deviceId: `${id}.nvr1`, name: '现金柜台', ptz: true, important: true, streams: [] },
  ],
  alarmInputs: [
    { id: `${id}.in1`, nodeId: id, name: '柜台紧急按钮', zone: '01', type: 'panic', linkedCameras: [`${id}.cam1`] },
  ],
  states: [],
});

/**
 * A level-2 center in this process on a real PostgreSQL and its embedded
 * broker, with branches connected over MQTT and users of chosen roles
 * (authenticators enrolled), for integration tests of the API, the socket
 * and the broker. Media is off.
 */
export async function startCenterFixture(opts: {
  branches: string[];
  users: FixtureUser[];
  config?: Record<string, unknown>;
}): Promise<CenterFixture> {
  const pg: TestPostgres = await startTestPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'bsm-fixture-'));
  const credentials = await Promise.all(opts.branches.map(async (b) => `${b}:${await hashSecret(branchSecret(b))}`));
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(credentialsFile, `${credentials.join('\n')}\n`);
  const secrets = new Map(opts.users.map((u) => [u.username, newTotpSecret()]));
  const databaseUrl = await pg.freshDatabase();
  const config = CenterConfig.parse({
    mode: 'development',
    node: { id: 'fz', name: '福州分行安防监控中心', tier: 2, lat: 26.08, lon: 119.3 },
    http: { port: 0 },
    media: { enabled: false },
    database: { url: databaseUrl },
    broker: { embedded: { port: 0, credentialsFile } },
    seedUsers: opts.users.map((u) => ({
      username: u.username,
      displayName: u.displayName ?? u.username,
      password: FIXTURE_PASSWORD,
      role: u.role,
      ...(u.jurisdiction ? { jurisdiction: u.jurisdiction } : {}),
      totpSecret: secrets.get(u.username),
    })),
    ...opts.config,
  });
  // Silent unless FIXTURE_LOG_LEVEL says otherwise (e.g. `warn`, to see why a message was refused).
  const level = process.env.FIXTURE_LOG_LEVEL ?? 'silent';
  const center = await startCenter(config, createLogger('fixture').child({}, { level }));
  const branches = new Map<string, FixtureBranch>();
  for (const id of opts.branches) {
    const client = await mqtt.connectAsync(center.brokerUrl, {
      clientId: `t-${id}`,
      username: id,
      password: branchSecret(id),
      clean: true,
    });
    const acks: AlarmAck[] = [];
    await client.subscribeAsync(downFilter(id), { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/down/ack')) {
        acks.push(JSON.parse(payload.toString()) as AlarmAck);
      }
    });
    const status = { nodeId: id, kind: 'branch', state: 'online', since: new Date().toISOString() };
    client.publish(upTopic(id, 'status'), Buffer.from(encode({ ...status, software: { name: 't', version: '1' } })), {
      qos: 1,
      retain: true,
    });
    client.publish(upTopic(id, 'catalog'), Buffer.from(encode(catalogOf(id, 1))), { qos: 1 });
    let branchSeq = 0;
    branches.set(id, {
      id,
      client,
      acks,
      raise(over = {}) {
        const alarm: Alarm = {
          id: newAlarmId(),
          origin: id,
          seq: ++branchSeq,
          path: [id],
          type: 'intrusion',
          priority: 2,
          zone: '01',
          linkedCameras: [],
          occurredAt: new Date().toISOString(),
          source: 'panel',
          ...over,
        };
        client.publish(upTopic(id, 'alarm'), Buffer.from(encode(alarm)), { qos: 1 });
        return alarm;
      },
    });
  }
  const cookieOf = async (username: string): Promise<string> =>
    (await signIn(center.httpUrl, username, FIXTURE_PASSWORD, { totpSecret: secrets.get(username) ?? '' })).cookie;
  // The branches' catalogs are in once the first user who sees them finds them on the map.
  const watcher = opts.users.find((u) => u.role === 'operator' && (u.jurisdiction ?? 'fz') === 'fz');
  if (watcher && opts.branches.length > 0) {
    const cookie = await cookieOf(watcher.username);
    await waitFor('branch catalogs at the center', async () => {
      const res = await fetch(`${center.httpUrl}/api/map`, { headers: { cookie } });
      const map = (await res.json()) as { nodes: { id: string }[] };
      return opts.branches.every((b) => map.nodes.some((n) => n.id === b));
    });
  }
  return {
    center,
    databaseUrl,
    branches,
    secrets,
    cookieOf,
    async close() {
      for (const b of branches.values()) {
        await b.client.endAsync();
      }
      await center.close();
      // A pool's end() resolves before its connections have said goodbye; a server stopped in between sends
      // them a FATAL that the center's pool (no error listener) throws as an uncaught exception.
      await waitFor(
        "the center's database connections closed",
        async () => (await otherConnections(databaseUrl)) === 0,
      );
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
