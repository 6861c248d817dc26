import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { ApiError, PlayResponse } from '@bsm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/** Frames a player decodes from a URL in `seconds` (ffmpeg as the player). */
function framesFrom(url: string, seconds: number): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(
      ffmpeg.path,
      ['-hide_banner', '-nostats', '-t', String(seconds), '-i', url, '-map', '0:v', '-f', 'null', '-'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('exit', () => {
      const m = /frame=\s*(\d+)/g;
      let last = 0;
      for (let r = m.exec(err); r; r = m.exec(err)) {
        last = Number(r[1]);
      }
      resolve(last);
    });
  });
}

/**
 * Live video through real processes: an officer at a city center asks to
 * watch a branch camera; the center admits it on the branch link's budget,
 * the branch agent pulls the simulated camera's RTSP and pushes it to the
 * center's media server, and a player gets the stream from a signed URL.
 */
describe('live video from a branch camera to an officer', () => {
  let net: NetworkHandle;
  let dir: string;
  let cookie = '';
  let base = '';
  let farm = '';

  const play = (cameraId: string, body: object = { profile: 'sub' }): Promise<Response> =>
    fetch(`${base}/api/cameras/${cameraId}/play`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });

  const encoding = async (cameraId: string): Promise<boolean> => {
    const res = (await (await fetch(`${farm}/cameras`)).json()) as {
      cameras: { id: string; streams: Record<string, { encoding: boolean }> }[];
    };
    return Object.values(res.cameras.find((c) => c.id === cameraId)?.streams ?? {}).some((s) => s.encoding);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-video-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const controlPort = await port();
    const topology = Topology.parse({
      name: 'video test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'vp',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'vc',
          name: '福州分行安防监控中心',
          tier: 2,
          parent: 'vp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        {
          id: 'vb',
          name: '鼓楼支行营业部',
          center: 'vc',
          lat: 26.08,
          lon: 119.29,
          agentPort: await port(),
          kit: 'vault',
        },
      ],
    });
    // A short grace so the test sees the branch stop pushing after the last viewer (or relay) leaves.
    net = await startNetwork(topology, {
      serveWeb: false,
      restart: false,
      env: { LOG_LEVEL: 'warn', BSM_CENTER__MEDIA__GRACE_SEC: '3' },
    });
    base = net.centers.get('vc')?.url ?? '';
    farm = `http://127.0.0.1:${controlPort}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vc-op', password: topology.demoPassword }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await waitFor(
      'branch catalog at the center',
      async () => (await fetch(`${base}/api/nodes/vb`, { headers: { cookie } })).ok,
      30_000,
    );
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays a camera on demand from a signed URL, and refuses the URL unsigned', async () => {
    expect(await encoding('vb.cam-counter')).toBe(false);
    const res = await play('vb.cam-counter');
    expect(res.status).toBe(200);
    const grant = (await res.json()) as PlayResponse;
    expect(grant.profile).toBe('sub');
    expect(await framesFrom(grant.url, 3)).toBeGreaterThanOrEqual(20); // CIF at 15 fps
    expect(await encoding('vb.cam-counter')).toBe(true);
    expect((await fetch(grant.url.split('?')[0] ?? '')).status).toBe(403);
  });

  it('serves the sub-stream when the main one does not fit the branch link', async () => {
    const res = await play('vb.cam-vault', { profile: 'main' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as PlayResponse).profile).toBe('sub');
  });

  it('refuses a third CIF stream on a branch whose budget holds two, saying who uses the link', async () => {
    const res = await play('vb.cam-hall');
    expect(res.status).toBe(409);
    const body = (await res.json()) as ApiError;
    expect(body.error.code).toBe('link_full');
    expect(body.error.link?.capacityKbps).toBe(1000);
    expect(body.error.link?.streams.map((s) => s.cameraId).sort()).toEqual(['vb.cam-counter', 'vb.cam-vault']);
    expect(body.error.link?.streams.every((s) => s.heldBy === 'vc-op@vc')).toBe(true);
  });

  it('steers a PTZ camera and refuses a fixed one', async () => {
    const ptz = (cameraId: string, body: object): Promise<Response> =>
      fetch(`${base}/api/cameras/${cameraId}/ptz`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
    expect((await ptz('vb.cam-hall', { kind: 'move', action: 'left', speed: 1 })).status).toBe(204);
    const moving = (await (await fetch(`${farm}/cameras`)).json()) as { cameras: { id: string; moving: unknown }[] };
    expect(moving.cameras.find((c) => c.id === 'vb.cam-hall')?.moving).toBeTruthy();
    expect((await ptz('vb.cam-hall', { kind: 'move', action: 'stop' })).status).toBe(204);
    const fixed = await ptz('vb.cam-counter', { kind: 'move', action: 'left' });
    expect(fixed.status).toBe(409);
    expect(((await fixed.json()) as ApiError).error.code).toBe('no_ptz');
    expect((await ptz('vb.cam-hall', { kind: 'move', action: 'spin' })).status).toBe(400);
  });

  it('relays a branch camera to the provincial center, one copy over the city link', async () => {
    const parent = net.centers.get('vp')?.url ?? '';
    const login = await fetch(`${parent}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vp-op', password: net.topology.demoPassword }),
    });
    const parentCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await waitFor(
      'branch catalog at the provincial center',
      async () => (await fetch(`${parent}/api/nodes/vb`, { headers: { cookie: parentCookie } })).ok,
      30_000,
    );
    const ask = (): Promise<Response> =>
      fetch(`${parent}/api/cameras/vb.cam-counter/play`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: parentCookie },
        body: JSON.stringify({ profile: 'sub' }),
      });
    const first = await ask();
    expect(first.status).toBe(200);
    const grant = (await first.json()) as PlayResponse;
    expect(grant.url.startsWith(`http://127.0.0.1:`)).toBe(true);
    expect(await framesFrom(grant.url, 3)).toBeGreaterThanOrEqual(20);
    // A second officer at the provincial center shares the relayed stream.
    expect((await ask()).status).toBe(200);
  });

  it('stops the branch pushing once nobody has watched for the grace period', async () => {
    await waitFor('the counter camera no longer pulled', async () => !(await encoding('vb.cam-counter')), 30_000, 250);
    // The link is free again: a new stream is admitted.
    expect((await play('vb.cam-hall')).status).toBe(200);
  });
});
