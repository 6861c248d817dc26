import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm } from '@bsm/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

const BRANCHES = ['xb-1', 'xb-2', 'xb-3', 'xb-4'];

/**
 * Chaos during an alarm storm, on real processes: the city center is
 * SIGKILLed and restarted, then the provincial center (whose broker the city
 * center's uplink uses) is restarted. Nobody acknowledges anything, with a
 * 2 s deadline, so every alarm must also be escalated to the province.
 */
describe('alarms survive a killed city center and a restarted broker', () => {
  let net: NetworkHandle;
  let dir: string;

  const query = async <T extends pg.QueryResultRow>(center: string, text: string, values: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: net.centers.get(center)?.databaseUrl ?? '' });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-chaos-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'chaos test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        { id: 'xp', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort: await port(), mqttPort: await port() },
        {
          id: 'xc',
          name: '市中心',
          tier: 2,
          parent: 'xp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: await Promise.all(
        BRANCHES.map(async (id, i) => ({
          id,
          name: `网点${i + 1}`,
          center: 'xc',
          lat: 26.08 + i / 100,
          lon: 119.29,
          agentPort: await port(),
        })),
      ),
    });
    net = await startNetwork(topology, {
      serveWeb: false,
      restart: false,
      env: { LOG_LEVEL: 'warn', BSM_CENTER__ALARMS__ACK_DEADLINE_SEC: '2' },
    });
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every alarm exactly once at both tiers and escalates every one that was due', async () => {
    const raised: Alarm[] = [];
    let storming = true;
    const storm = (async () => {
      for (let n = 0; storming; n++) {
        const branch = BRANCHES[n % BRANCHES.length] ?? '';
        const res = await fetch(`${net.branches.get(branch)?.agentUrl ?? ''}/alarms`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: n % 3 === 0 ? 'panic' : 'intrusion', text: `storm ${n}` }),
        });
        expect(res.status).toBe(201);
        raised.push((await res.json()) as Alarm);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    await sleep(4_000);
    await net.stopNode('xc', 'kill');
    await sleep(3_000);
    await net.startNode('xc');
    await sleep(4_000);
    // The broker the city center's uplink uses lives in the provincial center.
    await net.stopNode('xp');
    await sleep(2_000);
    await net.startNode('xp');
    await sleep(3_000);
    storming = false;
    await storm;
    expect(raised.length).toBeGreaterThan(300);
    const ids = raised.map((a) => a.id);

    const counts = async (center: string): Promise<Map<string, number>> =>
      new Map(
        (
          await query<{ id: string; n: number }>(
            center,
            'SELECT id, count(*)::int AS n FROM alarms WHERE id = ANY($1) GROUP BY id',
            [ids],
          )
        ).map((r) => [r.id, r.n]),
      );
    for (const center of ['xc', 'xp']) {
      await waitFor(
        `every alarm stored at ${center}`,
        async () => {
          const c = await counts(center);
          return ids.every((id) => c.get(id) === 1);
        },
        90_000,
        500,
      );
    }
    // Nobody acknowledged: every alarm went up as an escalation, once, and the province must act on each.
    const notEscalated = async (): Promise<string[]> =>
      (
        await query<{ id: string }>(
          'xp',
          `SELECT a.id FROM alarms a WHERE a.id = ANY($1) AND NOT (a.responsible AND EXISTS (
             SELECT 1 FROM alarm_events e WHERE e.alarm_id = a.id AND e.action = 'escalate'
               AND e.body->'escalation'->>'to' = 'xp'))`,
          [ids],
        )
      ).map((r) => r.id);
    try {
      await waitFor('every escalation at the province', async () => (await notEscalated()).length === 0, 60_000, 500);
    } catch (error) {
      // Say what both centers hold of the first few, so a failure can be read without a rerun.
      const missing = (await notEscalated()).slice(0, 5);
      const facts = `SELECT a.id, a.type, a.responsible, a.deadline_at, a.received_at,
           (SELECT json_agg(json_build_object('action', e.action, 'at', e.at, 'received_at', e.received_at,
              'escalation', e.body->'escalation') ORDER BY e.position) FROM alarm_events e WHERE e.alarm_id = a.id) AS events
         FROM alarms a WHERE a.id = ANY($1)`;
      const atCity = await query('xc', facts, [missing]);
      const atProvince = await query('xp', facts, [missing]);
      throw new Error(
        `${(error as Error).message}; not escalated at xp: ${JSON.stringify({ xc: atCity, xp: atProvince })}`,
      );
    }
    const [dupes] = await query<{ n: number }>(
      'xp',
      `SELECT count(*)::int AS n FROM (
         SELECT alarm_id FROM alarm_events WHERE action = 'escalate' AND alarm_id = ANY($1)
         GROUP BY alarm_id, body->'escalation'->>'reason' HAVING count(*) > 1) d`,
      [ids],
    );
    expect(dupes?.n).toBe(0);
  });
});
