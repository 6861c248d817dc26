import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/wait.js';
import { freePort } from '../../../../test/support/ports.js';
import { BranchAgent } from '../agent.js';
import { AgentConfigSchema } from '../config.js';
import { startTestBroker, TestCenter, type TestBroker } from '../testing/broker.js';
import { captureLogger } from '../testing/capture-logger.js';
import {
  startTestCamera,
  startTestMediaServer,
  TestPlayer,
  type TestCamera,
  type TestMediaServer,
} from '../testing/media.js';
import { StreamPusher } from './stream-pusher.js';

/*
 * Real parts only: an RTSP camera (ffmpeg test pattern behind an RTSP server), the agent's ffmpeg push, a real
 * node-media-server, and ffmpeg players reading RTMP back from it.
 */

let camera: TestCamera;
let media: TestMediaServer;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  [camera, media] = await Promise.all([startTestCamera(), startTestMediaServer()]);
});

afterAll(async () => {
  await Promise.all([camera?.close(), media?.close()]);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

function player(url: string): TestPlayer {
  const p = new TestPlayer(url);
  cleanups.push(() => p.stop());
  return p;
}

/** The player receives nothing more: its frame count stays put for 1.5 s (or it exited). */
async function framesStop(p: TestPlayer, what: string): Promise<void> {
  let last = -1;
  let steadySince = Date.now();
  await waitFor(
    what,
    () => {
      if (p.frames !== last) {
        last = p.frames;
        steadySince = Date.now();
      }
      return p.exited || Date.now() - steadySince >= 1_500;
    },
    10_000,
  );
}

/** Frames keep arriving at the player: its count goes up by `n` from now. */
async function framesFlow(p: TestPlayer, what: string, timeoutMs = 10_000, n = 15): Promise<void> {
  const from = p.frames;
  await waitFor(what, () => p.frames >= from + n, timeoutMs);
}

describe('StreamPusher (RTSP → ffmpeg -c copy → RTMP)', () => {
  function pusher(cameraUrl: string | undefined = camera.rtspUrl): StreamPusher {
    const log = captureLogger();
    const p = new StreamPusher({
      camera: (id) => (id === 'b1.cam' ? { rtsp: { main: cameraUrl, sub: undefined, transport: 'auto' } } : undefined),
      logger: log.logger,
      backoff: { initialMs: 500, maxMs: 2_000, stableMs: 5_000 },
      ioTimeoutMs: 3_000,
      maxFailures: 3,
    });
    cleanups.push(() => p.stopAll());
    return p;
  }

  it('pushes H.264 that a player receives; stop ends it; a killed ffmpeg is back within 5 s', async () => {
    const streams = pusher();
    const url = `${media.rtmpBase}/live/b1-cam-main?key=k1`;
    const first = await streams.start('b1.cam', 'main', url, 10_000);
    expect(first).toMatchObject({ cameraId: 'b1.cam', profile: 'main', state: 'running', restarts: 0 });

    const viewer = player(`${media.rtmpBase}/live/b1-cam-main`);
    await framesFlow(viewer, 'frames at the first player');
    expect(viewer.videoLine).toMatch(/Video: h264/);

    // One -c copy push, as ps sees it (reported, not asserted: it depends on the machine).
    const pid = streams.pid('b1.cam', 'main') as number;
    const cpuTicks = (): number => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
    };
    const before = cpuTicks();
    await new Promise((r) => setTimeout(r, 3_000));
    const cpuPct = (cpuTicks() - before) / 3; // ticks per second = percent of one core
    const ps = execFileSync('ps', ['-o', '%cpu=,rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    console.log(`push ffmpeg pid ${pid}: ${cpuPct.toFixed(1)} % of a core over 3 s; ps %cpu rss_kb = ${ps}`);

    // Idempotent: the same URL keeps the same ffmpeg.
    await streams.start('b1.cam', 'main', url);
    expect(streams.pid('b1.cam', 'main')).toBe(pid);

    // Kill the push mid-stream: the supervisor restarts it and frames flow out of the agent again within 5 s
    // ("running" = ffmpeg's frame count going up), and a viewer (re)connecting gets them from the media server.
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor('the push to notice', () => streams.status('b1.cam', 'main')?.state === 'restarting', 3_000);
    await waitFor('frames flowing again', () => streams.status('b1.cam', 'main')?.state === 'running', 5_000);
    console.log(`push running again ${Date.now() - killedAt} ms after SIGKILL`);
    const again = player(`${media.rtmpBase}/live/b1-cam-main`);
    await framesFlow(again, 'frames at a player after the restart');
    expect(streams.status('b1.cam', 'main')).toMatchObject({ state: 'running', restarts: 1 });
    expect(streams.status('b1.cam', 'main')?.lastError).toMatch(/SIGKILL/);

    // Stop: the push ends, and so does the stream at the player.
    expect(await streams.stop('b1.cam', 'main')).toBe(true);
    expect(await streams.stop('b1.cam', 'main')).toBe(false);
    expect(streams.statuses()).toEqual([]);
    await framesStop(again, 'the player to stop receiving');
  });

  it('a different URL restarts the push to the new destination', async () => {
    const streams = pusher();
    await streams.start('b1.cam', 'main', `${media.rtmpBase}/live/one`, 10_000);
    const pid = streams.pid('b1.cam', 'main');
    const status = await streams.start('b1.cam', 'main', `${media.rtmpBase}/live/two`, 10_000);
    expect(status.state).toBe('running');
    expect(streams.pid('b1.cam', 'main')).not.toBe(pid);
    await framesFlow(player(`${media.rtmpBase}/live/two`), 'frames at the new destination');
  });

  it('reports a camera that is down as restarting, then failed, with a clear error, and does not crash', async () => {
    const deadPort = await freePort();
    const streams = pusher(`rtsp://admin:secret@127.0.0.1:${deadPort}/cam`);
    const status = await streams.start('b1.cam', 'main', `${media.rtmpBase}/live/dead`, 5_000);
    expect(status.state).toBe('restarting');
    expect(status.lastError).toMatch(/Connection refused/);
    expect(status.lastError).not.toContain('secret');
    await waitFor('the push to give up', () => streams.status('b1.cam', 'main')?.state === 'failed', 15_000);
    expect(streams.status('b1.cam', 'main')?.restarts).toBe(2);
    expect(streams.status('b1.cam', 'main')?.lastError).toMatch(/refused/);
  });

  it('refuses an unknown camera and a profile without an RTSP URL with distinct codes', async () => {
    const streams = pusher();
    await expect(streams.start('b1.nope', 'main', `${media.rtmpBase}/live/x`)).rejects.toMatchObject({
      code: 'unknown_camera',
    });
    await expect(streams.start('b1.cam', 'sub', `${media.rtmpBase}/live/x`)).rejects.toMatchObject({
      code: 'no_stream',
      message: 'camera "b1.cam" has no RTSP URL for the sub stream (rtsp.sub)',
    });
  });
});

describe('stream and PTZ commands through the agent', () => {
  let broker: TestBroker;
  let ptzServer: Server;
  const ptzCalls: Array<{ path: string; body: unknown }> = [];
  let agent: BranchAgent;
  let center: TestCenter;
  let dataDir: string;
  const nodeId = `media-${Math.random().toString(36).slice(2, 7)}`;

  beforeAll(async () => {
    broker = await startTestBroker();
    // Plays the simulated camera's control API: records each call, 404 for other cameras, 400 for bad bodies.
    ptzServer = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      req.on('end', () => {
        const path = req.url ?? '';
        if (req.method !== 'POST' || !path.startsWith(`/ptz/${nodeId}.dome`)) {
          res.writeHead(404).end('unknown camera');
          return;
        }
        try {
          ptzCalls.push({ path, body: JSON.parse(raw) });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end('bad json');
        }
      });
    });
    await new Promise<void>((resolve) => ptzServer.listen(0, '127.0.0.1', resolve));
    const address = ptzServer.address();
    const ptzPort = typeof address === 'object' && address ? address.port : 0;
    dataDir = mkdtempSync(join(tmpdir(), 'bsm-agent-media-'));
    const config = AgentConfigSchema.parse({
      node: { id: nodeId, name: '媒体测试网点', lat: 26.08, lon: 119.3 },
      uplink: { url: broker.url, protocolVersion: broker.protocolVersion, reconnectMs: 100 },
      dataDir,
      http: { enabled: false },
      patrol: { intervalSec: 3600 },
      cameras: [
        { id: `${nodeId}.cam`, name: '营业厅', rtsp: { main: camera.rtspUrl, transport: 'auto' } },
        {
          id: `${nodeId}.dome`,
          name: '球机',
          ptz: { kind: 'simulated', controlUrl: `http://127.0.0.1:${ptzPort}` },
        },
      ],
    });
    center = await TestCenter.connect(broker, nodeId);
    agent = new BranchAgent(config, { logger: captureLogger().logger });
    await agent.start();
    await waitFor('the agent online', () => agent.status().connected);
  });

  afterAll(async () => {
    await agent?.stop();
    await center?.clearRetained();
    await center?.close();
    await new Promise<void>((resolve) => ptzServer.close(() => resolve()));
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts and stops a push on command, and reports it in patrol', async () => {
    const url = `${media.rtmpBase}/live/${nodeId}-cam-main?key=k2`;
    const started = await center.command('stream.start', { cameraId: `${nodeId}.cam`, profile: 'main', url });
    expect(started).toMatchObject({ ok: true, result: { state: 'running', restarts: 0 } });
    const viewer = player(`${media.rtmpBase}/live/${nodeId}-cam-main`);
    await framesFlow(viewer, 'frames pushed on command');

    const report = await agent.patrolReport();
    expect(report.streams).toEqual([
      expect.objectContaining({ cameraId: `${nodeId}.cam`, profile: 'main', state: 'running' }),
    ]);

    const stopped = await center.command('stream.stop', { cameraId: `${nodeId}.cam`, profile: 'main' });
    expect(stopped).toMatchObject({ ok: true, result: { stopped: true } });
    await framesStop(viewer, 'the player to stop receiving');
    expect((await agent.patrolReport()).streams).toEqual([]);
    expect(center.invalid).toEqual([]);
  });

  it('moves a simulated PTZ camera and stops it by itself after timeoutMs', async () => {
    ptzCalls.length = 0;
    const moved = await center.command('ptz.move', {
      cameraId: `${nodeId}.dome`,
      action: 'left',
      speed: 0.6,
      timeoutMs: 500,
    });
    expect(moved).toMatchObject({ ok: true, result: { action: 'left', speed: 0.6, autoStopMs: 500 } });
    await waitFor('the automatic stop', () => ptzCalls.length === 2, 3_000);
    expect(ptzCalls).toEqual([
      { path: `/ptz/${nodeId}.dome`, body: { action: 'left', speed: 0.6 } },
      { path: `/ptz/${nodeId}.dome`, body: { action: 'stop' } },
    ]);
    const preset = await center.command('ptz.preset', { cameraId: `${nodeId}.dome`, op: 'goto', preset: 7 });
    expect(preset).toMatchObject({ ok: true, result: { op: 'goto', preset: 7 } });
    expect(ptzCalls.at(-1)).toEqual({ path: `/ptz/${nodeId}.dome/preset`, body: { op: 'goto', preset: 7 } });
  });

  it.each([
    [
      'an unknown camera',
      'stream.start',
      { cameraId: 'x.nope', profile: 'main', url: 'rtmp://h/live/x' },
      'unknown_camera',
    ],
    [
      'a profile without RTSP',
      'stream.start',
      { cameraId: '@.cam', profile: 'sub', url: 'rtmp://h/live/x' },
      'no_stream',
    ],
    ['a bad PTZ action', 'ptz.move', { cameraId: '@.dome', action: 'spin' }, 'invalid_args'],
    ['PTZ on a fixed camera', 'ptz.move', { cameraId: '@.cam', action: 'left' }, 'no_ptz'],
    ['PTZ on an unknown camera', 'ptz.preset', { cameraId: '@.ghost', op: 'goto', preset: 1 }, 'unknown_camera'],
  ])('refuses %s with a clear code', async (_what, name, args, code) => {
    const resolved = { ...args, cameraId: args.cameraId.replace('@', nodeId) };
    const reply = await center.command(name, resolved);
    expect(reply).toMatchObject({ ok: false, error: { code } });
    expect(reply.error?.message.length).toBeGreaterThan(10);
  });
});
