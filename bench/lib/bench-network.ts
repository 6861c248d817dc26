import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AgentConfigSchema, BranchAgent } from '@bsm/agent';
import { startNetwork, Topology, type NetworkHandle, type TopologyInput } from '@bsm/launcher';
import { pino } from 'pino';
import { parse } from 'yaml';
import { freePort } from '../../test/support/ports.js';

export interface BenchNetwork {
  net: NetworkHandle;
  /** The agents running in this process; empty with `agents: false`. */
  agents: BranchAgent[];
  stop(): Promise<void>;
}

export interface BenchNetworkOptions {
  /**
   * Run the branch agents in this process (default). With `false` the
   * branches are only provisioned (config files, credentials, the centers'
   * topology), for a bench that brings its own load generator: each one's
   * config file is `net.branches.get(id).configFile`.
   */
  agents?: boolean;
  /** Environment added to the network's processes (the centers), e.g. `NODE_OPTIONS: '--cpu-prof …'` to profile them. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A level-1 and a level-2 center as real processes, with `branches` agents
 * under the level-2 center running in this process (so the load generator
 * can drive them without 200 processes on a 2-core machine), or only
 * provisioned for a load generator of the bench's own (`agents: false`).
 */
export async function startBenchNetwork(
  name: string,
  branches: number,
  options: BenchNetworkOptions = {},
): Promise<BenchNetwork> {
  const dataDir = resolve('.data', `bench-${name}`);
  rmSync(dataDir, { recursive: true, force: true });
  // A port is free again once freePort() closes it, so hundreds of calls can repeat one: keep them distinct.
  const taken = new Set<number>();
  const port = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const input: TopologyInput = {
    name: `bench ${name}`,
    dataDir,
    postgres: { embeddedPort: await port() },
    cameras: { rtspPort: await port(), controlPort: await port() },
    simulator: { alarmsPerHour: 0 },
    backups: { enabled: false }, // a backup in the middle would disturb the figures
    centers: [
      {
        id: 'bl1',
        name: '基准省中心',
        tier: 1,
        lat: 26.07,
        lon: 119.3,
        httpPort: await port(),
        mqttPort: await port(),
      },
      {
        id: 'bl2',
        name: '基准市中心',
        tier: 2,
        parent: 'bl1',
        lat: 26.08,
        lon: 119.3,
        httpPort: await port(),
        mqttPort: await port(),
      },
    ],
    branches: [],
  };
  for (let i = 1; i <= branches; i++) {
    input.branches?.push({
      id: `bb-${String(i).padStart(3, '0')}`,
      name: `基准网点${i}`,
      center: 'bl2',
      lat: 26 + i / 1000,
      lon: 119.3 + i / 1000,
      agentPort: await port(),
    });
  }
  const topology = Topology.parse(input);
  const net = await startNetwork(topology, {
    serveWeb: false,
    startBranches: false,
    restart: false,
    env: { LOG_LEVEL: 'warn', ...options.env },
  });
  const silent = pino({ level: 'warn' });
  const agents: BranchAgent[] = [];
  try {
    for (const b of options.agents === false ? [] : net.branches.values()) {
      const raw = parse(await readFile(b.configFile, 'utf8')) as Record<string, unknown>;
      const config = AgentConfigSchema.parse({ ...raw, http: { enabled: false }, patrol: { intervalSec: 3600 } });
      const agent = new BranchAgent(config, { logger: silent });
      await agent.start();
      agents.push(agent);
    }
  } catch (error) {
    await Promise.all(agents.map((a) => a.stop()));
    await net.stop();
    throw error;
  }
  return {
    net,
    agents,
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      await net.stop();
    },
  };
}
