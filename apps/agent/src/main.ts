import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, createLogger, loadConfig, onShutdown } from '@bsm/runtime';
import { BranchAgent } from './agent.js';
import { AgentConfigSchema, ENV_PREFIX, redactUrl, type AgentConfig } from './config.js';

const USAGE = `usage: tsx apps/agent/src/main.ts --config <file.yaml>    (or ${ENV_PREFIX}_CONFIG=<file.yaml>)

Every option can be overridden from the environment, sections separated by
double underscores: ${ENV_PREFIX}__UPLINK__URL=mqtts://center:8883, ${ENV_PREFIX}__HTTP__PORT=8701.
See apps/agent/README.md for the configuration reference.
`;

async function main(): Promise<void> {
  let values: { config?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  let config: AgentConfig;
  try {
    config = loadConfig(AgentConfigSchema, { file: values.config, envPrefix: ENV_PREFIX });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger('agent', { nodeId: config.node.id });
  const agent = new BranchAgent(config, { logger });
  onShutdown(logger, [() => agent.stop()]);
  try {
    await agent.start();
  } catch (error) {
    logger.fatal({ err: error }, 'agent failed to start');
    process.exit(1);
  }
  logger.info(
    {
      name: config.node.name,
      httpUrl: agent.httpUrl ?? null,
      uplink: redactUrl(config.uplink.url),
      dataDir: resolve(config.dataDir),
      outboxPending: agent.outbox.size,
      nextSeq: agent.outbox.nextSeq,
    },
    'agent started',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`agent: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
