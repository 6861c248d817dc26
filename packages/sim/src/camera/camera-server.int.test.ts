import { spawn } from 'node:child_process';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCameraServer } from './camera-server.js';
import { decodeTimestamp } from './timestamp-code.js';

const W = 352;
const H = 288;
const FRAME = W * H;

interface Pulled {
  /** Decoded frames: the burned-in timestamp (or null) and our clock when the frame arrived. */
  frames: Array<{ luma: Buffer; ts: number | null; at: number }>;
  stderr: string;
  done: Promise<number | null>;
  stop: () => void;
}

/** Pulls a stream over RTSP/TCP with ffmpeg and decodes it to raw grey frames as they arrive. */
function pull(url: string, seconds?: number): Pulled {
  const limit = seconds === undefined ? [] : ['-t', String(seconds)];
  const child = spawn(ffmpeg.path, [
    '-hide_banner',
    '-rtsp_transport',
    'tcp',
    '-i',
    url,
    ...limit,
    // One output frame per received frame: no duplicates to make up a constant rate.
    '-vsync',
    'passthrough',
    '-map',
    '0:v',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    'pipe:1',
  ]);
  const result: Pulled = {
    frames: [],
    stderr: '',
    done: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    stop: () => {
      child.kill('SIGTERM');
    },
  };
  let pending = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= FRAME) {
      const luma = pending.subarray(0, FRAME);
      pending = pending.subarray(FRAME);
      result.frames.push({ luma, ts: decodeTimestamp(luma, W, H), at: Date.now() });
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    result.stderr += chunk.toString('utf8');
  });
  return result;
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Mean luma of each column over the middle rows: the test pattern's bars, away from the overlays. */
function columnProfile(luma: Buffer): number[] {
  const profile: number[] = [];
  for (let x = 0; x < W; x++) {
    let sum = 0;
    for (let y = 100; y < 230; y++) {
      sum += luma[y * W + x] ?? 0;
    }
    profile.push(sum / 130);
  }
  return profile;
}

function difference(a: Buffer, b: Buffer): number {
  const pa = columnProfile(a);
  const pb = columnProfile(b);
  return pa.reduce((sum, v, i) => sum + Math.abs(v - (pb[i] ?? 0)), 0) / pa.length;
}

describe('SimulatedCameraServer (real ffmpeg, real RTSP)', () => {
  const logs: string[] = [];
  const server = new SimulatedCameraServer({
    cameras: [{ id: 'cam' }, { id: 'cam2' }],
    idleStopMs: 1_000,
    log: (m) => logs.push(m),
  });

  const api = async (path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${server.controlUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('encodes only on demand and serves several players H.264 CIF 15 fps + AAC with a live timestamp', async () => {
    expect(server.encoderCount).toBe(0);
    const a = pull(server.streamUrl('cam', 'sub'), 3);
    await until('first frames of A', () => a.frames.length > 0);
    const b = pull(server.streamUrl('cam', 'sub'), 2);
    expect(server.encoderCount).toBe(1);
    const [codeA, codeB] = await Promise.all([a.done, b.done]);
    expect(codeA).toBe(0);
    expect(codeB).toBe(0);
    expect(a.stderr).toMatch(/Video: h264 \(Constrained Baseline\).*352x288.*15 fps/);
    expect(a.stderr).toMatch(/Audio: aac \(LC\), 48000 Hz, mono/);
    expect(a.frames.length).toBeGreaterThanOrEqual(38);
    expect(b.frames.length).toBeGreaterThanOrEqual(20);

    const stamped = a.frames.filter((f) => f.ts !== null);
    expect(stamped.length).toBeGreaterThanOrEqual(a.frames.length - 2);
    const times = stamped.map((f) => f.ts ?? 0);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]).toBeGreaterThan(times[i - 1] ?? 0);
    }
    // The first second includes the player's own start-up (probing): measure the steady state.
    const latencies = stamped
      .slice(15)
      .map((f) => f.at - (f.ts ?? 0))
      .sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Infinity;
    console.log(`latency camera → decoded frame: median ${median} ms, max ${latencies.at(-1)} ms`);
    expect(median).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(400);
    expect(b.frames.some((f) => f.ts !== null)).toBe(true);

    await until('the encoder to stop after the last player', () => server.encoderCount === 0, 10_000);
  });

  it('serves a player that arrives just as an idle encoder is stopping', async () => {
    const first = pull(server.streamUrl('cam', 'sub'));
    await until('frames of the first player', () => first.frames.length > 5);
    first.stop();
    // The idle stop has begun: the old encoder is still winding down its RTSP session.
    await until('the idle stop', () => server.encoderCount === 0, 10_000);
    const second = pull(server.streamUrl('cam', 'sub'));
    try {
      const asked = Date.now();
      await until('frames of the second player', () => second.frames.length > 5, 8_000);
      expect(Date.now() - asked).toBeLessThan(8_000);
    } finally {
      second.stop();
    }
  });

  it('moves the picture with PTZ left and returns with a preset goto', async () => {
    const c = pull(server.streamUrl('cam', 'sub'));
    try {
      await until('frames', () => c.frames.length > 10);
      const before = c.frames.at(-1)?.luma ?? Buffer.alloc(0);
      const n0 = c.frames.length;
      await until('a second of still frames', () => c.frames.length > n0 + 15);
      // The pattern barely changes on its own (the moving bits are small)…
      expect(difference(before, c.frames.at(-1)?.luma ?? Buffer.alloc(0))).toBeLessThan(15);
      expect((await api('/ptz/cam/preset', { op: 'set', preset: 7 })).status).toBe(200);

      const moved = await api('/ptz/cam', { action: 'left', speed: 0.3 });
      expect(moved.status).toBe(200);
      expect(moved.json.moving).toBe('left');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await api('/ptz/cam', { action: 'stop' })).status).toBe(200);
      const list = await api('/cameras');
      const cam = (list.json.cameras as Array<{ id: string; viewport: { cx: number } }>).find((x) => x.id === 'cam');
      expect(cam?.viewport.cx).toBeLessThan(0.5 - 0.12);
      const count = c.frames.length;
      await until('frames after the stop', () => c.frames.length > count + 8);
      const after = c.frames.at(-1)?.luma ?? Buffer.alloc(0);
      // …while a pan shifts the bars.
      expect(difference(before, after)).toBeGreaterThan(40);

      expect((await api('/ptz/cam/preset', { op: 'goto', preset: 7 })).json.viewport).toEqual({
        cx: 0.5,
        cy: 0.5,
        zoom: 2,
      });
      const count2 = c.frames.length;
      await until('frames after the goto', () => c.frames.length > count2 + 10);
      expect(difference(before, c.frames.at(-1)?.luma ?? Buffer.alloc(0))).toBeLessThan(25);
    } finally {
      c.stop();
      await c.done;
    }
  });

  it('answers bad control requests with 400, unknown cameras and presets with 404', async () => {
    const bad = await api('/ptz/cam', { action: 'sideways', speed: 3 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('bad_request');
    expect(String(bad.json.reason)).toMatch(/action/);
    expect(String(bad.json.reason)).toMatch(/speed/);
    expect((await api('/ptz/cam', '{not json')).status).toBe(400);
    expect((await api('/ptz/cam/preset', { op: 'goto', preset: 0 })).status).toBe(400);
    expect((await api('/ptz/nope', { action: 'left' })).status).toBe(404);
    expect((await api('/ptz/cam2/preset', { op: 'goto', preset: 9 })).json.error).toBe('unknown_preset');
    const list = await api('/cameras');
    expect(list.json.cameras).toHaveLength(2);
    expect(JSON.stringify(list.json)).toContain(`rtsp://127.0.0.1:${server.rtspPort}/cam2/main`);
  });
});
