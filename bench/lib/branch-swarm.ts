/**
 * Branch swarm: hundreds of simulated branches (MQTT connections) in one
 * child process, driven over IPC by a bench.
 *
 * Why a child process: the bench's own process holds the officer's console
 * (socket.io client) and stamps each alarm's arrival with `Date.now()`. If
 * 200 MQTT connections, their acks and a 1000/s generator shared its event
 * loop, an arrival would wait behind generator work and be stamped late, and
 * a busy generator tick would delay both sides of the measurement at once.
 * In its own process the swarm has its own event loop and heap (its GC
 * pauses do not stop the console), the kernel schedules it like any other
 * branch host, and its CPU can be read apart from the center's in /proc. A
 * worker thread would also separate the loops, but not the accounting, and
 * tsx loads a forked child with no extra set-up. Creation and arrival times
 * are both wall-clock milliseconds of the same machine.
 *
 * `startBranchSwarm()` (the bench side) forks this file; run as a script it
 * is the swarm itself, answering the commands of {@link SwarmCommand}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentConfigSchema } from '@bsm/agent';
import { parse } from 'yaml';
import { z } from 'zod';
import { branchFor, RateSchedule } from './rate-schedule.js';
import { SimBranch, type SimBranchStats } from './sim-branch.js';
import { percentile } from './stats.js';

/** One alarm the swarm raised: what the bench needs to find it at the console and in the database. */
export const SentRecord = z.strictObject({
  id: z.string(),
  origin: z.string(),
  seq: z.number(),
  /** `Date.now()` when the branch created it (its `occurredAt`, to the millisecond). */
  createdAt: z.number(),
  /** How late it was raised behind its slot in the schedule, in ms (a generator falling behind would hide latency). */
  lagMs: z.number(),
});
export type SentRecord = z.infer<typeof SentRecord>;

const SwarmStats = z.strictObject({
  branches: z.number(),
  added: z.number(),
  sent: z.number(),
  resent: z.number(),
  acked: z.number(),
  refused: z.number(),
  connects: z.number(),
  disconnects: z.number(),
  commands: z.number(),
  malformed: z.number(),
  /** Alarms still waiting for the center's ack. */
  unacked: z.number(),
});
export type SwarmStats = z.infer<typeof SwarmStats>;

/** Bench → swarm. */
export const SwarmCommand = z.discriminatedUnion('type', [
  /** Connect one simulated branch per agent config file (as the launcher provisioned them). */
  z.strictObject({ type: z.literal('connect'), configFiles: z.array(z.string()).min(1), timeoutMs: z.number() }),
  /** Raise `rate` alarms/s for `seconds`, round-robin over the branches, checking the schedule every `tickMs`. */
  z.strictObject({ type: z.literal('storm'), rate: z.number(), seconds: z.number(), tickMs: z.number() }),
  /** Wait until every alarm is acknowledged, at most `timeoutMs`. */
  z.strictObject({ type: z.literal('drain'), timeoutMs: z.number() }),
  /** Publish `offline` statuses, disconnect cleanly and exit. */
  z.strictObject({ type: z.literal('stop') }),
]);
export type SwarmCommand = z.infer<typeof SwarmCommand>;

/** Swarm → bench. */
export const SwarmReport = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('connected'), branches: z.number(), ms: z.number() }),
  /** Sent every few hundred ms during a storm, and once at its end before `stormDone`. */
  z.strictObject({ type: z.literal('sent'), alarms: z.array(SentRecord) }),
  z.strictObject({
    type: z.literal('stormDone'),
    alarms: z.number(),
    /** From the first alarm raised to the last. */
    seconds: z.number(),
    lagP99Ms: z.number(),
    lagMaxMs: z.number(),
  }),
  z.strictObject({ type: z.literal('drained'), stats: SwarmStats }),
  z.strictObject({ type: z.literal('failed'), message: z.string() }),
]);
export type SwarmReport = z.infer<typeof SwarmReport>;
type ReportOf<T extends SwarmReport['type']> = Extract<SwarmReport, { type: T }>;

const SOFTWARE = { name: 'bsm-bench-swarm', version: '0.1.0' };
/** How often the swarm hands its ledger of raised alarms to the bench during a storm. */
const SENT_FLUSH_MS = 250;
/** Warnings printed before the swarm only counts them: a lost center would otherwise print 200 lines a second. */
const MAX_WARNINGS = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The swarm itself (in the child process). */
export class BranchSwarm {
  private warnings = 0;

  private constructor(readonly branches: SimBranch[]) {}

  /** One simulated branch per agent config file, with the credentials the launcher provisioned for it. */
  static async load(configFiles: string[]): Promise<BranchSwarm> {
    const swarm = new BranchSwarm([]);
    for (const file of configFiles) {
      const config = AgentConfigSchema.parse(parse(await readFile(file, 'utf8')));
      const { password, passwordFile } = config.uplink;
      const secret =
        password ??
        (passwordFile === undefined ? undefined : (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, ''));
      swarm.branches.push(
        new SimBranch({ config, password: secret, software: SOFTWARE, warn: (id, m) => swarm.warn(id, m) }),
      );
    }
    return swarm;
  }

  /** Connects every branch; resolves when all sessions are set up (status, catalog, subscription). */
  async connect(timeoutMs: number): Promise<void> {
    const ready = this.branches.map(
      (b) => new Promise<void>((resolve) => (b.connected ? resolve() : b.once('ready', () => resolve()))),
    );
    for (const b of this.branches) {
      b.start();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const missing = this.branches.filter((b) => !b.connected).map((b) => b.nodeId);
        reject(
          new Error(
            `${missing.length} branches not connected after ${timeoutMs} ms: ${missing.slice(0, 10).join(', ')}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(ready), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Raises the storm: alarm i is due i/rate s after the start and goes to
   * branch i mod n. Each tick raises everything due by then, so a late tick
   * catches up rather than lowering the rate, and each alarm's lag behind its
   * slot is recorded.
   */
  async storm(
    rate: number,
    seconds: number,
    tickMs: number,
    onSent: (records: SentRecord[]) => void,
  ): Promise<ReportOf<'stormDone'>> {
    const schedule = RateSchedule.of(rate, seconds);
    const lags: number[] = [];
    let ledger: SentRecord[] = [];
    let lastFlush = performance.now();
    const t0 = performance.now();
    let next = 0;
    while (next < schedule.total) {
      const due = schedule.dueBy(performance.now() - t0);
      for (; next < due; next++) {
        const branch = this.branches[branchFor(next, this.branches.length)] as SimBranch;
        const createdAt = Date.now();
        const lagMs = performance.now() - t0 - schedule.dueAt(next);
        const alarm = branch.raise(next, new Date(createdAt));
        lags.push(lagMs);
        ledger.push({ id: alarm.id, origin: alarm.origin, seq: alarm.seq, createdAt, lagMs: Math.round(lagMs) });
      }
      if (performance.now() - lastFlush >= SENT_FLUSH_MS) {
        onSent(ledger);
        ledger = [];
        lastFlush = performance.now();
      }
      if (next < schedule.total) {
        await sleep(tickMs);
      }
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    onSent(ledger);
    return {
      type: 'stormDone',
      alarms: next,
      seconds: sendSeconds,
      lagP99Ms: Math.round(percentile(lags, 99)),
      lagMaxMs: Math.round(lags.reduce((m, v) => Math.max(m, v), 0)),
    };
  }

  /** Waits until the center has acknowledged every alarm, or `timeoutMs` has passed. */
  async drain(timeoutMs: number): Promise<SwarmStats> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.branches.some((b) => b.outbox.size > 0)) {
      await sleep(100);
    }
    return this.stats();
  }

  stats(): SwarmStats {
    const zero: Omit<SwarmStats, 'branches' | 'unacked'> = {
      added: 0,
      sent: 0,
      resent: 0,
      acked: 0,
      refused: 0,
      connects: 0,
      disconnects: 0,
      commands: 0,
      malformed: 0,
    };
    const sum = this.branches.reduce((acc, b) => {
      const s: SimBranchStats = b.stats;
      for (const key of Object.keys(acc) as (keyof typeof acc)[]) {
        acc[key] += s[key];
      }
      return acc;
    }, zero);
    return { branches: this.branches.length, ...sum, unacked: this.branches.reduce((n, b) => n + b.outbox.size, 0) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.branches.map((b) => b.stop()));
  }

  private warn(nodeId: string, message: string): void {
    this.warnings += 1;
    if (this.warnings <= MAX_WARNINGS) {
      process.stderr.write(`branch-swarm ${nodeId}: ${message}\n`);
    } else if (this.warnings === MAX_WARNINGS + 1) {
      process.stderr.write('branch-swarm: more warnings follow; counting them silently\n');
    }
  }
}

/** The bench's handle on the swarm child process. */
export class BranchSwarmProcess {
  /** Called with each batch of raised alarms during a storm. */
  onSent: (records: SentRecord[]) => void = () => undefined;
  private waiter: { type: SwarmReport['type']; resolve: (r: SwarmReport) => void; reject: (e: Error) => void } | null =
    null;
  private exited: Promise<void>;
  private exitError: Error | null = null;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => this.onMessage(raw));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitError = new Error(`branch swarm exited (code ${code}, signal ${signal})`);
        this.waiter?.reject(this.exitError);
        this.waiter = null;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Connects one branch per agent config file; resolves with the time it took. */
  async connect(configFiles: string[], timeoutMs = 120_000): Promise<number> {
    return (await this.request({ type: 'connect', configFiles, timeoutMs }, 'connected')).ms;
  }

  storm(rate: number, seconds: number, tickMs = 2): Promise<ReportOf<'stormDone'>> {
    return this.request({ type: 'storm', rate, seconds, tickMs }, 'stormDone');
  }

  async drain(timeoutMs: number): Promise<SwarmStats> {
    return (await this.request({ type: 'drain', timeoutMs }, 'drained')).stats;
  }

  /** Disconnects every branch cleanly and waits for the process to exit (killing it if it hangs). */
  async stop(): Promise<void> {
    if (this.exitError) {
      return;
    }
    try {
      this.child.send({ type: 'stop' } satisfies SwarmCommand);
    } catch {
      // The IPC channel is already closed: the child is on its way out.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  private request<T extends SwarmReport['type']>(command: SwarmCommand, type: T): Promise<ReportOf<T>> {
    if (this.exitError) {
      return Promise.reject(this.exitError);
    }
    if (this.waiter) {
      return Promise.reject(new Error(`branch swarm is busy waiting for "${this.waiter.type}"`));
    }
    return new Promise<ReportOf<T>>((resolve, reject) => {
      this.waiter = { type, resolve: (r) => resolve(r as ReportOf<T>), reject };
      this.child.send(command);
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = SwarmReport.safeParse(raw);
    if (!parsed.success) {
      this.waiter?.reject(new Error(`branch swarm sent an unknown message: ${parsed.error.message}`));
      this.waiter = null;
      return;
    }
    const report = parsed.data;
    if (report.type === 'sent') {
      this.onSent(report.alarms);
      return;
    }
    const waiter = this.waiter;
    if (report.type === 'failed') {
      this.waiter = null;
      waiter?.reject(new Error(`branch swarm: ${report.message}`));
    } else if (waiter?.type === report.type) {
      this.waiter = null;
      waiter.resolve(report);
    }
  }
}

/** Forks the swarm process; its stdout goes to our stderr, so only the bench's result line is on stdout. */
export function startBranchSwarm(): BranchSwarmProcess {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout?.pipe(process.stderr);
  return new BranchSwarmProcess(child);
}

/** The child process: answers the bench's commands one at a time. */
function runChild(): void {
  let swarm: BranchSwarm | null = null;
  const send = (report: SwarmReport): void => {
    process.send?.(report);
  };
  const handle = async (command: SwarmCommand): Promise<void> => {
    switch (command.type) {
      case 'connect': {
        const started = Date.now();
        swarm = await BranchSwarm.load(command.configFiles);
        await swarm.connect(command.timeoutMs);
        return send({ type: 'connected', branches: swarm.branches.length, ms: Date.now() - started });
      }
      case 'storm':
        if (!swarm) {
          throw new Error('storm before connect');
        }
        return send(
          await swarm.storm(command.rate, command.seconds, command.tickMs, (alarms) => send({ type: 'sent', alarms })),
        );
      case 'drain':
        if (!swarm) {
          throw new Error('drain before connect');
        }
        return send({ type: 'drained', stats: await swarm.drain(command.timeoutMs) });
      case 'stop':
        // The bench waits for the exit itself.
        await swarm?.stop();
        return process.exit(0);
    }
  };
  process.on('message', (raw) => {
    const parsed = SwarmCommand.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'failed', message: `unknown command: ${parsed.error.message}` });
      return;
    }
    handle(parsed.data).catch((error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The bench died or gave up: leave no orphan holding 200 connections.
  process.once('disconnect', () => {
    void (swarm?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runChild();
}
