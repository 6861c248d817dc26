import { describe, expect, it } from 'vitest';
import { branchFor, RateSchedule } from './rate-schedule.js';

describe('RateSchedule', () => {
  it('spreads a storm evenly: 1000/s for 60 s is 60,000 alarms, one per millisecond', () => {
    const s = RateSchedule.of(1000, 60);
    expect(s.total).toBe(60_000);
    expect(s.dueAt(0)).toBe(0);
    expect(s.dueAt(1)).toBe(1);
    expect(s.dueAt(59_999)).toBe(59_999);
    expect(s.durationMs).toBe(59_999);
  });

  it('counts what is due by a given time, the first alarm at once', () => {
    const s = RateSchedule.of(200, 1);
    expect(s.dueBy(-1)).toBe(0);
    expect(s.dueBy(0)).toBe(1);
    expect(s.dueBy(4.9)).toBe(1);
    expect(s.dueBy(5)).toBe(2);
    expect(s.dueBy(999)).toBe(200);
  });

  it('never asks for more than the storm holds, however late the tick', () => {
    const s = RateSchedule.of(1000, 2);
    expect(s.dueBy(10 * 60_000)).toBe(2000);
  });

  it('makes every alarm due exactly at its slot, for rates whose slots are not whole milliseconds', () => {
    for (const rate of [3, 7, 333, 1000, 1234.5]) {
      const s = RateSchedule.of(rate, 3);
      for (let i = 0; i < s.total; i++) {
        expect(s.dueBy(s.dueAt(i))).toBeGreaterThanOrEqual(i + 1);
        if (i > 0) {
          expect(s.dueBy(s.dueAt(i) - 0.01)).toBe(i);
        }
      }
    }
  });

  it('refuses nonsense rates, durations and totals', () => {
    expect(() => RateSchedule.of(0, 60)).toThrow(/rate/);
    expect(() => RateSchedule.of(Number.NaN, 60)).toThrow(/rate/);
    expect(() => RateSchedule.of(1000, 0)).toThrow(/seconds/);
    expect(() => new RateSchedule(10, 1.5)).toThrow(/total/);
  });

  it('rounds a fractional total to whole alarms', () => {
    expect(RateSchedule.of(2.5, 3).total).toBe(8);
  });
});

describe('branchFor', () => {
  it('deals alarms round-robin, so each of 200 branches sends 5/s at 1000/s', () => {
    const perBranch = new Array<number>(200).fill(0);
    for (let i = 0; i < 1000; i++) {
      const b = branchFor(i, 200);
      perBranch[b] = (perBranch[b] ?? 0) + 1;
    }
    expect(new Set(perBranch)).toEqual(new Set([5]));
    expect(branchFor(0, 200)).toBe(0);
    expect(branchFor(201, 200)).toBe(1);
  });

  it('refuses an empty swarm', () => {
    expect(() => branchFor(0, 0)).toThrow(/branches/);
  });
});
