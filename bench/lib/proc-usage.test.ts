import { describe, expect, it } from 'vitest';
import { descendants, machineTicks, parseStat, processUsage } from './proc-usage.js';

describe('parseStat', () => {
  it('reads name, parent and CPU ticks, even from a name with spaces and parentheses', () => {
    const line = '4242 (node (worker) 1) S 17 4242 4242 0 -1 4194560 1000 0 0 0 250 31 0 0 20 0 11 0 500 0 0';
    expect(parseStat(line)).toEqual({ comm: 'node (worker) 1', ppid: 17, ticks: 281 });
  });
});

describe('descendants', () => {
  it('collects a process and everything below it, and nothing beside it', () => {
    const procs = new Map([
      [1, { ppid: 0 }],
      [10, { ppid: 1 }],
      [11, { ppid: 10 }],
      [12, { ppid: 11 }],
      [20, { ppid: 1 }],
    ]);
    expect(descendants(procs, 10)).toEqual(new Set([10, 11, 12]));
    expect(descendants(procs, 99)).toEqual(new Set());
  });
});

describe('this machine', () => {
  it('reads its own process and the machine totals', () => {
    expect(processUsage(process.pid).cpuSec).toBeGreaterThan(0);
    const m = machineTicks();
    expect(m.total).toBeGreaterThanOrEqual(m.busy);
  });
});
