import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaServer } from './media-server.js';
import { MediaService } from './media-service.js';
import { createRelay } from './relay.js';
import { signToken, toQuery } from './signing.js';
import type { SupervisedProcess } from './supervised-process.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** One center's media side on free ports; `ensure` decides how a stream arrives. */
async function startCenter(ensure: (stream: string) => Promise<void>, release: (stream: string) => Promise<void>) {
  const secret = randomBytes(32);
  const upstreams: string[] = [];
  const holder: { service?: MediaService } = {};
  const server = await startMediaServer({
    host: '127.0.0.1',
    rtmpPort: 0,
    httpPort: 0,
    slowViewerBufferBytes: 1024 * 1024,
    log,
    authorize: (access, stream, query) => holder.service!.authorize(access, stream, query),
    onPlayStarted: (p) => holder.service!.playStarted(p),
    onPlayEnded: (p) => holder.service!.playEnded(p),
  });
  const service = new MediaService({
    secret,
    playBaseUrl: `http://127.0.0.1:${server.httpPort}`,
    relayBaseUrl: `http://127.0.0.1:${server.httpPort}`,
    publishBaseUrl: `rtmp://127.0.0.1:${server.rtmpPort}`,
    localRtmpPort: server.rtmpPort,
    playUrlTtlSec: 60,
    publishKeyTtlSec: 300,
    graceSec: 1,
    ensureUpstream: async (_key, stream) => {
      upstreams.push(`start ${stream}`);
      await ensure(stream);
    },
    releaseUpstream: async (_key, stream) => {
      upstreams.push(`stop ${stream}`);
      await release(stream);
    },
    disconnectViewers: (stream) => server.disconnectPlayers(stream),
    log,
  });
  holder.service = service;
  return { server, service, upstreams, secret };
}

/** A branch camera pushing: testsrc2 CIF@15, H.264 without B-frames and a 1 s GOP, AAC from a sine. */
function publish(url: string, seconds: number): ChildProcess {
  return spawn(
    ffmpeg.path,
    [
      ...['-hide_banner', '-loglevel', 'error', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=352x288:rate=15'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=44100'],
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
      ...['-g', '15', '-bf', '0', '-pix_fmt', 'yuv420p', '-b:v', '256k', '-c:a', 'aac', '-b:a', '32k'],
      ...['-f', 'flv', url],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
    } else {
      child.once('exit', (code) => resolve(code));
    }
  });

interface FlvRead {
  status: number;
  refused: string | undefined;
  bytes: number;
  h264Frames: number;
  keyframes: number;
  /** ms from the start of the read to the first H.264 frame. */
  firstFrameMs: number | null;
}

/**
 * Plays an HTTP-FLV URL like a browser's player would and counts the H.264
 * frames in it, until `frames` arrived or `maxMs` passed. `onOpen` runs once
 * the response headers are in (the player is registered by then).
 */
function playFlv(url: string, opts: { frames: number; maxMs: number; onOpen?: () => void }): Promise<FlvRead> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const result: FlvRead = {
      status: 0,
      refused: undefined,
      bytes: 0,
      h264Frames: 0,
      keyframes: 0,
      firstFrameMs: null,
    };
    let pending = Buffer.alloc(0);
    let headerDone = false;
    const req = get(url, (res) => {
      result.status = res.statusCode ?? 0;
      result.refused = res.headers['x-bsm-refused'] as string | undefined;
      opts.onOpen?.();
      res.on('data', (chunk: Buffer) => {
        result.bytes += chunk.length;
        pending = Buffer.concat([pending, chunk]);
        if (!headerDone && pending.length >= 13) {
          pending = pending.subarray(13); // FLV header + first PreviousTagSize
          headerDone = true;
        }
        while (headerDone && pending.length >= 11) {
          const size = pending.readUIntBE(1, 3);
          if (pending.length < 11 + size + 4) {
            break;
          }
          const type = pending[0];
          const b0 = pending[11]!;
          if (type === 9 && (b0 & 0x0f) === 7 && pending[12] === 1) {
            result.h264Frames += 1;
            result.keyframes += b0 >> 4 === 1 ? 1 : 0;
            result.firstFrameMs ??= Date.now() - started;
          }
          pending = pending.subarray(11 + size + 4);
        }
        if (result.h264Frames >= opts.frames) {
          finish();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    const timer = setTimeout(finish, opts.maxMs);
    function finish(): void {
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    }
    req.on('error', (error) => {
      clearTimeout(timer);
      if (result.status === 0) {
        reject(error);
      } else {
        resolve(result);
      }
    });
  });
}

async function until(what: string, check: () => boolean, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('media server with real node-media-server and ffmpeg', () => {
  let a: Awaited<ReturnType<typeof startCenter>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    a = await startCenter(
      () => Promise.resolve(),
      () => Promise.resolve(),
    );
  });
  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
    }
    await a?.service.close();
    await a?.server.close();
  });

  it('plays a published camera over HTTP-FLV from a signed URL, and counts the viewer while it watches', async () => {
    const grant = await a.service.requestPlay({ cameraId: 'fz-01.cam1', profile: 'sub', subject: 'u:alice' });
    expect(a.upstreams).toEqual(['start fz-01Dcam1Xsub']);
    // The player opens first (as a browser does while the branch starts pushing) and waits for the stream.
    const reading = playFlv(grant.url, { frames: 30, maxMs: 15_000 });
    await until('the viewer to be counted', () => a.service.viewerCount(grant.stream) === 1);
    const pushStarted = Date.now();
    const readStarted = Date.now();
    const pusher = publish(a.service.publishUrlFor(grant.stream), 5);
    children.push(pusher);
    const read = await reading;
    expect(read.status).toBe(200);
    expect(read.h264Frames).toBeGreaterThanOrEqual(30);
    expect(read.keyframes).toBeGreaterThanOrEqual(1);
    console.log(
      `publish start → first H.264 frame at the player: ${readStarted + read.firstFrameMs! - pushStarted} ms`,
    );

    await until('the viewer to leave', () => a.service.viewerCount(grant.stream) === 0);
    await until('the idle stream to stop its upstream', () => a.upstreams.includes('stop fz-01Dcam1Xsub'), 5000);
    expect(await exitOf(pusher)).toBe(0);
  });

  it('refuses a URL without a signature, an expired one, and one signed for another stream', async () => {
    const grant = await a.service.requestPlay({ cameraId: 'fz-01.cam2', profile: 'sub' });
    const pusher = publish(a.service.publishUrlFor(grant.stream), 8);
    children.push(pusher);
    // The stream is live: a valid URL gets pictures.
    expect((await playFlv(grant.url, { frames: 5, maxMs: 10_000 })).h264Frames).toBeGreaterThanOrEqual(5);

    const base = grant.url.split('?')[0]!;
    const expired = toQuery(signToken(a.secret, 'play', grant.stream, Math.floor(Date.now() / 1000) - 1));
    const other = await a.service.requestPlay({ cameraId: 'fz-01.cam3', profile: 'sub' });
    const cases: [string, string][] = [
      [base, 'unsigned'],
      [`${base}?${expired}`, 'expired'],
      [`${base}?${other.url.split('?')[1]}`, 'wrong_stream'],
      [
        `${base}?${grant.url.split('?')[1]!.replace(/&sig=([0-9a-f]{8})[0-9a-f]{64}/, '&sig=$1' + 'f'.repeat(64))}`,
        'bad_signature',
      ],
    ];
    for (const [url, reason] of cases) {
      const read = await playFlv(url, { frames: 1, maxMs: 3000 });
      expect({ status: read.status, refused: read.refused, frames: read.h264Frames, bytes: read.bytes }).toEqual({
        status: 403,
        refused: reason,
        frames: 0,
        bytes: 0,
      });
    }
    // A play token does not publish.
    const hijack = publish(`rtmp://127.0.0.1:${a.server.rtmpPort}/live/${grant.stream}?${grant.url.split('?')[1]}`, 3);
    children.push(hijack);
    expect(await exitOf(hijack)).not.toBe(0);
    pusher.kill('SIGKILL');
  });

  it('refuses a publish with a bad key: the pusher is cut off and no viewer gets its pictures', async () => {
    const grant = await a.service.requestPlay({ cameraId: 'fz-01.cam4', profile: 'main' });
    const good = a.service.publishUrlFor(grant.stream);
    const bad = good.replace(/sig=([0-9a-f]{8})[0-9a-f]{64}/, (_m, tag: string) => `sig=${tag}${'0'.repeat(64)}`);
    const pusher = publish(bad, 4);
    children.push(pusher);
    const read = await playFlv(grant.url, { frames: 1, maxMs: 4000 });
    expect(read.h264Frames).toBe(0);
    expect(await exitOf(pusher)).not.toBe(0);
    expect(a.server.publishing()).not.toContain(grant.stream);
  });

  it('relays a stream from a child center to its parent, where a viewer of the parent gets it', async () => {
    const relays = new Map<string, SupervisedProcess>();
    const parent = await startCenter(
      async (stream) => {
        // What the parent's wiring does: ask the child for a play URL (here directly) and pull it.
        const relay = createRelay({
          ffmpegPath: ffmpeg.path,
          stream,
          source: async () =>
            (await a.service.requestPlay({ cameraId: 'fz-02.cam1', profile: 'sub', subject: 'center:l1' })).url,
          target: () => parent.service.localPublishUrlFor(stream),
          log,
          backoff: { initialMs: 200, maxMs: 1000 },
        });
        relays.set(stream, relay);
        relay.start();
        await Promise.resolve();
      },
      async (stream) => {
        await relays.get(stream)?.stop();
        relays.delete(stream);
      },
    );
    try {
      const childPusher = publish(a.service.publishUrlFor('fz-02Dcam1Xsub'), 12);
      children.push(childPusher);
      const requested = Date.now();
      const grant = await parent.service.requestPlay({ cameraId: 'fz-02.cam1', profile: 'sub', subject: 'u:bob' });
      const readStarted = Date.now();
      const read = await playFlv(grant.url, { frames: 30, maxMs: 20_000 });
      expect(read.status).toBe(200);
      expect(read.h264Frames).toBeGreaterThanOrEqual(30);
      console.log(
        `relayed: play request at the parent → first H.264 frame: ${readStarted + read.firstFrameMs! - requested} ms`,
      );
      // The relay is one viewer at the child, whatever the parent's audience.
      expect(a.service.viewerCount('fz-02Dcam1Xsub')).toBe(1);
      await until('the parent to stop the relay after its grace', () =>
        parent.upstreams.includes('stop fz-02Dcam1Xsub'),
      );
      await until('the relay to leave the child', () => a.service.viewerCount('fz-02Dcam1Xsub') === 0);
    } finally {
      for (const r of relays.values()) {
        await r.stop();
      }
      await parent.service.close();
      await parent.server.close();
    }
  });
});
