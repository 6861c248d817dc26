import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import pg from 'pg';
import { signIn, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import {
  allows,
  API_ROUTES,
  ROLE_PERMISSIONS,
  ROLES,
  routeKey,
  type ApiError,
  type PlayResponse,
  type Role,
} from '@bsm/protocol';
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

/** A viewer that keeps reading an HTTP-FLV stream until the server ends it (or `stop`). */
function holdStream(url: string): { bytes: () => number; ended: Promise<void>; stop: () => void } {
  const abort = new AbortController();
  let bytes = 0;
  const ended = (async () => {
    try {
      const res = await fetch(url, { signal: abort.signal });
      const reader = res.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        bytes += (r.value as Uint8Array).byteLength;
      }
    } catch {
      // aborted by the test, or cut by the server
    }
  })();
  return { bytes: () => bytes, ended, stop: () => abort.abort() };
}

/** The first bytes of a media URL: its status, and whether an FLV stream began. */
async function openMedia(url: string, headers: Record<string, string> = {}): Promise<{ status: number; flv: boolean }> {
  const abort = new AbortController();
  try {
    const res = await fetch(url, { headers, signal: abort.signal });
    if (!res.ok) {
      return { status: res.status, flv: false };
    }
    const first = await res.body!.getReader().read();
    return {
      status: res.status,
      flv:
        Buffer.from(first.value ?? [])
          .subarray(0, 3)
          .toString() === 'FLV',
    };
  } finally {
    abort.abort();
  }
}

/** The demo user of each role at a center with one branch `branch`. */
const demoUserOf = (center: string, branch: string, role: Role): string =>
  ({
    super_operator: `${center}-super`,
    operator: `${center}-op`,
    ordinary_user: `${center}-viewer`,
    branch_staff: `${branch}-staff`,
    security_admin: `${center}-secadmin`,
    auditor: `${center}-auditor`,
  })[role];

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
    cookie = (await signIn(base, 'vc-op', topology.demoPassword)).cookie;
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

  it('gives media URLs only to the roles the access table lets play, and no URL plays unsigned or altered, whoever asks', async () => {
    const route = API_ROUTES.find((r) => routeKey(r) === 'POST /api/cameras/:id/play');
    expect(route).toBeDefined();
    const results: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const role of ROLES) {
      const user = await signIn(base, demoUserOf('vc', 'vb', role), net.topology.demoPassword);
      const res = await fetch(`${base}/api/cameras/vb.cam-counter/play`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: user.cookie },
        body: JSON.stringify({ profile: 'sub' }),
      });
      const allowed = route !== undefined && allows(route.access, ROLE_PERMISSIONS[role]);
      expected[role] = allowed ? 'plays; refused unsigned or altered' : '403 forbidden';
      if (!res.ok) {
        results[role] = `${res.status} ${((await res.json()) as ApiError).error.code}`;
        continue;
      }
      const { url } = (await res.json()) as PlayResponse;
      const [path = '', query = ''] = url.split('?');
      const media = await openMedia(url);
      // A session does not stand in for the signature, and a signature holds for its own stream and terms only.
      const unsigned = await openMedia(path, { cookie: user.cookie });
      const params = new URLSearchParams(query);
      const sig = params.get('sig') ?? '';
      const altered = await openMedia(
        `${path}?${query.replace(`sig=${sig}`, `sig=${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`)}`,
      );
      const extended = await openMedia(
        `${path}?${query.replace(/exp=(\d+)/, (_m, e: string) => `exp=${Number(e) + 3600}`)}`,
      );
      const otherStream = await openMedia(`${path.replace('cam-counter', 'cam-vault')}?${query}`);
      results[role] =
        media.status === 200 && media.flv && [unsigned, altered, extended, otherStream].every((m) => m.status === 403)
          ? 'plays; refused unsigned or altered'
          : `play ${media.status}/${media.flv}, unsigned ${unsigned.status}, altered ${altered.status}, extended ${extended.status}, other ${otherStream.status}`;
    }
    expect(results).toEqual(expected);
    // The table lets officers watch and keeps video from the security administrator and the auditor.
    expect(expected.operator).toContain('plays');
    expect(expected.security_admin).toBe('403 forbidden');
    expect(expected.auditor).toBe('403 forbidden');
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
    const parentCookie = (await signIn(parent, 'vp-op', net.topology.demoPassword)).cookie;
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
    // On the provincial console's own origin, relayed from the city center.
    expect(grant.url.startsWith(`${parent}/live/`)).toBe(true);
    expect(await framesFrom(grant.url, 3)).toBeGreaterThanOrEqual(20);
    // A second officer at the provincial center shares the relayed stream.
    expect((await ask()).status).toBe(200);
  });

  it('stops the branch pushing once nobody has watched for the grace period', async () => {
    await waitFor('the counter camera no longer pulled', async () => !(await encoding('vb.cam-counter')), 30_000, 250);
    // The link is free again: a new stream is admitted.
    expect((await play('vb.cam-hall')).status).toBe(200);
  });

  it('lets an alarm-linked request pre-empt a routine one: its viewer is cut and told why when it asks again', async () => {
    const routine = await Promise.all(['vb.cam-counter', 'vb.cam-hall'].map((id) => play(id)));
    expect(routine.map((r) => r.status)).toEqual([200, 200]);
    const viewers = await Promise.all(
      routine.map(async (r) => {
        const grant = (await r.json()) as PlayResponse;
        return { cameraId: grant.cameraId, stream: holdStream(grant.url) };
      }),
    );
    try {
      await waitFor('both routine streams flowing', () => viewers.every((v) => v.stream.bytes() > 50_000), 20_000, 100);
      // The link holds two CIF streams; alarm video for a third camera takes the place of one of them.
      const alarm = await play('vb.cam-vault', { profile: 'sub', purpose: 'alarm' });
      expect(alarm.status).toBe(200);
      const alarmGrant = (await alarm.json()) as PlayResponse;
      const cut = await Promise.race(viewers.map((v) => v.stream.ended.then(() => v)));
      const kept = viewers.find((v) => v !== cut)!;
      expect(await framesFrom(alarmGrant.url, 3)).toBeGreaterThanOrEqual(20);
      const keptBytes = kept.stream.bytes();
      await waitFor(
        'the other routine stream still flowing',
        () => kept.stream.bytes() > keptBytes + 10_000,
        5_000,
        100,
      );

      const again = await play(cut.cameraId);
      expect(again.status).toBe(409);
      const refusal = (await again.json()) as ApiError;
      expect(refusal.error.code).toBe('preempted');
      expect(refusal.error.message).toContain('alarm');
      expect(refusal.error.link?.streams).toContainEqual(
        expect.objectContaining({ cameraId: 'vb.cam-vault', purpose: 'alarm', heldBy: 'vc-op@vc' }),
      );
      // The branch stops pulling the pre-empted camera instead of holding the link for a grace period.
      await waitFor('the pre-empted camera no longer pulled', async () => !(await encoding(cut.cameraId)), 15_000, 250);
    } finally {
      viewers.forEach((v) => v.stream.stop());
    }
  });

  it('records who watched which camera when: every play request, each viewer start and end, and PTZ', async () => {
    type Row = {
      actor: string | null;
      action: string;
      target: string | null;
      outcome: string;
      detail: Record<string, unknown>;
    };
    const trail = async (center: string): Promise<Row[]> => {
      const client = new pg.Client({ connectionString: net.centers.get(center)?.databaseUrl ?? '' });
      await client.connect();
      try {
        return (
          await client.query<Row>(
            "SELECT actor, action, target, outcome, detail FROM audit_events WHERE action LIKE 'video.%' OR action LIKE 'ptz.%' ORDER BY seq",
          )
        ).rows;
      } finally {
        await client.end();
      }
    };
    const city = await trail('vc');
    const of = (action: string, target: string, outcome = 'success') =>
      city.filter((r) => r.action === action && r.target === target && r.outcome === outcome);
    // The officer's first request, granted as the sub-stream; the third stream refused with the link's reason.
    expect(of('video.play', 'vb.cam-counter')[0]).toMatchObject({
      actor: 'vc-op',
      detail: { profile: 'sub', purpose: 'live', granted: 'sub' },
    });
    expect(of('video.play', 'vb.cam-hall', 'failure')[0]).toMatchObject({
      actor: 'vc-op',
      detail: { error: 'link_full', status: 409 },
    });
    expect(of('video.play', 'vb.cam-vault').map((r) => r.detail.purpose)).toContain('alarm');
    // The player (ffmpeg) that watched the counter camera: when it started and how long it stayed.
    const start = of('video.view.start', 'vb.cam-counter').find((r) => r.actor === 'vc-op');
    const end = of('video.view.end', 'vb.cam-counter').find((r) => r.actor === 'vc-op');
    expect(start?.detail).toMatchObject({ profile: 'sub', protocol: 'flv' });
    expect(end?.detail.seconds).toEqual(expect.any(Number));
    // The provincial relay is a viewer at the city center, on behalf of the provincial officer.
    expect(
      of('video.play', 'vb.cam-counter').some((r) => r.actor === 'center:vp' && r.detail.heldBy === 'vp-op@vp'),
    ).toBe(true);
    expect(of('video.view.start', 'vb.cam-counter').some((r) => r.actor === 'center:vp')).toBe(true);
    // PTZ, done and refused.
    expect(of('ptz.move', 'vb.cam-hall').map((r) => r.detail.action)).toEqual(['left', 'stop']);
    expect(of('ptz.move', 'vb.cam-counter', 'failure')[0]?.detail).toMatchObject({ error: 'no_ptz' });
    // And the provincial center holds its own officer's request.
    expect(
      (await trail('vp')).some((r) => r.action === 'video.play' && r.actor === 'vp-op' && r.outcome === 'success'),
    ).toBe(true);
  });
});
