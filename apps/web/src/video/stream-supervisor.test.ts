import type { PlayResponse, StreamProfileName } from '@bsm/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import { reconnectDelayMs } from './reconnect-backoff';
import { StreamSupervisor, type StreamSnapshot, type StreamState } from './stream-supervisor';

describe('reconnect back-off', () => {
  it('waits 1, 2, 4, 8 s, then 10 s at most', () => {
    expect([0, 1, 2, 3, 4, 5, 20, 1000].map(reconnectDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });
});

/** A fake center and player: play answers are queued per test; progress is moved by hand. */
function harness(answers: (() => Promise<PlayResponse>)[]) {
  const states: StreamState[] = [];
  const requests: { at: number; profile: StreamProfileName | undefined }[] = [];
  const opened: string[] = [];
  let destroyed = 0;
  let progress = 0;
  let fail: ((reason: string) => void) | null = null;
  let last: StreamSnapshot | null = null;
  const supervisor = new StreamSupervisor({
    requestPlay: (profile) => {
      requests.push({ at: Date.now(), profile });
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error('no answer queued')) : answer();
    },
    open: (url, onFail) => {
      opened.push(url);
      fail = onFail;
      return {
        progress: () => progress,
        destroy: () => {
          destroyed += 1;
        },
      };
    },
    preferredProfile: () => 'main',
    onChange: (snapshot) => {
      last = snapshot;
      if (states.at(-1) !== snapshot.state) {
        states.push(snapshot.state);
      }
    },
  });
  return {
    supervisor,
    states,
    requests,
    opened,
    destroyed: () => destroyed,
    advanceFrames: (by = 40) => {
      progress += by;
    },
    failStream: (reason: string) => fail?.(reason),
    snapshot: () => last,
  };
}

const granted =
  (n: number, profile: StreamProfileName = 'main') =>
  () =>
    Promise.resolve<PlayResponse>({
      cameraId: 'cam-1',
      profile,
      url: `/live/cam-1.flv?sig=${n}`,
      expiresAt: '2030-01-01T00:00:00.000Z',
      kbps: 768,
    });
const refused =
  (status: number, code: string, message = code) =>
  () =>
    Promise.reject(new ApiRequestError(status, code, message));

/** Lets the fake play promise settle, then runs timers for `ms`. */
async function run(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('StreamSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects, then plays once frames advance', async () => {
    const h = harness([granted(1)]);
    h.supervisor.start();
    await run(0);
    expect(h.opened).toEqual(['/live/cam-1.flv?sig=1']);
    expect(h.snapshot()?.state).toBe('connecting');
    h.advanceFrames();
    await run(500);
    expect(h.snapshot()).toMatchObject({ state: 'playing', profile: 'main', requestedProfile: 'main' });
  });

  it('shows a stall after 1.5 s without frames and recovers by itself with a fresh URL after 3 s', async () => {
    const h = harness([granted(1), granted(2)]);
    h.supervisor.start();
    await run(0);
    h.advanceFrames();
    await run(500);
    // Frames stop.
    await run(1_500);
    expect(h.snapshot()?.state).toBe('stalled');
    await run(1_500);
    expect(h.snapshot()?.state).toBe('reconnecting');
    expect(h.destroyed()).toBe(1);
    await run(1_000);
    expect(h.opened).toEqual(['/live/cam-1.flv?sig=1', '/live/cam-1.flv?sig=2']);
    h.advanceFrames();
    await run(500);
    expect(h.states).toEqual(['connecting', 'playing', 'stalled', 'reconnecting', 'playing']);
    expect(h.snapshot()?.attempt).toBe(0);
  });

  it('returns to playing when frames resume during a stall', async () => {
    const h = harness([granted(1)]);
    h.supervisor.start();
    await run(0);
    h.advanceFrames();
    await run(2_000);
    expect(h.snapshot()?.state).toBe('stalled');
    h.advanceFrames();
    await run(500);
    expect(h.snapshot()?.state).toBe('playing');
    expect(h.destroyed()).toBe(0);
  });

  it('reconnects at once on a player error or the end of the stream, backing off 1, 2, 4 s', async () => {
    const h = harness([granted(1), granted(2), granted(3), granted(4)]);
    h.supervisor.start();
    await run(0);
    h.failStream('NetworkError: UnrecoverableEarlyEof');
    expect(h.snapshot()).toMatchObject({ state: 'reconnecting', error: { code: 'stream' } });
    await run(999);
    expect(h.requests).toHaveLength(1);
    await run(1);
    expect(h.requests).toHaveLength(2);
    h.failStream('stream ended');
    await run(2_000);
    expect(h.requests).toHaveLength(3);
    h.failStream('stream ended');
    await run(3_999);
    expect(h.requests).toHaveLength(3);
    await run(1);
    expect(h.requests.map((request) => request.at)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(h.destroyed()).toBe(3);
  });

  it('gives up on a stream that shows no frame within 10 s of opening', async () => {
    const h = harness([granted(1), granted(2)]);
    h.supervisor.start();
    await run(10_000);
    expect(h.snapshot()?.state).toBe('reconnecting');
    await run(1_000);
    expect(h.opened).toHaveLength(2);
  });

  it('shows a refused play request as an error and retries a full link with back-off', async () => {
    const h = harness([refused(409, 'link_full'), refused(409, 'link_full'), granted(1, 'sub')]);
    h.supervisor.start();
    await run(0);
    expect(h.snapshot()).toMatchObject({ state: 'error', error: { code: 'link_full', retry: true } });
    await run(1_000);
    expect(h.snapshot()?.state).toBe('error');
    await run(2_000);
    expect(h.opened).toHaveLength(1);
    h.advanceFrames();
    await run(500);
    expect(h.snapshot()).toMatchObject({ state: 'playing', profile: 'sub', requestedProfile: 'main', error: null });
  });

  it('does not retry a camera outside the jurisdiction', async () => {
    const h = harness([refused(403, 'outside_jurisdiction')]);
    h.supervisor.start();
    await run(60_000);
    expect(h.requests).toHaveLength(1);
    expect(h.snapshot()).toMatchObject({ state: 'error', error: { code: 'outside_jurisdiction', retry: false } });
  });

  it('stops everything on stop: no player, no timer, no late answer', async () => {
    let resolveLate: ((value: PlayResponse) => void) | undefined;
    const h = harness([() => new Promise<PlayResponse>((resolve) => (resolveLate = resolve))]);
    h.supervisor.start();
    h.supervisor.stop();
    resolveLate?.({ cameraId: 'cam-1', profile: 'main', url: '/late', expiresAt: '2030-01-01T00:00:00.000Z', kbps: 1 });
    await run(30_000);
    expect(h.opened).toEqual([]);
    expect(h.snapshot()?.state).toBe('idle');
  });
});
