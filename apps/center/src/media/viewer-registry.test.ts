import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ViewerRegistry } from './viewer-registry.js';

describe('viewer registry', () => {
  let events: string[];
  let registry: ViewerRegistry;

  beforeEach(() => {
    vi.useFakeTimers();
    events = [];
    registry = new ViewerRegistry({
      graceMs: 15_000,
      onFirstDemand: (s) => events.push(`start ${s}`),
      onIdle: (s) => events.push(`idle ${s}`),
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
    });
  });
  afterEach(() => {
    registry.close();
    vi.useRealTimers();
  });

  it('starts a stream on its first viewer only, and stops it a grace period after the last leaves', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerJoined('a', 'v2');
    expect(events).toEqual(['start a']);
    expect(registry.viewerCount('a')).toBe(2);

    registry.viewerLeft('a', 'v1');
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start a']);

    registry.viewerLeft('a', 'v2');
    vi.advanceTimersByTime(14_999);
    expect(events).toEqual(['start a']);
    expect(registry.isDemanded('a')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['start a', 'idle a']);
    expect(registry.isDemanded('a')).toBe(false);
  });

  it('keeps the stream when a viewer comes back within the grace', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerLeft('a', 'v1');
    vi.advanceTimersByTime(10_000);
    registry.viewerJoined('a', 'v3');
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start a']);
    registry.viewerLeft('a', 'v3');
    vi.advanceTimersByTime(15_000);
    expect(events).toEqual(['start a', 'idle a']);
  });

  it('starts again on a viewer after the stream went idle', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerLeft('a', 'v1');
    vi.advanceTimersByTime(15_000);
    registry.viewerJoined('a', 'v2');
    expect(events).toEqual(['start a', 'idle a', 'start a']);
  });

  it('lets a reservation that nobody uses expire after the grace, and refreshes it on a new one', () => {
    registry.reserve('a');
    vi.advanceTimersByTime(10_000);
    registry.reserve('a');
    vi.advanceTimersByTime(10_000);
    expect(events).toEqual(['start a']);
    vi.advanceTimersByTime(5_000);
    expect(events).toEqual(['start a', 'idle a']);
  });

  it('does not let a reservation shorten the life of a watched stream', () => {
    registry.viewerJoined('a', 'v1');
    registry.reserve('a');
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start a']);
    expect(registry.viewerCount('a')).toBe(1);
  });

  it('ignores a repeated leave, a leave of an unknown viewer and a repeated join', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerJoined('a', 'v1');
    registry.viewerJoined('a', 'v2');
    registry.viewerLeft('a', 'v1');
    registry.viewerLeft('a', 'v1');
    registry.viewerLeft('a', 'nobody');
    registry.viewerLeft('b', 'v1');
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start a']);
    expect(registry.viewerCount('a')).toBe(1);
  });

  it('counts streams independently', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerJoined('b', 'v1');
    registry.viewerLeft('a', 'v1');
    vi.advanceTimersByTime(15_000);
    expect(events).toEqual(['start a', 'start b', 'idle a']);
    expect(registry.demandedStreams()).toEqual(['b']);
  });

  it('fires nothing after close', () => {
    registry.viewerJoined('a', 'v1');
    registry.viewerLeft('a', 'v1');
    registry.close();
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start a']);
  });
});
