import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  name: string;
  /** Arguments after `node`. */
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every output line is appended here. */
  logFile: string;
  /** Called for each output line (the launcher prints the important ones). */
  onLine?: (name: string, line: string) => void;
  /** Restart after an unexpected exit, with back-off. */
  restart: boolean;
}

/**
 * One child process of the network: output captured to a file, restarted
 * with back-off when it dies unexpectedly (a real site has systemd for
 * this), and stopped with SIGTERM, then SIGKILL if it does not exit in time.
 */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream;
  private stopping = false;
  private backoffMs = 1000;
  private restartTimer: NodeJS.Timeout | null = null;
  private exitWaiters: (() => void)[] = [];

  constructor(readonly spec: ProcessSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    this.stopping = false;
    const startedAt = Date.now();
    const child = spawn(process.execPath, this.spec.args, {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      // Its own process group: Ctrl-C reaches the launcher, which stops everything in order.
      // The IPC channel is the lifeline: if the launcher dies, the child sees it close and stops.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) {
        continue;
      }
      createInterface({ input: stream }).on('line', (line) => {
        this.log.write(`${line}\n`);
        this.spec.onLine?.(this.spec.name, line);
      });
    }
    child.on('exit', (code, signal) => {
      this.child = null;
      for (const resolve of this.exitWaiters.splice(0)) {
        resolve();
      }
      if (this.stopping || !this.spec.restart) {
        return;
      }
      // A process that ran for a while gets a fresh back-off; a crash loop backs off to 30 s.
      this.backoffMs = Date.now() - startedAt > 60_000 ? 1000 : Math.min(this.backoffMs * 2, 30_000);
      this.spec.onLine?.(
        this.spec.name,
        JSON.stringify({
          level: 50,
          msg: `exited (code ${code}, signal ${signal}); restarting in ${this.backoffMs / 1000} s`,
        }),
      );
      this.restartTimer = setTimeout(() => this.start(), this.backoffMs);
    });
  }

  private waitExit(): Promise<void> {
    return this.child ? new Promise((resolve) => this.exitWaiters.push(resolve)) : Promise.resolve();
  }

  /** Sends a signal without stopping supervision (SIGKILL here simulates a crash; it is restarted if `restart`). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const exited = this.waitExit();
    this.child?.kill(signal);
    await exited;
  }

  /** Stops and keeps it down: SIGTERM (SIGKILL after `timeoutMs`), or SIGKILL at once to simulate a crash. */
  async stop(timeoutMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    if (this.child) {
      const exited = this.waitExit();
      this.child.kill(signal);
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}

const LEVELS: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The message of a serialized error; the stack stays in the log file. */
function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    return String(err.message);
  }
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/** One readable line from a pino JSON line: `12:00:01 fz      info  center ready httpUrl=…`. */
export function formatLogLine(name: string, line: string): { level: number; text: string } {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { level: 30, text: `${new Date().toTimeString().slice(0, 8)} ${name.padEnd(12)} ${line}` };
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : new Date().toTimeString().slice(0, 8);
  const skip = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component', 'node', 'part']);
  const extras = Object.entries(entry)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${k === 'err' ? describeError(v) : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  return {
    level,
    text: `${time} ${name.padEnd(12)} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${msg}${extras ? `  ${extras}` : ''}`,
  };
}
