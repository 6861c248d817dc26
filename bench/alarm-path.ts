/**
 * Alarm path latency: branch → level-2 console and → level-1 console, at a steady rate.
 *
 * Starts a level-1 and a level-2 center (real processes, embedded PostgreSQL
 * and brokers) and `--branches` branch agents under the level-2 center.
 * Officers' consoles (socket.io clients, logged in as operators) listen at
 * both centers. The agents raise `--rate` alarms per second for `--seconds`;
 * each alarm's latency is from the moment the agent raised it to the moment
 * each console received it. Usage:
 *   npm run bench -- alarm-path [--rate 200] [--seconds 30] [--branches 20]
 */
import { parseArgs } from 'node:util';
import type { Alarm } from '@bsm/protocol';
import { startBenchNetwork } from './lib/bench-network.js';
import { ConsoleClient } from './lib/console-client.js';
import { percentile, round } from './lib/stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '30' },
      branches: { type: 'string', default: '20' },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const branches = Number(values.branches);

  const bench = await startBenchNetwork('alarm-path', branches);
  try {
    const password = bench.net.topology.demoPassword;
    const l2 = new ConsoleClient(bench.net.centers.get('bl2')?.url ?? '');
    const l1 = new ConsoleClient(bench.net.centers.get('bl1')?.url ?? '');
    await l2.login('bl2-op', password);
    await l1.login('bl1-op', password);
    await l2.connect();
    await l1.connect();
    // Every branch's catalog must have reached level 1 before timing starts.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const map = await l1.get<{ nodes: { id: string; state: string }[] }>('/api/map');
      if (map.nodes.filter((n) => n.id.startsWith('bb-') && n.state === 'online').length === branches) {
        break;
      }
      await sleep(250);
    }

    const sent = new Map<string, number>();
    const originOf = new Map<string, string>();
    const pending: Promise<void>[] = [];
    const total = Math.round(rate * seconds);
    const t0 = performance.now();
    let next = 0;
    // Ticks of 10 ms; each tick raises what is due, round-robin over the branches.
    while (next < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      for (; next < due; next++) {
        const agent = bench.agents[next % bench.agents.length];
        if (!agent) {
          continue;
        }
        const raisedAt = Date.now();
        pending.push(
          agent.raise({ type: 'intrusion', zone: '03', text: `bench ${next}` }).then((alarm: Alarm) => {
            sent.set(alarm.id, raisedAt);
            originOf.set(alarm.id, alarm.origin);
          }),
        );
      }
      await sleep(10);
    }
    await Promise.all(pending);
    const sendSeconds = (performance.now() - t0) / 1000;

    const settle = Date.now() + 30_000;
    while (Date.now() < settle && (l1.received.size < sent.size || l2.received.size < sent.size)) {
      await sleep(100);
    }

    const latencies = (client: ConsoleClient): number[] =>
      [...sent].flatMap(([id, at]) => {
        const got = client.received.get(id);
        return got ? [got.at - at] : [];
      });
    const l2Lat = latencies(l2);
    const l1Lat = latencies(l1);
    const duplicates = [...l1.received.values(), ...l2.received.values()].reduce((n, r) => n + (r.count - 1), 0);
    const lostIds = [...sent.keys()].filter((id) => !l1.received.has(id) || !l2.received.has(id));
    const lost = lostIds.length;
    const lostByBranch: Record<string, { l1: number; l2: number }> = {};
    for (const id of lostIds) {
      const origin = originOf.get(id) ?? '?';
      const entry = (lostByBranch[origin] ??= { l1: 0, l2: 0 });
      entry.l1 += l1.received.has(id) ? 0 : 1;
      entry.l2 += l2.received.has(id) ? 0 : 1;
    }
    l1.close();
    l2.close();
    return {
      rate_per_s: round(sent.size / sendSeconds),
      alarms: sent.size,
      branches,
      l2_p50_ms: percentile(l2Lat, 50),
      l2_p99_ms: percentile(l2Lat, 99),
      l2_max_ms: Math.max(...l2Lat),
      l1_p50_ms: percentile(l1Lat, 50),
      l1_p99_ms: percentile(l1Lat, 99),
      l1_max_ms: Math.max(...l1Lat),
      lost,
      duplicates,
      ...(lost > 0 ? { lost_by_branch: lostByBranch } : {}),
    };
  } finally {
    await bench.stop();
  }
}
