import { spawn, type ChildProcess } from 'node:child_process';

export interface SupervisedEncoderOptions {
  ffmpegPath: string;
  /** Called on every (re)start, so a restart picks up the current viewport. */
  args: () => string[];
  /** Called with a message when the encoder dies and is restarted. */
  onRestart?: (info: { code: number | null; signal: string | null; delayMs: number; stderr: string[] }) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Lines of stderr kept for diagnostics. */
const STDERR_LINES = 40;
/** A run this long counts as healthy: the back-off starts over after it. */
const HEALTHY_RUN_MS = 30_000;
/** Time ffmpeg gets to finish after `q` before it is killed. */
const STOP_GRACE_MS = 3_000;

/**
 * One ffmpeg encoder, kept running until `stop()`: when it dies it is
 * restarted with exponential back-off. Its stdin stays open for ffmpeg's
 * interactive commands (`c<target> <time> <command> <arg>`), which is how PTZ
 * reaches the running filter graph, and for `q`, the clean stop.
 */
export class SupervisedEncoder {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs: number;
  private startedAt = 0;
  private readonly tail: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  restarts = 0;

  constructor(private readonly options: SupervisedEncoderOptions) {
    this.backoffMs = options.initialBackoffMs ?? 500;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines ffmpeg wrote to stderr. */
  get stderr(): string[] {
    return [...this.tail];
  }

  start(): void {
    this.stopping = false;
    if (this.child === undefined && this.restartTimer === undefined) {
      this.spawn();
    }
  }

  /** Sends one filter command to the running ffmpeg; lost if it is not running (a restart uses the current state anyway). */
  command(line: string): void {
    const stdin = this.child?.stdin;
    if (stdin && stdin.writable) {
      stdin.write(`c${line}\n`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    const child = this.child;
    if (child === undefined) {
      return;
    }
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    if (child.stdin?.writable === true) {
      child.stdin.write('q');
    } else {
      child.kill('SIGTERM');
    }
    await this.exited;
    clearTimeout(killer);
  }

  private spawn(): void {
    const child = spawn(this.options.ffmpegPath, this.options.args(), { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    this.startedAt = Date.now();
    child.stdin.on('error', () => undefined);
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() !== '') {
          this.tail.push(line);
        }
      }
      this.tail.splice(0, Math.max(0, this.tail.length - STDERR_LINES));
    });
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.tail.push(`spawn error: ${error.message}`);
      });
      child.on('close', (code, signal) => {
        this.child = undefined;
        resolve();
        if (this.stopping) {
          return;
        }
        if (Date.now() - this.startedAt > HEALTHY_RUN_MS) {
          this.backoffMs = this.options.initialBackoffMs ?? 500;
        }
        const delayMs = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 10_000);
        this.restarts += 1;
        this.options.onRestart?.({ code, signal, delayMs, stderr: this.stderr });
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (!this.stopping) {
            this.spawn();
          }
        }, delayMs);
      });
    });
  }
}
