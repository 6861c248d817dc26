import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of the CPU times in /proc, 100 on every Linux this runs on. */
const TICKS_PER_SEC = 100;

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux). */
export function processUsage(pid: number): { cpuSec: number; rssMb: number } {
  const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSec: stat.ticks / TICKS_PER_SEC, rssMb: rssKb / 1024 };
}

interface ProcStat {
  comm: string;
  ppid: number;
  /** user + system time, in ticks. */
  ticks: number;
}

/** One /proc/<pid>/stat line. The command name is in parentheses and may itself hold spaces and parentheses. */
export function parseStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  // After the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
  return {
    comm: line.slice(open + 1, close),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}

/** Every process now, by pid (those that vanish while being read are skipped). */
function allProcesses(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      out.set(Number(name), parseStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // Exited between the listing and the read.
    }
  }
  return out;
}

/** `root` and every process below it. */
export function descendants(procs: ReadonlyMap<number, Pick<ProcStat, 'ppid'>>, root: number): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(pid);
    children.set(p.ppid, list);
  }
  const out = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (procs.has(pid) && !out.has(pid)) {
      out.add(pid);
      stack.push(...(children.get(pid) ?? []));
    }
  }
  return out;
}

/** Busy and total CPU time of the whole machine, all cores, in ticks (the first line of /proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuShares {
  /** % of one core used by each named process (200 would be both cores of a 2-core machine). */
  named: Record<string, number>;
  /** % of one core used by the PostgreSQL server and its backends below `root`. */
  postgres: number;
  /**
   * % of one core the machine was busy beyond `root`'s process tree: other
   * programs (someone's tests) and kernel work not charged to a process. A
   * high figure means the run shared the machine.
   */
  other: number;
  /** How busy all cores were together, in % (100 = saturated). */
  machine: number;
}

/**
 * CPU use over a window, per process and for the whole process tree of
 * `root` (the bench: centers, PostgreSQL, the swarm), so a run that shared
 * the machine with other work can be told from one that did not.
 */
export class CpuWindow {
  private startTicks = new Map<number, number>();
  private startMachine = { busy: 0, total: 0 };
  private startedAt = 0;

  constructor(
    private readonly named: ReadonlyMap<string, number | undefined>,
    private readonly root: number = process.pid,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.startMachine = machineTicks();
    this.startTicks = new Map([...allProcesses()].map(([pid, p]) => [pid, p.ticks]));
  }

  stop(): CpuShares {
    const wallSec = (performance.now() - this.startedAt) / 1000;
    const machine = machineTicks();
    const procs = allProcesses();
    // A process started during the window used all its time in it; one that ended during it is not counted.
    const used = (pid: number): number => (procs.get(pid)?.ticks ?? 0) - (this.startTicks.get(pid) ?? 0);
    const pct = (ticks: number): number => Math.round((ticks / TICKS_PER_SEC / wallSec) * 1000) / 10;
    const ours = descendants(procs, this.root);
    let oursTicks = 0;
    let postgresTicks = 0;
    for (const pid of ours) {
      oursTicks += used(pid);
      postgresTicks += procs.get(pid)?.comm === 'postgres' ? used(pid) : 0;
    }
    const named: Record<string, number> = {};
    for (const [name, pid] of this.named) {
      if (pid !== undefined && procs.has(pid)) {
        named[name] = pct(used(pid));
      }
    }
    const busy = machine.busy - this.startMachine.busy;
    return {
      named,
      postgres: pct(postgresTicks),
      other: Math.max(0, pct(busy - oursTicks)),
      machine: Math.round((busy / (machine.total - this.startMachine.total)) * 1000) / 10,
    };
  }
}
