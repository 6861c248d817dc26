/**
 * Glass-to-glass video latency: a camera watched at its level-2 center and, relayed, at level 1.
 *
 * Starts a level-1 and a level-2 center (real processes) with one simulated
 * branch under level 2. Headless Chromium logs into each console, puts the
 * branch's camera on the video wall and, for `--seconds` each, reads the
 * wall-clock code the camera burns into every frame: latency = the time a
 * frame is presented − the time the camera made it. fps is frames presented
 * per second over the same window. Usage:
 *   npm run bench -- video-latency [--seconds 30] [--camera cam-counter]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureWebBuilt, startNetwork, Topology } from '@bsm/launcher';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/e2e/support/browser.js';
import { freePort } from '../test/support/ports.js';
import { percentile, round } from './lib/stats.js';
import { LoginPage } from '../test/e2e/pages/login-page.js';

interface Sample {
  at: number;
  latencyMs: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Watches one camera at one console for `seconds`; returns per-frame latencies and the frame rate. */
async function watch(
  browser: Browser,
  url: string,
  username: string,
  password: string,
  tree: string[],
  cameraId: string,
  seconds: number,
): Promise<{ latencies: number[]; fps: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    const login = new LoginPage(page);
    await login.open(url);
    await login.logIn(username, password);
    await page.getByTestId('nav-video-wall').click();
    await page.getByTestId('layout-1').click();
    for (const node of tree) {
      await page.locator(`[data-testid="tree-node"][data-node-id="${node}"]`).first().click();
    }
    await page.locator(`[data-testid="tree-camera"][data-camera-id="${cameraId}"]`).dblclick();
    await page
      .locator(`[data-testid="video-cell"][data-camera-id="${cameraId}"][data-state="playing"]`)
      .waitFor({ timeout: 60_000 });
    // Let the player settle (first keyframe, latency chasing) before measuring.
    await sleep(3000);
    await page.evaluate(() => {
      const stats = (globalThis as unknown as { __bsmVideoStats?: Record<number, unknown[]> }).__bsmVideoStats;
      if (stats?.[0]) {
        stats[0].length = 0;
      }
    });
    await sleep(seconds * 1000);
    const samples = await page.evaluate(
      () =>
        ((globalThis as unknown as { __bsmVideoStats?: Record<number, unknown[]> }).__bsmVideoStats?.[0] ?? []) as {
          at: number;
          latencyMs: number | null;
        }[],
    );
    const measured = (samples as Sample[]).filter((s) => s.latencyMs !== null).map((s) => s.latencyMs as number);
    const first = samples[0]?.at ?? 0;
    const last = samples.at(-1)?.at ?? 0;
    const fps = samples.length > 1 ? (samples.length - 1) / ((last - first) / 1000) : 0;
    return { latencies: measured, fps };
  } finally {
    await page.close();
  }
}

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '30' }, camera: { type: 'string', default: 'cam-counter' } },
  });
  const seconds = Number(values.seconds);
  await ensureWebBuilt(() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'bsm-bench-video-'));
  chmodSync(dir, 0o755);
  const port = (): Promise<number> => freePort();
  const topology = Topology.parse({
    name: 'bench video-latency',
    dataDir: dir,
    postgres: { embeddedPort: await port() },
    cameras: { rtspPort: await port(), controlPort: await port() },
    simulator: { alarmsPerHour: 0 },
    backups: { enabled: false }, // a backup in the middle would disturb the figures
    centers: [
      {
        id: 'bv1',
        name: '基准省中心',
        tier: 1,
        lat: 26.07,
        lon: 119.29,
        httpPort: await port(),
        mqttPort: await port(),
      },
      {
        id: 'bv2',
        name: '基准市中心',
        tier: 2,
        parent: 'bv1',
        lat: 26.08,
        lon: 119.3,
        httpPort: await port(),
        mqttPort: await port(),
      },
    ],
    branches: [{ id: 'bvb', name: '基准网点', center: 'bv2', lat: 26.08, lon: 119.29, agentPort: await port() }],
  });
  const net = await startNetwork(topology, { restart: false, env: { LOG_LEVEL: 'warn' } });
  const browser = await launchBrowser();
  try {
    const cameraId = `bvb.${values.camera}`;
    const password = topology.demoPassword;
    const l2 = await watch(
      browser,
      net.centers.get('bv2')?.url ?? '',
      'bv2-op',
      password,
      ['bv2', 'bvb'],
      cameraId,
      seconds,
    );
    const l1 = await watch(
      browser,
      net.centers.get('bv1')?.url ?? '',
      'bv1-op',
      password,
      ['bv1', 'bv2', 'bvb'],
      cameraId,
      seconds,
    );
    return {
      seconds,
      camera: cameraId,
      l2_p50_ms: round(percentile(l2.latencies, 50), 0),
      l2_p95_ms: round(percentile(l2.latencies, 95), 0),
      l1_p50_ms: round(percentile(l1.latencies, 50), 0),
      l1_p95_ms: round(percentile(l1.latencies, 95), 0),
      l2_fps: round(l2.fps, 1),
      l1_fps: round(l1.fps, 1),
      l2_frames_measured: l2.latencies.length,
      l1_frames_measured: l1.latencies.length,
    };
  } finally {
    await browser.close();
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
