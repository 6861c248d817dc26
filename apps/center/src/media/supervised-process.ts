import { spawn, type ChildProcess } from 'node:child_process';

/**
 * One external process kept running until told to stop: restarted with
 * exponential back-off when it exits, the tail of its stderr kept for the
 * logs and patrol, stopped cleanly. Generic on purpose (no center imports):
 * the agent's RTSP→RTMP pusher needs the same and this file can move to
 * packages/runtime unchanged.
 */

/** The subset of a pino logger used here. */
export interface ProcessLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next failure starts again at `initialMs`. */
  healthyAfterMs: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ranMs: number;
  stderrTail: string[];
}

export interface SupervisedProcessOptions {
  /** For the logs: `relay fzXsub`, `push cam1`. */
  name: string;
  command: string;
  /** Called before every start, so a restart can carry fresh arguments (a newly signed URL). */
  args: () => string[] | Promise<string[]>;
  log: ProcessLog;
  backoff?: Partial<BackoffOptions>;
  /** Lines of stderr kept. */
  stderrLines?: number;
  /** How long `q` on stdin (ffmpeg's own quit: it finishes the file/stream) and then SIGTERM each get. */
  stopGraceMs?: number;
  onStart?(pid: number | undefined): void;
  onExit?(exit: ProcessExit): void;
}

export type ProcessState = 'idle' | 'running' | 'waiting' | 'stopped';

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, healthyAfterMs: 10_000 };

/** The delay before restart number `attempt` (0-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(attempt: number, b: BackoffOptions): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
}

export class SupervisedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private wanted = false;
  private tail: string[] = [];
  private readonly backoff: BackoffOptions;
  private _state: ProcessState = 'idle';
  private _starts = 0;

  constructor(private readonly opts: SupervisedProcessOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  }

  get state(): ProcessState {
    return this._state;
  }

  /** How many times the process has been spawned. */
  get starts(): number {
    return this._starts;
  }

  stderrTail(): string[] {
    return [...this.tail];
  }

  start(): void {
    if (this.wanted) {
      return;
    }
    this.wanted = true;
    this.attempt = 0;
    this.launch();
  }

  /** Stops the process (`q`, then SIGTERM, then SIGKILL) and any pending restart; resolves once it has exited. */
  async stop(): Promise<void> {
    this.wanted = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const child = this.child;
    if (child) {
      const grace = this.opts.stopGraceMs ?? 2000;
      const gone = this.exited;
      const within = (ms: number): Promise<boolean> =>
        Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
      child.stdin?.end('q');
      if (!(await within(grace))) {
        child.kill('SIGTERM');
        if (!(await within(grace))) {
          child.kill('SIGKILL');
          await gone;
        }
      }
    }
    this._state = 'stopped';
  }

  /** spawn() itself can throw (bad arguments); that is one more failed start, not a crash. */
  private launch(): void {
    this.spawnOnce().catch((error: unknown) => {
      this.child = null;
      this.opts.log.warn({ name: this.opts.name, err: error }, 'process could not be started');
      this.scheduleRestart();
    });
  }

  private async spawnOnce(): Promise<void> {
    let args: string[];
    try {
      args = await this.opts.args();
    } catch (error) {
      this.opts.log.warn({ name: this.opts.name, err: error }, 'cannot prepare process arguments');
      this.scheduleRestart();
      return;
    }
    if (!this.wanted) {
      return;
    }
    const startedAt = Date.now();
    const child = spawn(this.opts.command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    this._starts += 1;
    this._state = 'running';
    // A process that dies before reading stdin makes `q` fail with EPIPE; that is not our problem.
    child.stdin?.on('error', () => undefined);
    let partial = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      this.keep(lines.filter((l) => l.trim() !== ''));
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (partial.trim() !== '') {
          this.keep([partial]);
        }
        this.child = null;
        const exit: ProcessExit = { code, signal, ranMs: Date.now() - startedAt, stderrTail: this.stderrTail() };
        this.opts.onExit?.(exit);
        if (this.wanted) {
          this.opts.log.warn(
            { name: this.opts.name, code, signal, ranMs: exit.ranMs, stderr: exit.stderrTail.slice(-5) },
            'process exited; restarting',
          );
          if (exit.ranMs >= this.backoff.healthyAfterMs) {
            this.attempt = 0;
          }
          this.scheduleRestart();
        }
        resolve();
      });
    });
    child.once('error', (error) => {
      // spawn failures (ENOENT) emit 'error' and then 'close'; the restart happens there.
      this.keep([`spawn error: ${error.message}`]);
    });
    this.opts.onStart?.(child.pid);
    this.opts.log.info({ name: this.opts.name, pid: child.pid }, 'process started');
  }

  private scheduleRestart(): void {
    if (!this.wanted) {
      return;
    }
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this._state = 'waiting';
    this.timer = setTimeout(() => {
      this.timer = null;
      this.launch();
    }, delay);
    this.timer.unref();
  }

  private keep(lines: string[]): void {
    const max = this.opts.stderrLines ?? 50;
    this.tail.push(...lines);
    if (this.tail.length > max) {
      this.tail.splice(0, this.tail.length - max);
    }
  }
}
