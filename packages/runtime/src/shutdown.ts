import type { Logger } from 'pino';

type Closer = () => Promise<void> | void;

/**
 * Runs the closers in reverse order of registration on SIGINT/SIGTERM, once,
 * then exits. A second signal, or closers taking longer than `timeoutMs`,
 * forces the exit so a stuck resource never leaves an orphan process behind.
 */
export function onShutdown(logger: Logger, closers: Closer[], timeoutMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Not unref'd: a stop that hangs (a dead broker, a dead pipe) must still end the process.
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, timeoutMs);
    void (async () => {
      for (const close of [...closers].reverse()) {
        try {
          await close();
        } catch (error) {
          logger.error({ err: error }, 'error while shutting down');
        }
      }
      process.exit(0);
    })();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Started by a supervisor with an IPC channel (the launcher): when it dies, so do we — no orphans.
  // Its end of our stdout may be gone too; a failed log write must not stop the shutdown.
  if (process.connected) {
    process.once('disconnect', () => {
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
      stop('supervisor gone');
    });
  }
}
