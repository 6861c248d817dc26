/**
 * A/V sync as presented by Chromium: each flash of a camera vs its beep, at the camera's level-2 center.
 *
 * Starts a level-1 and a level-2 center (real processes) with one branch agent
 * under level 2 and the simulated cameras. A bench page in headless Chromium
 * plays one camera's HTTP-FLV from the level-2 center with mpegts.js, audio on,
 * for `--seconds`. The camera lights a box in its top-right corner for the
 * first 100 ms of every second and beeps (1 kHz) for the first 100 ms of every
 * second of its audio (packages/sim/src/camera/scene.ts).
 *
 * Both onsets are taken on one clock, performance.now(), at the moment the
 * browser presents them, which is what a viewer sees and hears:
 * - video: requestVideoFrameCallback's expectedDisplayTime of the first frame
 *   whose flash box reads white (a canvas draw of the frame);
 * - audio: the element's audio is routed through Web Audio
 *   (createMediaElementSource → an AudioWorklet level meter → the speakers);
 *   the first loud render quantum's context time is turned into the time it is
 *   heard with getOutputTimestamp() (the context's own mapping of context time
 *   to performance time at the output), or, if the browser gives none, with
 *   currentTime + baseLatency + outputLatency.
 * Media time is not used as the common clock: a frame's mediaTime is its
 * timestamp, not when it was shown, so any lag of the video renderer would
 * vanish from the figure. Headless Chromium needs no audio device or flag for
 * this: without one it renders to a fake output stream whose clock and output
 * timestamps run in real time.
 *
 * The stream itself is in sync: ffmpeg reading the same signed URL finds each
 * beep within 1 ms of its flash. What this bench adds is the browser, Web
 * Audio tap included, and the tap is not free. Checked with a local clip:
 * audio shifted by ±200 ms moves the offset by ±200 ms (sign and scale are
 * right), and latencyHint 'playback' raises the context's latency and the
 * offset both by ~55 ms: Chromium's media clock does not count the context's
 * latency. The phase at which Web Audio pulls the element's audio also changes
 * from one page load to the next: the offset holds within a few ms through a
 * run but ranged from about −5 to +85 ms across runs on the project's machine.
 * `render_offset_p50_ms` is the same pairs with the beep taken when Web Audio
 * pulled it from the element, before the context's latency
 * (`audio_latency_ms`); it reads currentTime on the main thread, so it is only
 * good to a render callback (~10 ms).
 *
 * offset = audio onset − video onset (positive: audio late), each flash paired
 * with the nearest beep within half a second. Fails with fewer than 10 pairs.
 *   npm run bench -- av-sync [--seconds 30] [--camera cam-counter] [--profile sub]
 */
import { parseArgs } from 'node:util';
import { CAMERA_FARM } from '@bsm/launcher';
import { PlayResponse, StreamProfileName } from '@bsm/protocol';
import { STREAM_PROFILES } from '@bsm/sim';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, trustCenterCertificate } from '../test/e2e/support/browser.js';
import {
  FLASH,
  beepOnsets,
  flashBox,
  flashOnsets,
  audioBlocks,
  heardAtMs,
  pairNearest,
  renderedAtMs,
  summarizeOffsets,
  type AudioClockMethod,
} from './lib/av-sync-analysis.js';
import { servePage, type AvSyncPageState, type PageServer } from './lib/av-sync-page.js';
import { startBenchNetwork } from './lib/bench-network.js';
import { ConsoleClient } from './lib/console-client.js';
import { percentile, round } from './lib/stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The wall's live settings (LIVE_PLAYER_CONFIG in apps/web/src/video/mpegts-sink.ts), copied because that
 * module loads mpegts.js, which cannot load in Node. Latency chasing and live sync stay on: they are part of
 * what the browser presents (a jump to the live edge, audio time-stretched at 1.1×).
 */
const LIVE_PLAYER_CONFIG: Record<string, unknown> = {
  isLive: true,
  enableWorker: false,
  enableStashBuffer: false,
  stashInitialSize: 16 * 1024,
  lazyLoad: false,
  deferLoadAfterSourceOpen: false,
  liveBufferLatencyChasing: true,
  liveBufferLatencyMaxLatency: 1.2,
  liveBufferLatencyMinRemain: 0.3,
  liveSync: true,
  liveSyncMaxLatency: 0.8,
  liveSyncTargetLatency: 0.4,
  liveSyncPlaybackRate: 1.1,
  autoCleanupSourceBuffer: true,
  autoCleanupMaxBackwardDuration: 20,
  autoCleanupMinBackwardDuration: 10,
};

const MIN_PAIRS = 10;

/** What produced the figures, for the `method` field. */
const METHOD: Record<AudioClockMethod, string> = {
  'output-timestamp':
    'browser-presented: rVFC expectedDisplayTime vs Web Audio tap (AudioWorklet) + getOutputTimestamp',
  latency: 'browser-presented: rVFC expectedDisplayTime vs Web Audio tap (AudioWorklet) + base/output latency',
};

/** Asks the level-2 center for the camera until the branch has come up there. */
async function playUrl(client: ConsoleClient, cameraId: string, profile: StreamProfileName): Promise<PlayResponse> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${client.baseUrl}/api/cameras/${cameraId}/play`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: client.cookie },
      body: JSON.stringify({ profile }),
    });
    if (res.ok) {
      return PlayResponse.parse(await res.json());
    }
    last = `HTTP ${res.status} ${await res.text()}`;
    await sleep(500);
  }
  throw new Error(`play ${cameraId} at ${client.baseUrl}: ${last}`);
}

const readState = (page: Page): Promise<AvSyncPageState> =>
  page.evaluate(() => (globalThis as unknown as { __avSync: AvSyncPageState }).__avSync);

/** Waits until the page presents frames and hears its audio, or fails with what the page reported. */
async function waitPlaying(page: Page): Promise<void> {
  const deadline = Date.now() + 60_000;
  let state: AvSyncPageState | undefined;
  while (Date.now() < deadline) {
    state = await readState(page).catch(() => undefined);
    if (state !== undefined && state.frames.length > 0 && state.blocks.length > 0) {
      return;
    }
    await sleep(250);
  }
  throw new Error(
    `the page did not start playing: frames ${state?.frames.length ?? '?'}, audio quanta ${(state?.blocks.length ?? 0) / 2}, ` +
      `audio context ${state?.contextState ?? '?'}, errors: ${state?.errors.join('; ') || 'none'}`,
  );
}

export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '30' },
      camera: { type: 'string', default: 'cam-counter' },
      profile: { type: 'string', default: 'sub' },
    },
  });
  const seconds = Number(values.seconds);
  const requested = StreamProfileName.parse(values.profile);

  const bench = await startBenchNetwork('av-sync', 1);
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // The page starts sound without a click.
        '--autoplay-policy=no-user-gesture-required',
        ...trustCenterCertificate(),
      ],
    });
    // startBenchNetwork runs its agents in this process and leaves the camera farm down; this bench needs it.
    await bench.net.startNode(CAMERA_FARM);
    const branch = [...bench.net.branches.keys()][0] ?? '';
    const cameraId = `${branch}.${values.camera}`;
    const l2 = new ConsoleClient(bench.net.centers.get('bl2')?.url ?? '');
    await l2.login('bl2-op', bench.net.topology.demoPassword);
    const grant = await playUrl(l2, cameraId, requested);
    const { width } = STREAM_PROFILES[grant.profile];

    server = await servePage({ url: grant.url, playerConfig: LIVE_PLAYER_CONFIG, box: flashBox(width), inset: 4 });
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(server.url);
    await waitPlaying(page);
    // Let the player settle (first keyframe, latency chasing) before measuring.
    await sleep(3000);
    await page.evaluate(() => (globalThis as unknown as { __avSyncReset: () => void }).__avSyncReset());
    await sleep(seconds * 1000);
    const state = await readState(page);
    await page.close();

    const wrongSize = state.frames.find((f) => f.width !== width);
    if (wrongSize !== undefined) {
      throw new Error(`frames are ${wrongSize.width} px wide, the ${grant.profile} profile is ${width}`);
    }
    const blocks = audioBlocks(state.blocks);
    const flashes = flashOnsets(state.frames).map((f) => f.displayAtMs);
    const methods = new Set<AudioClockMethod>();
    const beeps = beepOnsets(blocks, state.sampleRate).flatMap((contextTime) => {
      const heard = heardAtMs(contextTime, state.clocks);
      const rendered = renderedAtMs(contextTime, state.clocks);
      if (heard === null || rendered === null) {
        return [];
      }
      methods.add(heard.method);
      return [{ heardMs: heard.perfMs, renderedMs: rendered }];
    });
    const pairs = pairNearest(
      flashes,
      beeps,
      (flashMs) => flashMs,
      (beep) => beep.heardMs,
      (FLASH.periodSec * 1000) / 2,
    );
    const summary = summarizeOffsets(pairs.map((p) => p.audio.heardMs - p.video));
    if (summary.pairs < MIN_PAIRS) {
      throw new Error(
        `only ${summary.pairs} flash/beep pairs (need ${MIN_PAIRS}): ${flashes.length} flashes in ${state.frames.length} frames, ` +
          `${beeps.length} beeps in ${blocks.length} audio quanta (loudest ${round(Math.max(0, ...blocks.map((b) => b.peak)), 3)}), ` +
          `errors: ${state.errors.join('; ') || 'none'}`,
      );
    }
    const method = methods.has('latency') ? METHOD.latency : METHOD['output-timestamp'];
    const last = state.clocks.at(-1);
    const frameSpan = ((state.frames.at(-1)?.displayAtMs ?? 0) - (state.frames[0]?.displayAtMs ?? 0)) / 1000;
    return {
      method,
      pairs: summary.pairs,
      offset_p50_ms: round(summary.offset_p50_ms, 0),
      offset_p95_abs_ms: round(summary.offset_p95_abs_ms, 0),
      offset_max_abs_ms: round(summary.offset_max_abs_ms, 0),
      render_offset_p50_ms: round(
        percentile(
          pairs.map((p) => p.audio.renderedMs - p.video),
          50,
        ),
        0,
      ),
      seconds,
      camera: cameraId,
      profile: grant.profile,
      flashes: flashes.length,
      beeps: beeps.length,
      fps: frameSpan > 0 ? round((state.frames.length - 1) / frameSpan, 1) : 0,
      audio_latency_ms: last ? round((last.baseLatency + last.outputLatency) * 1000, 0) : null,
      sample_rate: state.sampleRate,
    };
  } finally {
    await browser?.close();
    await server?.close();
    await bench.stop();
  }
}
