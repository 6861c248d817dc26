import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/*
 * A supervisor for one external process (ffmpeg here; the center's relay needs the same). Deliberately free of
 * agent imports so it can move to packages/runtime unchanged.
 */

export type SupervisedState =
  /** Not started, or stopped on request. */
  | 'stopped'
  /** The child is alive. */
  | 'running'
  /** The child exited; waiting before the next start. */
  | 'backoff'
  /** `stop()` in progress: quit, then SIGTERM, then SIGKILL. */
  | 'stopping'
  /** Gave up after `maxFailures` unstable runs in a row. */
  | 'failed';

export interface BackoffOptions {
  /** Wait before the first restart. */
  initialMs?: number;
  /** Longest wait between restarts. */
  maxMs?: number;
  /** Growth of the wait per unstable run in a row. */
  factor?: number;
  /** A run this long counts as stable: the next wait starts from `initialMs` again. */
  stableMs?: number;
}

export interface StopOptions {
  /** Written to stdin to ask for a clean exit (ffmpeg: `q` finishes the output properly); null to skip. */
  input?: string | null;
  /** Time for the child to obey `input` before SIGTERM. */
  graceMs?: number;
  /** Time for the child to obey SIGTERM before SIGKILL. */
  termMs?: number;
}

export interface SupervisedProcessOptions {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  backoff?: BackoffOptions;
  /** Unstable runs in a row after which the supervisor gives up (state `failed`). Default: never. */
  maxFailures?: number;
  /** Stderr lines kept for diagnostics. */
  stderrLines?: number;
  stop?: StopOptions;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How long this run lasted. */
  ranMs: number;
  /** True when the exit was asked for by `stop()`. */
  requested: boolean;
}

export interface SupervisedProcessEvents {
  state: [state: SupervisedState];
  spawn: [pid: number, attempt: number];
  stdout: [line: string];
  stderr: [line: string];
  exit: [info: ExitInfo];
  /** The next start is scheduled after `delayMs`; `failures` unstable runs in a row so far. */
  backoff: [delayMs: number, failures: number];
}

// A push that dies after running well (a camera reboot, a dropped link) is back within a second; one that keeps
// failing backs off to a retry every 30 s.
const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 250, maxMs: 30_000, factor: 2, stableMs: 30_000 };
const DEFAULT_STOP: Required<StopOptions> = { input: 'q', graceMs: 2_000, termMs: 3_000 };
/** Longer lines are cut: a process spewing binary on stderr must not grow our memory. */
const MAX_LINE = 1_000;

/**
 * Runs a command, restarts it with exponential back-off when it exits, keeps its last stderr lines, and stops it
 * cleanly. Events and a state for reporting; no policy about what the output means (see `recycle()` for callers
 * that watch the output and decide a live child is stuck).
 */
export class SupervisedProcess extends EventEmitter<SupervisedProcessEvents> {
  private child: ChildProcess | undefined;
  private currentState: SupervisedState = 'stopped';
  private stateSince = new Date();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private spawns = 0;
  private startedAt = 0;
  private readonly lines: string[] = [];
  private lastProblem: string | undefined;
  private recycleReason: string | undefined;
  private exited: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly backoffOptions: Required<BackoffOptions>;
  private readonly stopOptions: Required<StopOptions>;

  constructor(private readonly options: SupervisedProcessOptions) {
    super();
    this.backoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.stopOptions = { ...DEFAULT_STOP, ...options.stop };
  }

  get state(): SupervisedState {
    return this.currentState;
  }

  /** When the current state began. */
  get since(): Date {
    return this.stateSince;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts after the first: how many times the child was started again. */
  get restarts(): number {
    return Math.max(0, this.spawns - 1);
  }

  /** Unstable runs in a row (reset by a stable run). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The last stderr lines, oldest first. */
  get stderrTail(): readonly string[] {
    return this.lines;
  }

  /** Why the last run ended, in words: the last stderr line, or the exit code/signal, or the recycle reason. */
  get lastError(): string | undefined {
    return this.lastProblem;
  }

  /** Starts the child (no-op unless stopped or failed). */
  start(): void {
    if (this.currentState !== 'stopped' && this.currentState !== 'failed') {
      return;
    }
    this.failures = 0;
    this.stopping = undefined;
    this.spawnChild();
  }

  /**
   * Kills a child that is alive but useless (e.g. no output progress) so it restarts through the normal back-off;
   * `reason` becomes `lastError`.
   */
  recycle(reason: string): void {
    if (this.currentState === 'running' && this.child) {
      this.recycleReason = reason;
      this.child.kill('SIGKILL');
    }
  }

  /** Stops the child and every pending restart: `stop.input` on stdin, then SIGTERM, then SIGKILL. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) {
      this.setState('stopped');
      return;
    }
    this.setState('stopping');
    const { input, graceMs, termMs } = this.stopOptions;
    if (input !== null && child.stdin?.writable) {
      child.stdin.end(input);
      if (await settlesWithin(exited, graceMs)) {
        return;
      }
    }
    child.kill('SIGTERM');
    if (await settlesWithin(exited, termMs)) {
      return;
    }
    child.kill('SIGKILL');
    await exited;
  }

  private spawnChild(): void {
    this.spawns += 1;
    this.startedAt = Date.now();
    this.recycleReason = undefined;
    const child = spawn(this.options.command, this.options.args, {
      env: this.options.env,
      cwd: this.options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (done) {
          return;
        }
        done = true;
        this.onExit(child, code, signal, spawnError);
        resolve();
      };
      // 'error' alone when the command cannot be spawned (ENOENT…); 'close' once stdio is drained otherwise.
      child.once('error', (error) => finish(null, null, error));
      child.once('close', (code, signal) => finish(code, signal));
    });
    // A child that exits before reading stdin would otherwise raise EPIPE on our side.
    child.stdin?.on('error', () => undefined);
    splitLines(child.stdout, (line) => this.emit('stdout', line));
    splitLines(child.stderr, (line) => {
      this.lines.push(line);
      if (this.lines.length > (this.options.stderrLines ?? 50)) {
        this.lines.shift();
      }
      this.emit('stderr', line);
    });
    this.setState('running');
    if (child.pid !== undefined) {
      this.emit('spawn', child.pid, this.spawns);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    if (this.child !== child) {
      return;
    }
    this.child = undefined;
    const ranMs = Date.now() - this.startedAt;
    const requested = this.currentState === 'stopping';
    this.emit('exit', { code, signal, ranMs, requested });
    if (requested) {
      this.setState('stopped');
      return;
    }
    const how = spawnError
      ? `cannot start: ${spawnError.message}`
      : signal
        ? `killed by ${signal}`
        : `exit code ${code}`;
    const lastLine = this.lines.at(-1);
    this.lastProblem = this.recycleReason ?? (lastLine !== undefined && !spawnError ? `${lastLine} (${how})` : how);
    this.failures = ranMs >= this.backoffOptions.stableMs ? 1 : this.failures + 1;
    const max = this.options.maxFailures;
    if (max !== undefined && this.failures >= max) {
      this.setState('failed');
      return;
    }
    const { initialMs, maxMs, factor } = this.backoffOptions;
    const delayMs = Math.min(maxMs, initialMs * factor ** (this.failures - 1));
    this.setState('backoff');
    this.emit('backoff', delayMs, this.failures);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.currentState === 'backoff') {
        this.spawnChild();
      }
    }, delayMs);
  }

  private setState(state: SupervisedState): void {
    if (state !== this.currentState) {
      this.currentState = state;
      this.stateSince = new Date();
      this.emit('state', state);
    }
  }
}

/** Calls `onLine` for each line (LF, CRLF or lone CR: progress meters use CR) of a child's output stream. */
function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) {
    return;
  }
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split(/\r\n|\r|\n/);
    pending = parts.pop() ?? '';
    if (pending.length > MAX_LINE) {
      parts.push(pending);
      pending = '';
    }
    for (const part of parts) {
      if (part.length > 0) {
        onLine(part.slice(0, MAX_LINE));
      }
    }
  });
  stream.on('end', () => {
    if (pending.length > 0) {
      onLine(pending.slice(0, MAX_LINE));
    }
  });
}

/** True if `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
