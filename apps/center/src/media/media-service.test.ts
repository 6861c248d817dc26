import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaService } from './media-service.js';
import type { PlaySession } from './media-server.js';

const SECRET = Buffer.from('test secret, thirty-two bytes ok');
const T0 = Date.UTC(2025, 0, 1);
const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);

describe('media service', () => {
  let calls: string[];
  let failNext: Error | null;
  let service: MediaService;
  let cut: string[];
  const play = (id: string, stream = 'fz-1Dc1Xsub'): PlaySession => ({
    id,
    stream,
    protocol: 'flv',
    peer: '127.0.0.1:5000',
    sub: null,
  });

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    calls = [];
    cut = [];
    failNext = null;
    service = new MediaService({
      secret: SECRET,
      playBaseUrl: 'http://video.bank.local',
      relayBaseUrl: 'http://10.0.0.1:8000',
      publishBaseUrl: 'rtmp://10.0.0.1:1935',
      localRtmpPort: 19350,
      playUrlTtlSec: 60,
      publishKeyTtlSec: 300,
      graceSec: 15,
      ensureUpstream: async (key, stream) => {
        calls.push(`ensure ${key.cameraId}/${key.profile} ${stream}`);
        await Promise.resolve();
        if (failNext) {
          const e = failNext;
          failNext = null;
          throw e;
        }
      },
      releaseUpstream: async (_key, stream) => {
        calls.push(`release ${stream}`);
        await Promise.resolve();
      },
      disconnectViewers: (stream) => {
        cut.push(stream);
        return 2;
      },
      log: pino({ level: 'silent' }),
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
    });
  });
  afterEach(() => vi.useRealTimers());

  it('starts the upstream once for many viewers and returns signed, expiring play URLs', async () => {
    const a = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub', subject: 'u:alice' });
    const b = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub']);
    expect(a.stream).toBe('fz-1Dc1Xsub');
    expect(a.url).toMatch(
      /^http:\/\/video\.bank\.local\/live\/fz-1Dc1Xsub\.flv\?exp=\d+&sig=[0-9a-f]{72}&sub=u%3Aalice$/,
    );
    expect(a.expiresAt).toBe(new Date(T0 + 60_000).toISOString());
    expect(service.authorize('play', a.stream, queryOf(a.url))).toEqual({
      ok: true,
      sub: 'u:alice',
      exp: T0 / 1000 + 60,
    });
    expect(service.authorize('play', b.stream, queryOf(b.url)).ok).toBe(true);
    expect(service.authorize('play', a.stream, {})).toEqual({ ok: false, reason: 'unsigned' });
    expect(service.authorize('play', 'otherXsub', queryOf(a.url))).toEqual({ ok: false, reason: 'wrong_stream' });
    vi.advanceTimersByTime(61_000);
    expect(service.authorize('play', a.stream, queryOf(a.url))).toEqual({ ok: false, reason: 'expired' });
  });

  it("gives a parent center's relay the media server's own address, browsers the playing address", async () => {
    const relay = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub', subject: 'center:parent' });
    expect(relay.url).toMatch(/^http:\/\/10\.0\.0\.1:8000\/live\/fz-1Dc1Xsub\.flv\?/);
    const browser = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub', subject: 'u:alice' });
    expect(browser.url.startsWith('http://video.bank.local/live/')).toBe(true);
  });

  it('stops the upstream a grace period after the last viewer, not before', async () => {
    await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    service.playStarted(play('p1'));
    service.playStarted(play('p2'));
    service.playEnded(play('p1'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub']);
    service.playEnded(play('p2'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub', 'release fz-1Dc1Xsub']);
    expect(service.isDemanded('fz-1Dc1Xsub')).toBe(false);
  });

  it('stops the upstream of a URL nobody opened after the grace', async () => {
    await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub', 'release fz-1Dc1Xsub']);
  });

  it('passes an upstream failure to the requester and tries again on the next request', async () => {
    failNext = new Error('branch uplink budget full');
    await expect(service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' })).rejects.toThrow('budget full');
    expect(service.isDemanded('fz-1Dc1Xsub')).toBe(false);
    await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub', 'ensure fz-1.c1/sub fz-1Dc1Xsub']);
  });

  it('refuses a bad camera id before starting anything', async () => {
    await expect(service.requestPlay({ cameraId: '../etc', profile: 'sub' })).rejects.toThrow(/camera id/);
    expect(calls).toEqual([]);
  });

  it('gives publish keys that only publish, and lets a wanted stream be re-published after the key expired', async () => {
    const url = service.publishUrlFor('fz-1Dc1Xsub');
    expect(url).toMatch(/^rtmp:\/\/10\.0\.0\.1:1935\/live\/fz-1Dc1Xsub\?exp=\d+&sig=[0-9a-f]{72}$/);
    expect(service.localPublishUrlFor('aXmain')).toMatch(/^rtmp:\/\/127\.0\.0\.1:19350\/live\/aXmain\?/);
    const q = queryOf(url.replace('rtmp://', 'http://'));
    expect(service.authorize('publish', 'fz-1Dc1Xsub', q).ok).toBe(true);
    expect(service.authorize('play', 'fz-1Dc1Xsub', q)).toEqual({ ok: false, reason: 'bad_signature' });

    vi.advanceTimersByTime(301_000);
    expect(service.authorize('publish', 'fz-1Dc1Xsub', q)).toEqual({ ok: false, reason: 'expired' });
    await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    expect(service.authorize('publish', 'fz-1Dc1Xsub', q).ok).toBe(true);
    expect(service.authorize('publish', 'fz-1Dc1Xsub', { ...q, sig: q.sig!.replace(/.$/, 'x') }).ok).toBe(false);
  });

  it('refuses a still-valid URL once its stream went idle, so only a fresh request (through the budget) restarts it', async () => {
    const grant = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    expect(service.authorize('play', grant.stream, queryOf(grant.url)).ok).toBe(true);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(service.authorize('play', grant.stream, queryOf(grant.url))).toEqual({ ok: false, reason: 'not_open' });
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub', 'release fz-1Dc1Xsub']);
  });

  it('evicts a pre-empted stream at once: viewers cut, URLs void, upstream stopped without waiting for the grace', async () => {
    const grant = await service.requestPlay({ cameraId: 'fz-1.c1', profile: 'sub' });
    service.playStarted(play('p1'));
    expect(service.evict(grant.stream)).toBe(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(cut).toEqual(['fz-1Dc1Xsub']);
    expect(calls).toEqual(['ensure fz-1.c1/sub fz-1Dc1Xsub', 'release fz-1Dc1Xsub']);
    expect(service.isDemanded(grant.stream)).toBe(false);
    expect(service.authorize('play', grant.stream, queryOf(grant.url))).toEqual({ ok: false, reason: 'not_open' });
    // The media server then reports the cut viewer gone: no second stop after a grace.
    service.playEnded(play('p1'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(2);
  });

  it('stops every running upstream on close', async () => {
    await service.requestPlay({ cameraId: 'a', profile: 'main' });
    await service.requestPlay({ cameraId: 'b', profile: 'sub' });
    await service.close();
    expect(calls.slice(2).sort()).toEqual(['release aXmain', 'release bXsub']);
  });
});
