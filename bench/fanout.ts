/**
 * Fan-out: one camera, many viewers at two tiers; how many copies cross the branch's link.
 *
 * Starts a level-1 and a level-2 center with one simulated branch under
 * level 2. `--viewers` HTTP-FLV players at each center watch the same camera
 * for `--seconds`. `uplink_ratio` is the bytes the branch's agent sent to its
 * center (its RTMP socket, read with `ss`) over the bytes one viewer received
 * in the same window: ~1 means the stream crossed the branch link once,
 * whatever the audience. Also the level-2 center's CPU and memory meanwhile.
 *   npm run bench -- fanout [--viewers 20] [--seconds 20]
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNetwork, Topology } from '@bsm/launcher';
import type { PlayResponse } from '@bsm/protocol';
import { freePort } from '../test/support/ports.js';
import { ConsoleClient } from './lib/console-client.js';
import { round } from './lib/stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An HTTP-FLV player that only counts bytes. */
class Viewer {
  bytes = 0;
  private readonly abort = new AbortController();
  constructor(readonly url: string) {}

  start(): void {
    void (async () => {
      try {
        const res = await fetch(this.url, { signal: this.abort.signal });
        if (!res.body) {
          return;
        }
        for await (const chunk of res.body) {
          this.bytes += (chunk as Uint8Array).byteLength;
        }
      } catch {
        // aborted at the end of the run
      }
    })();
  }

  stop(): void {
    this.abort.abort();
  }
}

/** Bytes sent so far on established TCP connections to `port` on loopback (the client side, per `ss`). */
function bytesSentTo(port: number): number {
  const out = execFileSync('ss', ['-tinH', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  let sum = 0;
  for (const m of out.matchAll(/bytes_sent:(\d+)/g)) {
    sum += Number(m[1]);
  }
  return sum;
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
function processUsage(pid: number): { cpuSec: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSec: ticks / 100, rssMb: rssKb / 1024 };
}

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: { viewers: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' } },
  });
  const perTier = Number(values.viewers);
  const seconds = Number(values.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'bsm-bench-fanout-'));
  chmodSync(dir, 0o755);
  const port = (): Promise<number> => freePort();
  const l2Rtmp = await port();
  const topology = Topology.parse({
    name: 'bench fanout',
    dataDir: dir,
    postgres: { embeddedPort: await port() },
    cameras: { rtspPort: await port(), controlPort: await port() },
    simulator: { alarmsPerHour: 0 },
    backups: { enabled: false }, // a backup in the middle would disturb the figures
    centers: [
      {
        id: 'bf1',
        name: '基准省中心',
        tier: 1,
        lat: 26.07,
        lon: 119.29,
        httpPort: await port(),
        mqttPort: await port(),
      },
      {
        id: 'bf2',
        name: '基准市中心',
        tier: 2,
        parent: 'bf1',
        lat: 26.08,
        lon: 119.3,
        httpPort: await port(),
        mqttPort: await port(),
        mediaRtmpPort: l2Rtmp,
      },
    ],
    branches: [{ id: 'bfb', name: '基准网点', center: 'bf2', lat: 26.08, lon: 119.29, agentPort: await port() }],
  });
  const net = await startNetwork(topology, { serveWeb: false, restart: false, env: { LOG_LEVEL: 'warn' } });
  const viewers: Viewer[] = [];
  try {
    const cameraId = 'bfb.cam-counter';
    const consoles = [
      new ConsoleClient(net.centers.get('bf2')?.url ?? ''),
      new ConsoleClient(net.centers.get('bf1')?.url ?? ''),
    ];
    await consoles[0]?.login('bf2-op', topology.demoPassword);
    await consoles[1]?.login('bf1-op', topology.demoPassword);
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      !(await fetch(`${consoles[1]?.baseUrl}/api/nodes/bfb`, { headers: { cookie: consoles[1]?.cookie ?? '' } })).ok
    ) {
      await sleep(250);
    }
    for (const c of consoles) {
      for (let i = 0; i < perTier; i++) {
        const res = await fetch(`${c.baseUrl}/api/cameras/${cameraId}/play`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: c.cookie },
          body: JSON.stringify({ profile: 'sub' }),
        });
        if (!res.ok) {
          throw new Error(`play at ${c.baseUrl}: HTTP ${res.status} ${await res.text()}`);
        }
        const viewer = new Viewer(((await res.json()) as PlayResponse).url);
        viewer.start();
        viewers.push(viewer);
      }
    }
    // Everyone connected and past the first GOP before the window opens.
    await sleep(5000);
    const pid = net.processes.get('bf2')?.pid ?? 0;
    const u0 = processUsage(pid);
    const sent0 = bytesSentTo(l2Rtmp);
    const got0 = viewers.map((v) => v.bytes);
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const elapsed = (Date.now() - t0) / 1000;
    const sent = bytesSentTo(l2Rtmp) - sent0;
    const got = viewers.map((v, i) => v.bytes - (got0[i] ?? 0));
    const u1 = processUsage(pid);
    const oneCopy = [...got].sort((a, b) => a - b)[Math.floor(got.length / 2)] ?? 0;
    return {
      viewers: viewers.length,
      seconds: round(elapsed, 1),
      uplink_ratio: oneCopy > 0 ? round(sent / oneCopy, 3) : null,
      branch_kbps: round((sent * 8) / 1000 / elapsed, 0),
      viewer_kbps_median: round((oneCopy * 8) / 1000 / elapsed, 0),
      viewers_starved: got.filter((b) => b < oneCopy / 2).length,
      l2_cpu_pct: round(((u1.cpuSec - u0.cpuSec) / elapsed) * 100, 1),
      l2_rss_mb: round(u1.rssMb, 0),
    };
  } finally {
    for (const v of viewers) {
      v.stop();
    }
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
