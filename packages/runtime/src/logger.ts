import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines to stdout (one object per event, ready for a log shipper).
 * `LOG_LEVEL` overrides the level; every line carries the component name so
 * the interleaved output of `npm start` stays readable.
 */
export function createLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { component, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
