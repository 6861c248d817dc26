import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, formatIssues, readConfigFile } from '@bsm/runtime';
import { DEMO_ARM_CODE, demoUsers } from './configs.js';
import { startNetwork, type NetworkHandle } from './network.js';
import { REPO_ROOT } from './paths.js';
import { formatLogLine } from './supervisor.js';
import { Topology } from './topology.js';
import { ensureWebBuilt } from './web-build.js';

const USAGE = `usage: npm start [-- --config <topology.yaml>] [--verbose]
  Starts a whole network on this machine: PostgreSQL, the centers with their
  brokers, the simulated branches and the web consoles. Ctrl-C stops it all.
  --config   topology file (default: config/demo-network.yaml)
  --verbose  print every log line, debug included`;

// Ctrl-C in `npm start | tee log` ends tee first: keep shutting down in order even if stdout is gone.
process.stdout.on('error', () => undefined);

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function loadTopology(file: string): Topology {
  const parsed = Topology.safeParse(readConfigFile(file));
  if (!parsed.success) {
    throw new ConfigError(file, formatIssues(parsed.error));
  }
  return parsed.data;
}

function banner(net: NetworkHandle): void {
  const t = net.topology;
  const lines = ['', `  ${t.name} is running.`, '', '  Consoles:'];
  for (const c of [...net.centers.values()].sort((a, b) => a.tier - b.tier || a.id.localeCompare(b.id))) {
    lines.push(`    ${'  '.repeat(c.tier - 1)}L${c.tier} ${c.name.padEnd(16)} ${c.url}`);
  }
  if (net.caCertFile) {
    lines.push(
      '',
      `  HTTPS with a CA made on this machine: ${net.caCertFile}`,
      '  Import it into the browser as a trusted authority (or accept the warning once per console).',
    );
  }
  lines.push('', `  Demo logins (password for all: ${t.demoPassword}):`);
  for (const c of t.centers) {
    lines.push(
      `    ${c.id.padEnd(4)} ${demoUsers(c, t.demoPassword)
        .map((u) => `${u.username} (${u.role})`)
        .join(', ')}`,
    );
  }
  const staff = t.branches[0] ? `${t.branches[0].id}-staff` : '<branch>-staff';
  lines.push(
    `    branch staff: <branch id>-staff at the branch's center (e.g. ${staff}); arming code ${DEMO_ARM_CODE}`,
  );
  lines.push(
    '',
    `  ${net.branches.size} simulated branches. Raise an alarm:  npm run alarm -- --branch ${t.branches[0]?.id ?? '<id>'} --type panic`,
    `  Logs: ${resolve(net.dataDir, 'logs')}     Ctrl-C stops everything.`,
    ...(t.backups.enabled
      ? [
          `  Backups: ${resolve(net.dataDir, 'backups')}/<center>, every ${t.backups.intervalMinutes} min, newest ${t.backups.keep} kept`,
        ]
      : []),
    '',
  );
  say(lines.join('\n'));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    say(USAGE);
    return;
  }
  const file = resolve(process.cwd(), values.config ?? resolve(REPO_ROOT, 'config/demo-network.yaml'));
  const topology = loadTopology(file);
  const minLevel = values.verbose ? 0 : 30;

  await ensureWebBuilt(say);
  const started = Date.now();
  const net = await startNetwork(topology, {
    onStatus: (m) => say(`» ${m}`),
    onLine: (name, line) => {
      const { level, text } = formatLogLine(name, line);
      if (level >= minLevel) {
        say(text);
      }
    },
  });
  say(`» network up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  banner(net);

  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    say('» stopping the network…');
    void net.stop().then(
      () => {
        say('» stopped');
        process.exit(0);
      },
      (error: unknown) => {
        say(`» error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  say(
    error instanceof ConfigError
      ? error.message
      : `cannot start the network: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
