import http from 'node:http';
import { createRequire } from 'node:module';
import type { PtzAction, StreamProfileName } from '@bsm/protocol';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { ControlError, createControlServer } from './control-api.js';
import { SupervisedEncoder } from './encoder.js';
import { SimulatedPtz } from './ptz.js';
import { RtspRelay } from './rtsp-relay.js';
import { STREAM_PROFILES, buildCameraArgs } from './scene.js';
import type { Viewport } from './viewport.js';

export interface SimulatedCameraConfig {
  id: string;
  name?: string;
}

export interface SimulatedCameraServerOptions {
  cameras: readonly SimulatedCameraConfig[];
  /** RTSP port; 0 picks a free one. */
  rtspPort?: number;
  /** Control API port; 0 picks a free one. */
  controlPort?: number;
  /** Interface to bind both servers to; loopback by default. */
  host?: string;
  /** How long an encoder keeps running after its last player left (so a quick reconnect is instant). */
  idleStopMs?: number;
  ffmpegPath?: string;
  fontFile?: string;
  log?: (message: string) => void;
}

const PROFILES: readonly StreamProfileName[] = ['main', 'sub'];

interface StreamSlot {
  cameraId: string;
  profile: StreamProfileName;
  refs: number;
  encoder: SupervisedEncoder | undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

function defaultFontFile(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf');
}

/**
 * Many simulated cameras behind one RTSP port
 * (rtsp://host:port/<cameraId>/<main|sub>), encoding on demand: a stream's
 * ffmpeg runs only while at least one RTSP player is on it (started by the
 * first DESCRIBE, stopped `idleStopMs` after the last player leaves), so a
 * demo with dozens of cameras costs CPU only for what is watched or recorded.
 * A local HTTP API moves the cameras (see control-api.ts).
 */
export class SimulatedCameraServer {
  private readonly relay: RtspRelay;
  private readonly control: http.Server;
  private readonly slots = new Map<string, StreamSlot>();
  private readonly ptz = new Map<string, SimulatedPtz>();
  private readonly cameras: readonly SimulatedCameraConfig[];
  private readonly ffmpegPath: string;
  private readonly fontFile: string;
  private rtspPortValue = 0;
  private controlPortValue = 0;

  constructor(private readonly options: SimulatedCameraServerOptions) {
    this.cameras = options.cameras;
    this.ffmpegPath = options.ffmpegPath ?? ffmpeg.path;
    this.fontFile = options.fontFile ?? defaultFontFile();
    for (const camera of this.cameras) {
      if (this.ptz.has(camera.id)) {
        throw new Error(`duplicate camera id ${camera.id}`);
      }
      this.ptz.set(
        camera.id,
        new SimulatedPtz({
          send: (command) => this.commandCamera(camera.id, command),
          log: (message) => this.log(`${camera.id}: ${message}`),
        }),
      );
      for (const profile of PROFILES) {
        this.slots.set(`/${camera.id}/${profile}`, {
          cameraId: camera.id,
          profile,
          refs: 0,
          encoder: undefined,
          idleTimer: undefined,
        });
      }
    }
    this.relay = new RtspRelay({
      resolve: (path) => (this.slots.has(path) ? path : undefined),
      acquire: (key) => this.acquire(key),
      release: (key) => this.release(key),
      mayPublish: (key) => this.slots.get(key)?.encoder?.running === true,
    });
    this.control = createControlServer({
      list: () => this.list(),
      ptz: (id, action, speed) => this.move(id, action, speed),
      preset: (id, op, preset) => this.preset(id, op, preset),
    });
  }

  get rtspPort(): number {
    return this.rtspPortValue;
  }

  get controlPort(): number {
    return this.controlPortValue;
  }

  get controlUrl(): string {
    return `http://${this.host}:${this.controlPortValue}`;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  streamUrl(cameraId: string, profile: StreamProfileName): string {
    return `rtsp://${this.host}:${this.rtspPortValue}/${cameraId}/${profile}`;
  }

  /** Encoders currently running (or waiting to restart after a crash). */
  get encoderCount(): number {
    return [...this.slots.values()].filter((s) => s.encoder !== undefined).length;
  }

  /** Process ids of running encoders, for CPU measurements. */
  encoderPids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.encoder?.pid === undefined ? [] : [s.encoder.pid]));
  }

  async start(): Promise<void> {
    this.rtspPortValue = await this.relay.listen(this.options.rtspPort ?? 0, this.host);
    await new Promise<void>((resolve, reject) => {
      this.control.once('error', reject);
      this.control.listen(this.options.controlPort ?? 0, this.host, () => resolve());
    });
    const address = this.control.address();
    this.controlPortValue = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const ptz of this.ptz.values()) {
      ptz.dispose();
    }
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        if (slot.idleTimer !== undefined) {
          clearTimeout(slot.idleTimer);
          slot.idleTimer = undefined;
        }
        const encoder = slot.encoder;
        slot.encoder = undefined;
        await encoder?.stop();
      }),
    );
    await this.relay.close();
    this.control.closeAllConnections();
    await new Promise<void>((resolve) => this.control.close(() => resolve()));
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private acquire(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) {
      return;
    }
    slot.refs += 1;
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (slot.encoder === undefined) {
      const ptz = this.ptz.get(slot.cameraId);
      const encoder = new SupervisedEncoder({
        ffmpegPath: this.ffmpegPath,
        args: () =>
          buildCameraArgs({
            cameraId: slot.cameraId,
            profile: STREAM_PROFILES[slot.profile],
            publishUrl: `rtsp://127.0.0.1:${this.rtspPortValue}${key}`,
            fontFile: this.fontFile,
            crop: ptz?.crop() ?? { w: 'iw/2', x: '(iw-ow)/2', y: '(ih-oh)/2' },
          }),
        onRestart: ({ code, signal, delayMs, stderr }) =>
          this.log(
            `encoder ${key} exited (${code ?? signal ?? '?'}), restarting in ${delayMs} ms; last stderr: ${stderr.slice(-5).join(' | ')}`,
          ),
      });
      slot.encoder = encoder;
      encoder.start();
      this.log(`encoder ${key} started for its first player`);
    }
  }

  private release(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) {
      return;
    }
    slot.refs = Math.max(0, slot.refs - 1);
    if (slot.refs > 0 || slot.idleTimer !== undefined) {
      return;
    }
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (slot.refs > 0) {
        return;
      }
      const encoder = slot.encoder;
      slot.encoder = undefined;
      this.log(`encoder ${key} stopped: no player for ${this.options.idleStopMs ?? 5_000} ms`);
      void encoder?.stop();
    }, this.options.idleStopMs ?? 5_000);
  }

  private commandCamera(cameraId: string, command: string): void {
    for (const profile of PROFILES) {
      this.slots.get(`/${cameraId}/${profile}`)?.encoder?.command(command);
    }
  }

  private camera(cameraId: string): SimulatedPtz {
    const ptz = this.ptz.get(cameraId);
    if (ptz === undefined) {
      throw new ControlError(404, 'unknown_camera', `no simulated camera ${cameraId}`);
    }
    return ptz;
  }

  private describe(cameraId: string): { viewport: Viewport; moving: PtzAction | null; presets: number[] } {
    const ptz = this.camera(cameraId);
    return { viewport: ptz.viewport, moving: ptz.moving, presets: ptz.presetNumbers };
  }

  private list(): unknown {
    return {
      cameras: this.cameras.map((camera) => ({
        id: camera.id,
        name: camera.name ?? camera.id,
        streams: Object.fromEntries(
          PROFILES.map((profile) => [
            profile,
            {
              url: this.streamUrl(camera.id, profile),
              ...STREAM_PROFILES[profile],
              encoding: this.slots.get(`/${camera.id}/${profile}`)?.encoder !== undefined,
            },
          ]),
        ),
        ...this.describe(camera.id),
      })),
    };
  }

  private move(cameraId: string, action: PtzAction, speed: number): unknown {
    this.camera(cameraId).act(action, speed);
    return { ok: true, cameraId, ...this.describe(cameraId) };
  }

  private preset(cameraId: string, op: 'goto' | 'set', preset: number): unknown {
    const ptz = this.camera(cameraId);
    if (op === 'set') {
      ptz.setPreset(preset);
    } else if (!ptz.gotoPreset(preset)) {
      throw new ControlError(404, 'unknown_preset', `preset ${preset} of ${cameraId} was never set`);
    }
    return { ok: true, cameraId, ...this.describe(cameraId) };
  }
}
