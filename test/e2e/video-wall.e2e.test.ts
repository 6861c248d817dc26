import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuilt, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { pidsWhere } from '../support/processes.js';
import { waitFor } from '../support/wait.js';
import { launchBrowser } from './support/browser.js';
import { LoginPage } from './pages/login-page.js';
import { VideoWallPage } from './pages/video-wall-page.js';

const CAMERAS = ['tw-a.cam-hall', 'tw-a.cam-vault', 'tw-b.cam-counter', 'tw-b.cam-atm'];

/** An officer puts four cameras of two branches on the video wall, steers one, and closes them. */
describe('video wall in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  let farm = '';
  let wall: VideoWallPage;

  const farmCamera = async (
    id: string,
  ): Promise<{ viewport: { cx: number }; streams: Record<string, { encoding: boolean }> }> => {
    const res = (await (await fetch(`${farm}/cameras`)).json()) as {
      cameras: { id: string; viewport: { cx: number }; streams: Record<string, { encoding: boolean }> }[];
    };
    const camera = res.cameras.find((c) => c.id === id);
    if (!camera) {
      throw new Error(`no camera ${id}`);
    }
    return camera;
  };

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-video-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const controlPort = await port();
    farm = `http://127.0.0.1:${controlPort}`;
    const topology = Topology.parse({
      name: 'e2e video',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'tw',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        {
          id: 'tw-a',
          name: '鼓楼支行营业部',
          center: 'tw',
          lat: 26.08,
          lon: 119.29,
          agentPort: await port(),
          kit: 'vault',
        },
        { id: 'tw-b', name: '台江支行', center: 'tw', lat: 26.05, lon: 119.31, agentPort: await port() },
      ],
    });
    net = await startNetwork(topology, {
      restart: false,
      env: { LOG_LEVEL: 'warn', BSM_CENTER__MEDIA__GRACE_SEC: '3' },
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const login = new LoginPage(page);
    await login.open(net.centers.get('tw')?.url ?? '');
    await login.logIn('tw-op', topology.demoPassword);
    wall = new VideoWallPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays four cameras at once: frames decoded, time advancing, latency measured', async () => {
    await wall.open(4);
    for (const node of ['tw', 'tw-a', 'tw-b']) {
      await wall.expand(node);
    }
    for (const camera of CAMERAS) {
      await wall.place(camera);
    }
    for (const camera of CAMERAS) {
      await wall.cell(camera).and(wall.page.locator('[data-state="playing"]')).waitFor({ timeout: 30_000 });
    }
    for (const camera of CAMERAS) {
      const before = await wall.currentTime(camera);
      await expect.poll(() => wall.currentTime(camera), { timeout: 5_000 }).toBeGreaterThan(before + 1);
      const latency = Number(await wall.cell(camera).getByTestId('cell-latency').getAttribute('data-latency-ms'));
      expect(latency).toBeGreaterThan(0);
      expect(latency).toBeLessThan(3000);
    }
  });

  it('moves the picture with PTZ left', async () => {
    await wall.cell('tw-a.cam-hall').click();
    await wall.page.getByTestId('ptz-panel').waitFor();
    const before = (await farmCamera('tw-a.cam-hall')).viewport.cx;
    await wall.holdPtz('left', 1500);
    await waitFor(
      'the camera turned left',
      async () => (await farmCamera('tw-a.cam-hall')).viewport.cx < before - 0.05,
      10_000,
    );
    expect(await wall.cell('tw-a.cam-hall').getAttribute('data-state')).toBe('playing');
  });

  it('brings the picture back by itself within 5 s when the branch push ffmpeg dies', async () => {
    const camera = 'tw-b.cam-counter';
    const cellIndex = Number(await wall.cell(camera).getAttribute('data-cell-index'));
    /** Camera time (burnt-in clock) and presentation time of the newest frame the cell showed. */
    const newestFrame = (): Promise<{ cameraMs: number; at: number } | null> =>
      wall.page.evaluate((i) => {
        type Sample = { at: number; latencyMs: number | null };
        const page = globalThis as unknown as { __bsmVideoStats?: Record<number, Sample[]> };
        const samples = page.__bsmVideoStats?.[i] ?? [];
        const last = [...samples].reverse().find((s) => s.latencyMs !== null);
        return last ? { cameraMs: last.at - (last.latencyMs ?? 0), at: last.at } : null;
      }, cellIndex);
    const pushes = pidsWhere(
      (args) =>
        args[0]?.includes('ffmpeg') === true &&
        args.some((a) => a.includes(`/${camera}/`)) &&
        args.some((a) => a.startsWith('rtmp://')),
    );
    expect(pushes).toHaveLength(1);
    process.kill(pushes[0]!, 'SIGKILL');
    const killedAt = Date.now();
    // A frame the camera took after the kill is on screen: the picture is live again, not frozen.
    const back = await waitFor(
      'a frame taken after the kill',
      async () => {
        const frame = await newestFrame();
        return frame !== null && frame.cameraMs > killedAt ? frame : undefined;
      },
      15_000,
      50,
    );
    console.log(`picture back ${back.at - killedAt} ms after the push ffmpeg was killed`);
    expect(back.at - killedAt).toBeLessThan(5_000);
    // The cell's watchdog (every 500 ms) then says so too.
    await expect.poll(() => wall.cell(camera).getAttribute('data-state'), { timeout: 2_000 }).toBe('playing');
  });

  it('stops the branches pushing a grace period after the cells are closed', async () => {
    for (const camera of CAMERAS) {
      await wall.cell(camera).getByTestId('cell-close').click();
    }
    for (const camera of CAMERAS) {
      await waitFor(
        `${camera} no longer pulled`,
        async () => !Object.values((await farmCamera(camera)).streams).some((s) => s.encoding),
        30_000,
        250,
      );
    }
  });
});
