import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm } from '@bsm/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * Three tiers as real processes: level-1 ← level-2 ← level-3, with branch
 * agents under level 2 and level 3, every part its own process on loopback.
 */
describe('the cascade: alarms up three tiers, and nothing lost while a level-2 center is down', () => {
  let net: NetworkHandle;
  let dir: string;

  const raise = async (branch: string, type: Alarm['type'], text: string): Promise<Alarm> => {
    const url = net.branches.get(branch)?.agentUrl ?? '';
    const res = await fetch(`${url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, text }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Alarm;
  };

  /** id → number of rows with that id in a center's database. */
  const alarmCounts = async (center: string, ids: string[]): Promise<Map<string, number>> => {
    const client = new pg.Client({ connectionString: net.centers.get(center)?.databaseUrl ?? '' });
    await client.connect();
    try {
      const res = await client.query<{ id: string; n: number }>(
        'SELECT id, count(*)::int AS n FROM alarms WHERE id = ANY($1) GROUP BY id',
        [ids],
      );
      return new Map(res.rows.map((r) => [r.id, r.n]));
    } finally {
      await client.end();
    }
  };

  const exactlyOnce = async (center: string, ids: string[]): Promise<boolean> => {
    const counts = await alarmCounts(center, ids);
    return ids.every((id) => counts.get(id) === 1);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-cascade-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'cascade test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        { id: 'tl1', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort: await port(), mqttPort: await port() },
        {
          id: 'tl2',
          name: '市中心',
          tier: 2,
          parent: 'tl1',
          lat: 24.87,
          lon: 118.67,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'tl3',
          name: '县中心',
          tier: 3,
          parent: 'tl2',
          lat: 24.78,
          lon: 118.55,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        { id: 'tb-a', name: '网点甲', center: 'tl2', lat: 24.9, lon: 118.6, agentPort: await port() },
        { id: 'tb-b', name: '网点乙', center: 'tl2', lat: 24.89, lon: 118.61, agentPort: await port() },
        { id: 'tb-c', name: '网点丙', center: 'tl3', lat: 24.8, lon: 118.57, agentPort: await port() },
      ],
    });
    net = await startNetwork(topology, { serveWeb: false, restart: false, env: { LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an alarm raised under the level-3 center is stored once at level 3, 2 and 1', async () => {
    const alarm = await raise('tb-c', 'panic', 'three tiers');
    for (const center of ['tl3', 'tl2', 'tl1']) {
      await waitFor(`${alarm.id} stored at ${center}`, () => exactlyOnce(center, [alarm.id]), 20_000, 100);
    }
    const client = new pg.Client({ connectionString: net.centers.get('tl1')?.databaseUrl ?? '' });
    await client.connect();
    const row = await client.query<{ path: string[]; seq: number }>('SELECT path, seq FROM alarms WHERE id = $1', [
      alarm.id,
    ]);
    await client.end();
    expect(row.rows[0]?.path).toEqual(['tb-c', 'tl3', 'tl2']);
    expect(row.rows[0]?.seq).toBe(alarm.seq);
  });

  it('every alarm raised while the level-2 center is down for 30 s reaches level 2 and level 1 exactly once', async () => {
    await net.stopNode('tl2');
    const raised: Alarm[] = [];
    const until = Date.now() + 30_000;
    let n = 0;
    // Branches under level 2 keep them in their outboxes; the level-3 center keeps its own in its database outbox.
    while (Date.now() < until) {
      for (const branch of ['tb-a', 'tb-b', 'tb-c']) {
        raised.push(await raise(branch, n % 2 === 0 ? 'intrusion' : 'atm_tamper', `during outage ${n}`));
      }
      n += 1;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(raised.length).toBeGreaterThanOrEqual(80);
    await net.startNode('tl2');
    const ids = raised.map((a) => a.id);
    await waitFor('every alarm stored once at level 2', () => exactlyOnce('tl2', ids), 60_000, 250);
    await waitFor('every alarm stored once at level 1', () => exactlyOnce('tl1', ids), 60_000, 250);
    // And per branch, no sequence number is missing at the top.
    const client = new pg.Client({ connectionString: net.centers.get('tl1')?.databaseUrl ?? '' });
    await client.connect();
    const seqs = await client.query<{ origin: string; seqs: number[] }>(
      'SELECT origin, array_agg(seq ORDER BY seq) AS seqs FROM alarms WHERE id = ANY($1) GROUP BY origin',
      [ids],
    );
    await client.end();
    for (const row of seqs.rows) {
      const expected = raised.filter((a) => a.origin === row.origin).map((a) => a.seq);
      expect(row.seqs).toEqual(expected);
    }
  });
});
