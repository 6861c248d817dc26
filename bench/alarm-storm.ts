/**
 * Alarm storm: 200 simulated branches send 1000 alarms/s for 60 s to one level-2 center; latency to an officer's console.
 *
 * Starts a level-2 center under a level-1 parent (real processes, embedded
 * PostgreSQL and brokers) with `--branches` branches provisioned in its
 * topology, so they lie in the jurisdiction of its operator. A branch swarm
 * (bench/lib/branch-swarm.ts, a child process) connects one conforming MQTT
 * branch per provisioned agent config and raises `--rate` alarms/s for
 * `--seconds`, round-robin. An officer's console (socket.io client, logged in
 * as the level-2 operator) listens in this process; an alarm's latency is
 * the time the console received it minus the time its branch created it.
 * After the storm the bench waits up to `--drain` seconds for stragglers,
 * counts alarms the console never received (`lost`) or received twice
 * (`duplicates`), and checks in the center's database that each is stored
 * exactly once (`db_count`). The CPU each process used during the storm is
 * reported too (`other_cpu_pct` is work outside the bench's processes: a
 * run that shared this 2-core machine with someone's tests is not a figure).
 * `--cpu-prof` writes V8 CPU profiles of both centers to .bench/cpu-prof/
 * (open them in Chrome DevTools). Usage:
 *   npm run bench -- alarm-storm [--rate 1000] [--seconds 60] [--branches 200] [--drain 30] [--cpu-prof]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MapResponse } from '@bsm/protocol';
import pg from 'pg';
import { startBenchNetwork } from './lib/bench-network.js';
import { startBranchSwarm, type SentRecord } from './lib/branch-swarm.js';
import { ConsoleClient } from './lib/console-client.js';
import { CpuWindow } from './lib/proc-usage.js';
import { percentile, round } from './lib/stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function positive(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`--${name} must be a positive number, not "${raw}"`);
  }
  return value;
}

/** Waits until the console's map shows every simulated branch online (their catalogs are applied). */
async function waitOnline(client: ConsoleClient, branches: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let online = 0;
  while (Date.now() < deadline) {
    const map = await client.get<MapResponse>('/api/map');
    online = map.nodes.filter((n) => n.id.startsWith('bb-') && n.state === 'online').length;
    if (online === branches) {
      return;
    }
    await sleep(250);
  }
  throw new Error(`only ${online} of ${branches} branches online at ${client.baseUrl} after ${timeoutMs / 1000} s`);
}

/** What the center's database holds of the storm: rows per sent id, and (origin, seq) pairs stored twice. */
async function databaseCheck(
  databaseUrl: string,
  sent: ReadonlyMap<string, SentRecord>,
): Promise<{ stored: number; missing: number; storedTwice: number; seqTwice: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const origins = [...new Set([...sent.values()].map((r) => r.origin))];
    const { rows } = await client.query<{ id: string; origin: string; seq: number }>(
      'SELECT id, origin, seq FROM alarms WHERE origin = ANY($1::text[])',
      [origins],
    );
    const perId = new Map<string, number>();
    const perSeq = new Map<string, number>();
    for (const r of rows) {
      perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
      const key = `${r.origin}#${r.seq}`;
      perSeq.set(key, (perSeq.get(key) ?? 0) + 1);
    }
    let stored = 0;
    let missing = 0;
    let storedTwice = 0;
    for (const id of sent.keys()) {
      const n = perId.get(id) ?? 0;
      stored += n === 1 ? 1 : 0;
      missing += n === 0 ? 1 : 0;
      storedTwice += n > 1 ? 1 : 0;
    }
    // The primary key makes an id stored twice impossible; a resend under a new id would show up here instead.
    const seqTwice = [...perSeq.values()].filter((n) => n > 1).length;
    return { stored, missing, storedTwice, seqTwice };
  } finally {
    await client.end();
  }
}

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '60' },
      branches: { type: 'string', default: '200' },
      drain: { type: 'string', default: '30' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const rate = positive('rate', values.rate);
  const seconds = positive('seconds', values.seconds);
  const branches = positive('branches', values.branches);
  const drainSec = positive('drain', values.drain);
  if (!Number.isInteger(branches) || branches > 999) {
    throw new Error(`--branches must be a whole number up to 999 (node ids bb-001…bb-999), not ${branches}`);
  }

  let profileDir: string | null = null;
  if (values['cpu-prof']) {
    profileDir = resolve('.bench', 'cpu-prof', `alarm-storm-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(profileDir, { recursive: true });
  }
  const bench = await startBenchNetwork('alarm-storm', branches, {
    agents: false,
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preload profiles each center and writes <pid>.cpuprofile on exit.
    env: profileDir
      ? {
          NODE_OPTIONS: `--import tsx --import ${fileURLToPath(new URL('./lib/cpu-profile-preload.ts', import.meta.url))}`,
          BSM_CPU_PROF_DIR: profileDir,
        }
      : {},
  });
  const centerPids = { l2: bench.net.processes.get('bl2')?.pid, l1: bench.net.processes.get('bl1')?.pid };
  const swarm = startBranchSwarm();
  const officer = new ConsoleClient(bench.net.centers.get('bl2')?.url ?? '');
  try {
    const password = bench.net.topology.demoPassword;
    const l1 = new ConsoleClient(bench.net.centers.get('bl1')?.url ?? '');
    await officer.login('bl2-op', password);
    await l1.login('bl1-op', password);
    await officer.connect();

    await swarm.connect([...bench.net.branches.values()].map((b) => b.configFile));
    // Catalogs and statuses travel on to level 1 too: let both centers finish them before the clock starts.
    await waitOnline(officer, branches, 120_000);
    await waitOnline(l1, branches, 120_000);
    await sleep(2_000);

    const sent = new Map<string, SentRecord>();
    swarm.onSent = (records) => {
      for (const r of records) {
        sent.set(r.id, r);
      }
    };
    const window = new CpuWindow(
      new Map([
        ['l2', centerPids.l2],
        ['l1', centerPids.l1],
        ['swarm', swarm.pid],
        ['console', process.pid],
      ]),
    );
    window.start();
    const storm = await swarm.storm(rate, seconds);
    const cpu = window.stop();

    // Stragglers: everything sent should reach the console within the drain period.
    const drainUntil = Date.now() + drainSec * 1000;
    const arrived = (): number => [...sent.keys()].filter((id) => officer.received.has(id)).length;
    while (Date.now() < drainUntil && arrived() < sent.size) {
      await sleep(200);
    }
    // And the center should have acknowledged everything to the branches.
    const swarmStats = await swarm.drain(Math.max(1_000, drainUntil - Date.now()));
    const db = await databaseCheck(bench.net.centers.get('bl2')?.databaseUrl ?? '', sent);

    const latencies: number[] = [];
    const lostByBranch: Record<string, number> = {};
    for (const [id, r] of sent) {
      const got = officer.received.get(id);
      if (got) {
        latencies.push(got.at - r.createdAt);
      } else {
        lostByBranch[r.origin] = (lostByBranch[r.origin] ?? 0) + 1;
      }
    }
    const lost = sent.size - latencies.length;
    const duplicates = [...officer.received.values()].reduce((n, r) => n + (r.count - 1), 0);
    return {
      rate_per_s: round(storm.alarms / storm.seconds),
      alarms: sent.size,
      branches,
      seconds,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      max_ms: latencies.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY),
      lost,
      duplicates,
      db_count: db.stored,
      ...(db.missing > 0 ? { db_missing: db.missing } : {}),
      ...(db.storedTwice > 0 || db.seqTwice > 0 ? { db_stored_twice: db.storedTwice, db_seq_twice: db.seqTwice } : {}),
      unacked: swarmStats.unacked,
      resent: swarmStats.resent,
      reconnects: swarmStats.disconnects,
      ...(officer.disconnects > 0 ? { console_disconnects: officer.disconnects } : {}),
      send_lag_p99_ms: storm.lagP99Ms,
      // During the storm, in % of one core (this machine has two).
      l2_cpu_pct: cpu.named.l2,
      l1_cpu_pct: cpu.named.l1,
      pg_cpu_pct: cpu.postgres,
      swarm_cpu_pct: cpu.named.swarm,
      console_cpu_pct: cpu.named.console,
      other_cpu_pct: cpu.other,
      machine_busy_pct: cpu.machine,
      ...(lost > 0 ? { lost_by_branch: lostByBranch } : {}),
      ...(profileDir
        ? {
            // Written when the centers exit, just after this result.
            cpu_profiles: {
              l2: join(profileDir, `${centerPids.l2}.cpuprofile`),
              l1: join(profileDir, `${centerPids.l1}.cpuprofile`),
            },
          }
        : {}),
    };
  } finally {
    officer.close();
    // Branches first, so the centers do not log 200 lost connections.
    await swarm.stop();
    await bench.stop();
  }
}
