import { parseArgs } from 'node:util';
import { ConfigError, createLogger, hashSecret, loadConfig, newSecret, onShutdown } from '@bsm/runtime';
import { startCenter } from './app.js';
import { CenterConfig } from './config.js';
import { createDb, migrateToLatest } from './db/database.js';

const USAGE = `usage:
  center [--config <file>]          start a center (config also from BSM_CENTER_CONFIG and BSM_CENTER__* variables)
  center check-config --config <f>  validate a config file and exit
  center migrate --config <f>       bring the database schema up to date and exit (run as the database owner)
  center new-node-secret <nodeId>   make a node credential: prints the secret for the node and the line for the credentials file`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...rest] = positionals;

  if (command === 'new-node-secret') {
    const nodeId = rest[0];
    if (!nodeId) {
      throw new Error(`new-node-secret needs a node id\n${USAGE}`);
    }
    const secret = newSecret();
    console.log(`secret for ${nodeId} (give it to the node, store nowhere else):\n  ${secret}`);
    console.log(`line for the center's credentials file:\n  ${nodeId}:${await hashSecret(secret)}`);
    return;
  }

  const config = loadConfig(CenterConfig, { file: values.config, envPrefix: 'BSM_CENTER' });
  if (command === 'check-config') {
    console.log(`configuration of ${config.node.id} is valid`);
    return;
  }
  if (command === 'migrate') {
    // In production the center's own role may not change the schema (docs/audit.md): the owner migrates.
    const db = createDb(config.database.url, 1);
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'the schema is up to date');
    } finally {
      await db.destroy();
    }
    return;
  }
  if (command !== undefined) {
    throw new Error(`unknown command "${command}"\n${USAGE}`);
  }

  const log = createLogger('center', { node: config.node.id });
  const center = await startCenter(config, log);
  process.on('SIGHUP', () => center.reloadCredentials());
  onShutdown(log, [() => center.close()]);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
