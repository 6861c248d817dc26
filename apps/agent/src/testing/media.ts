import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../test/support/ports.js';
import { waitFor } from '../../../../test/support/wait.js';
import { ffmpegPath } from '../media/ffmpeg.js';
import { ProgressTracker } from '../media/progress.js';
import { SupervisedProcess } from '../media/supervised-process.js';

// Both are installed in the repository (node-media-server for apps/center, rtsp-streaming-server for packages/sim)
// and CommonJS without usable ESM types: loaded the CommonJS way.
const require = createRequire(import.meta.url);

interface Closable {
  close(callback?: () => void): void;
}
interface RtspServerInstance {
  start(): Promise<void>;
  ClientServer: { server: Closable };
  PublishServer: { server: Closable };
}
interface NmsInstance {
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestCamera {
  /** What the agent pulls: `rtsp://127.0.0.1:<port>/cam`. */
  rtspUrl: string;
  close(): Promise<void>;
}

/**
 * A real RTSP camera: an RTSP server (rtsp-streaming-server, the simulator's) fed by ffmpeg with a test pattern,
 * H.264 CIF 15 fps, 1 s GOP, no B-frames, plus AAC audio. ffmpeg's own RTSP muxer cannot serve (it only
 * publishes), hence the server. That server offers RTP over UDP only: pull it with `transport: auto`.
 */
export async function startTestCamera(): Promise<TestCamera> {
  const RtspServer = (require('rtsp-streaming-server') as { default: new (o: object) => RtspServerInstance }).default;
  const [publishPort, clientPort] = [await freePort(), await freePort()];
  // An even UDP range of its own, unlikely to collide with another test's.
  const rtpPortStart = 20_000 + 2 * Math.floor(Math.random() * 10_000);
  const server = new RtspServer({ serverPort: publishPort, clientPort, rtpPortStart, rtpPortCount: 200 });
  await server.start();
  const encoder = new SupervisedProcess({
    command: ffmpegPath(),
    // prettier-ignore
    args: [
      '-hide_banner', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=352x288:rate=15',
      '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=16000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15', '-bf', '0', '-b:v', '256k',
      '-c:a', 'aac', '-b:a', '32k',
      '-f', 'rtsp', `rtsp://127.0.0.1:${publishPort}/cam`,
    ],
    backoff: { initialMs: 200, maxMs: 1_000 },
    stop: { input: 'q', graceMs: 1_000, termMs: 1_000 },
  });
  encoder.start();
  const rtspUrl = `rtsp://127.0.0.1:${clientPort}/cam`;
  await waitFor('the test camera to serve RTSP', () => readsOneFrame(rtspUrl), 20_000, 200);
  return {
    rtspUrl,
    close: async () => {
      await encoder.stop();
      // The library has no stop(): close its two listeners (its UDP sockets die with the test process).
      await Promise.all(
        [server.ClientServer.server, server.PublishServer.server].map(
          (s) => new Promise<void>((resolve) => s.close(() => resolve())),
        ),
      );
    },
  };
}

export interface TestMediaServer {
  /** `rtmp://127.0.0.1:<port>`. */
  rtmpBase: string;
  close(): Promise<void>;
}

/** True once one video frame can be read from `url` (the encoder has published). */
function readsOneFrame(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    // prettier-ignore
    const args = ['-hide_banner', '-loglevel', 'error', '-rtsp_flags', 'prefer_tcp', '-i', url, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-'];
    execFile(ffmpegPath(), args, { timeout: 5_000 }, (error) => resolve(!error));
  });
}

/** node-media-server 4, as the centers run it, on free loopback ports. One per process (it keeps global state). */
export async function startTestMediaServer(): Promise<TestMediaServer> {
  const NodeMediaServer = require('node-media-server') as new (config: object) => NmsInstance;
  const logger = require('node-media-server/src/core/logger.js') as { level: string };
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'bsm-nms-'));
  const nms = new NodeMediaServer({
    bind: '127.0.0.1',
    rtmp: { port: rtmpPort },
    http: { port: httpPort },
    store: { path: dataDir },
    auth: { play: false, publish: false },
    webadmin: { enable: false },
  });
  logger.level = process.env.TEST_LOG === '1' ? 'info' : 'error';
  await nms.run();
  return {
    rtmpBase: `rtmp://127.0.0.1:${rtmpPort}`,
    close: async () => {
      await nms.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A viewer: ffmpeg reading the stream from the media server and discarding it, so a test can see frames arrive
 * (`-progress`) and which codec they are (stderr). It is not restarted: a stream that ends ends the player.
 */
export class TestPlayer {
  readonly progress = new ProgressTracker();
  readonly stderr: string[] = [];
  private readonly process: SupervisedProcess;
  exited = false;

  constructor(url: string) {
    this.process = new SupervisedProcess({
      command: ffmpegPath(),
      // prettier-ignore
      args: ['-hide_banner', '-nostats', '-i', url, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1'],
      maxFailures: 1,
      stop: { input: 'q', graceMs: 500, termMs: 1_000 },
    });
    this.process.on('stdout', (line) => this.progress.line(line));
    this.process.on('stderr', (line) => this.stderr.push(line));
    this.process.on('exit', () => {
      this.exited = true;
    });
    this.process.start();
  }

  get frames(): number {
    return this.progress.frameCount;
  }

  /** The input's video codec line, e.g. `Stream #0:0: Video: h264 (High), yuv420p…`. */
  get videoLine(): string | undefined {
    return this.stderr.find((l) => /Stream #0:\d+.*Video:/.test(l));
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
