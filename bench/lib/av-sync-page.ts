/**
 * The browser side of the av-sync bench: a page that plays one HTTP-FLV stream
 * with mpegts.js, audio on, and records raw observations for the Node side to
 * analyse (bench/lib/av-sync-analysis.ts):
 * - every presented frame (requestVideoFrameCallback): its mediaTime, its
 *   expected display time and the brightness of the flash box (a canvas read);
 * - every Web Audio render quantum of the element's audio (an AudioWorklet
 *   between `createMediaElementSource` and the destination): its first sample
 *   frame on the context clock and its peak level;
 * - every 100 ms, the clocks read together: performance.now(), the context's
 *   time, output timestamp and latencies.
 *
 * The page only records; detection and pairing happen in Node, in pure,
 * unit-tested functions. The scripts are plain JavaScript strings because they
 * run in the browser (the worklet in its own scope) and the bench's tsconfig has
 * no DOM types; they are kept short for that reason.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { BoxRect, ClockSample, FrameObservation } from './av-sync-analysis.js';

export interface AvSyncPageParams {
  /** The HTTP-FLV URL (a center's signed play URL). */
  url: string;
  /** mpegts.js config (the wall's live settings). */
  playerConfig: Record<string, unknown>;
  /** Where the flash box is, in pixels of the decoded frame. */
  box: BoxRect;
  /** Pixels ignored at each edge of the box: the codec blurs the box's edges into the background. */
  inset: number;
}

/** What `window.__avSync` holds, as read back with `page.evaluate`. */
export interface AvSyncPageState {
  /** Every presented frame, and its width (to check the box is where the profile puts it). */
  frames: (FrameObservation & { width: number })[];
  /** Flat pairs: [first sample frame, peak, first sample frame, peak, …] (see AudioBlock). */
  blocks: number[];
  clocks: ClockSample[];
  sampleRate: number;
  contextState: string;
  errors: string[];
}

/** The AudioWorklet module: passes audio through unchanged and reports each quantum's peak, in batches. */
export const LEVEL_METER_JS = `
class LevelMeter extends AudioWorkletProcessor {
  constructor() {
    super();
    this.batch = [];
  }
  process(inputs, outputs) {
    const input = inputs[0] || [];
    const output = outputs[0] || [];
    let peak = 0;
    for (let c = 0; c < input.length; c++) {
      const samples = input[c];
      if (output[c]) {
        output[c].set(samples);
      }
      for (let i = 0; i < samples.length; i++) {
        const a = Math.abs(samples[i]);
        if (a > peak) {
          peak = a;
        }
      }
    }
    this.batch.push(currentFrame, peak);
    // ~170 ms of quanta per message: few messages, fresh enough.
    if (this.batch.length >= 128) {
      this.port.postMessage(this.batch);
      this.batch = [];
    }
    return true;
  }
}
registerProcessor('level-meter', LevelMeter);
`;

const PAGE_SCRIPT = `
const params = JSON.parse(document.getElementById('params').textContent);
const state = { frames: [], blocks: [], clocks: [], sampleRate: 0, contextState: '', errors: [] };
window.__avSync = state;
window.__avSyncReset = () => {
  state.frames.length = 0;
  state.blocks.length = 0;
  state.clocks.length = 0;
  state.errors.length = 0;
};
const video = document.getElementById('video');
video.muted = false;
video.volume = 1;
window.addEventListener('unhandledrejection', (event) => state.errors.push('unhandled: ' + event.reason));
window.addEventListener('error', (event) => state.errors.push('error: ' + event.message));

// The element's audio goes through Web Audio: source -> level meter -> speakers.
const context = new AudioContext({ latencyHint: 'interactive' });
state.sampleRate = context.sampleRate;
await context.audioWorklet.addModule('/level-meter.js');
const meter = new AudioWorkletNode(context, 'level-meter');
meter.port.onmessage = (event) => {
  for (const v of event.data) {
    state.blocks.push(v);
  }
};
context.createMediaElementSource(video).connect(meter).connect(context.destination);
await context.resume();
state.contextState = context.state;
context.onstatechange = () => {
  state.contextState = context.state;
};

const player = mpegts.createPlayer(
  { type: 'flv', isLive: true, url: params.url, cors: true, withCredentials: false, hasAudio: true, hasVideo: true },
  params.playerConfig,
);
player.on(mpegts.Events.ERROR, (type, detail) => state.errors.push(type + ': ' + detail));
player.attachMediaElement(video);
player.load();
Promise.resolve(player.play()).catch((error) => state.errors.push('play: ' + error));

const box = params.box;
const inner = { x: box.x + params.inset, y: box.y + params.inset, w: box.w - 2 * params.inset, h: box.h - 2 * params.inset };
const canvas = document.createElement('canvas');
canvas.width = inner.w;
canvas.height = inner.h;
const g = canvas.getContext('2d', { willReadFrequently: true });
const onFrame = (now, meta) => {
  g.drawImage(video, inner.x, inner.y, inner.w, inner.h, 0, 0, inner.w, inner.h);
  const rgba = g.getImageData(0, 0, inner.w, inner.h).data;
  let min = 255;
  for (let p = 0; p < rgba.length; p += 4) {
    const y = (77 * rgba[p] + 150 * rgba[p + 1] + 29 * rgba[p + 2]) >> 8;
    if (y < min) {
      min = y;
    }
  }
  state.frames.push({
    mediaTime: meta.mediaTime,
    displayAtMs: meta.expectedDisplayTime,
    minLuma: min,
    width: meta.width,
  });
  video.requestVideoFrameCallback(onFrame);
};
video.requestVideoFrameCallback(onFrame);

setInterval(() => {
  const out = context.getOutputTimestamp();
  state.clocks.push({
    perfMs: performance.now(),
    contextTime: context.currentTime,
    outputContextTime: out.contextTime || 0,
    outputPerfMs: out.performanceTime || 0,
    baseLatency: context.baseLatency || 0,
    outputLatency: context.outputLatency || 0,
  });
}, 100);
`;

/** `JSON.stringify` safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The bench page; it loads mpegts.js from `/mpegts.js` and the worklet from `/level-meter.js` on its own origin. */
export function avSyncPageHtml(params: AvSyncPageParams): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>av-sync</title></head><body>',
    '<video id="video" playsinline></video>',
    `<script type="application/json" id="params">${scriptJson(params)}</script>`,
    '<script src="/mpegts.js"></script>',
    `<script type="module">${PAGE_SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

export interface PageServer {
  /** The page's URL, on loopback. */
  url: string;
  close(): Promise<void>;
}

const STREAM_PATH = '/stream.flv';

/** The center's stream, to this page's player, until either side ends it. */
async function passStream(url: string, res: http.ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    const upstream = await fetch(url, { signal: abort.signal });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'video/x-flv' });
    if (!upstream.body) {
      res.end();
      return;
    }
    for await (const chunk of upstream.body) {
      if (!res.write(chunk)) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Serves the page, mpegts.js (the copy the web app bundles, from node_modules:
 * nothing is fetched from the internet) and the worklet on a free loopback port.
 */
export async function servePage(params: AvSyncPageParams): Promise<PageServer> {
  const mpegtsJs = await readFile(createRequire(import.meta.url).resolve('mpegts.js'));
  // The center serves video on its console's origin only (no CORS), as the console plays it: this page
  // plays it through its own origin, the stream passed through unchanged.
  const routes = new Map<string, { type: string; body: string | Buffer }>([
    ['/', { type: 'text/html; charset=utf-8', body: avSyncPageHtml({ ...params, url: STREAM_PATH }) }],
    ['/mpegts.js', { type: 'text/javascript', body: mpegtsJs }],
    ['/level-meter.js', { type: 'text/javascript', body: LEVEL_METER_JS }],
  ]);
  const server = http.createServer((req, res) => {
    if (req.url === STREAM_PATH) {
      void passStream(params.url, res);
      return;
    }
    const route = routes.get(req.url ?? '');
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
