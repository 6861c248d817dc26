/**
 * Escalation delay: an alarm nobody acknowledges at level 2 reaches the level-1 officer's console, measured from its deadline.
 *
 * Starts a level-1 and a level-2 center (real processes, embedded PostgreSQL
 * and brokers) with a short acknowledgment deadline, and `--branches` agents
 * under the level-2 center. The agents raise `--alarms` intrusion alarms at
 * `--rate` per second and nobody acknowledges them; a level-1 officer's
 * console (socket.io, logged in as an operator) records when each arrives
 * there as escalated. `late` = that moment − the alarm's deadline at level 2
 * (the spec allows 5 s, SPEC A2). Usage:
 *   npm run bench -- escalation [--alarms 300] [--rate 20] [--deadline 2] [--branches 20]
 */
import { parseArgs } from 'node:util';
import type { AlarmView, ClientToServerEvents, ServerToClientEvents } from '@bsm/protocol';
import { io, type Socket } from 'socket.io-client';
import { startBenchNetwork } from './lib/bench-network.js';
import { ConsoleClient } from './lib/console-client.js';
import { percentile } from './lib/stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      alarms: { type: 'string', default: '300' },
      rate: { type: 'string', default: '20' },
      deadline: { type: 'string', default: '2' },
      branches: { type: 'string', default: '20' },
    },
  });
  const total = Number(values.alarms);
  const rate = Number(values.rate);
  const deadlineSec = Number(values.deadline);
  const branches = Number(values.branches);

  const bench = await startBenchNetwork('escalation', branches, {
    env: { BSM_CENTER__ALARMS__ACK_DEADLINE_SEC: String(deadlineSec) },
  });
  const l1 = new ConsoleClient(bench.net.centers.get('bl1')?.url ?? '');
  let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  try {
    await l1.login('bl1-op', bench.net.topology.demoPassword);
    // Escalations arrive as `alarm:updated` (the alarm was already known at level 1, not its officers' to handle).
    const late = new Map<string, number>();
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(l1.baseUrl, {
      extraHeaders: { cookie: l1.cookie },
      transports: ['websocket'],
    });
    socket = s;
    s.on('alarm:updated', (alarm: AlarmView) => {
      const now = Date.now();
      const escalation = alarm.escalations.find((e) => e.to === 'bl1');
      if (alarm.responsible && escalation && !late.has(alarm.id)) {
        late.set(alarm.id, now - Date.parse(escalation.dueAt));
      }
    });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });

    const raised: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = (i / rate) * 1000 - (performance.now() - t0);
      if (wait > 0) {
        await sleep(wait);
      }
      const agent = bench.agents[i % bench.agents.length];
      if (agent) {
        raised.push((await agent.raise({ type: 'intrusion', zone: '03', text: `escalation bench ${i}` })).id);
      }
    }
    const settle = Date.now() + deadlineSec * 1000 + 30_000;
    while (Date.now() < settle && raised.some((id) => !late.has(id))) {
      await sleep(100);
    }
    const delays = raised.flatMap((id) => {
      const d = late.get(id);
      return d === undefined ? [] : [d];
    });
    return {
      alarms: raised.length,
      escalated: delays.length,
      missing: raised.length - delays.length,
      deadline_s: deadlineSec,
      p50_late_ms: percentile(delays, 50),
      p99_late_ms: percentile(delays, 99),
      max_late_ms: delays.length > 0 ? Math.max(...delays) : null,
    };
  } finally {
    socket?.disconnect();
    await bench.stop();
  }
}
