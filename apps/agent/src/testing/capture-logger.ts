import type { Logger } from '@bsm/runtime';

export interface LogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  [key: string]: unknown;
}

/**
 * A logger for tests that keeps every line in memory (bindings of child
 * loggers included), so a test can assert what an operator would read.
 * Set `echo` to also print them while debugging a test.
 */
export function captureLogger(echo = process.env.TEST_LOG === '1'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogLine['level']) =>
      (objOrMsg?: unknown, msg?: string): void => {
        const fields = typeof objOrMsg === 'object' && objOrMsg !== null ? (objOrMsg as Record<string, unknown>) : {};
        const text = typeof objOrMsg === 'string' ? objOrMsg : (msg ?? '');
        const line: LogLine = { ...bindings, ...fields, level, msg: text };
        lines.push(line);
        if (echo) {
          process.stderr.write(`${JSON.stringify(line, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
        }
      };
    const logger = {
      level: 'debug',
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      fatal: at('fatal'),
      child: (more: Record<string, unknown>) => make({ ...bindings, ...more }),
    };
    return logger as unknown as Logger;
  };
  return { logger: make({}), lines };
}
