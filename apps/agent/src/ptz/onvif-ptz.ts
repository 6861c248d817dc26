import { readFile } from 'node:fs/promises';
import type { PtzAction } from '@bsm/protocol';
import onvif from 'onvif';
import { CommandError } from '../command-error.js';
import type { OnvifPtzConfig } from '../config.js';
import type { PresetOp, PtzDriver } from './driver.js';
import { onvifMotion } from './velocity.js';

type Cam = InstanceType<typeof onvif.Cam>;

export interface OnvifPtzOptions {
  /** Per-request timeout; a PTZ click must not hang for the library's default two minutes. */
  timeoutMs?: number;
}

/**
 * PTZ of a real camera through its ONVIF service (Hikvision, Dahua, Uniview… all speak it). Connects on first use,
 * not at agent start: a camera that is down must not delay the agent, and a later command tries again.
 */
export class OnvifPtz implements PtzDriver {
  private cam: Promise<Cam> | undefined;
  private focusMoving = false;

  constructor(
    private readonly cameraId: string,
    private readonly config: OnvifPtzConfig,
    private readonly options: OnvifPtzOptions = {},
  ) {}

  async move(action: PtzAction, speed: number): Promise<void> {
    const motion = onvifMotion(action, speed);
    switch (motion.service) {
      case 'stop':
        return this.stop();
      case 'unsupported':
        throw new CommandError('unsupported_action', `${action} on ${this.cameraId}: ${motion.reason}`);
      case 'focus': {
        const cam = await this.connect();
        await this.call('focus', (cb) => cam.imagingMove({ continuous: { speed: motion.speed } }, cb));
        this.focusMoving = true;
        return;
      }
      case 'ptz': {
        const cam = await this.connect();
        const { x, y, zoom } = motion;
        await this.call('continuous move', (cb) => cam.continuousMove({ x, y, zoom, ...this.profile() }, cb));
        return;
      }
    }
  }

  async stop(): Promise<void> {
    const cam = await this.connect();
    await this.call('stop', (cb) => cam.stop({ panTilt: true, zoom: true, ...this.profile() }, cb));
    if (this.focusMoving) {
      this.focusMoving = false;
      await this.call('focus stop', (cb) => cam.imagingStop({}, cb));
    }
  }

  async preset(op: PresetOp, n: number): Promise<void> {
    const cam = await this.connect();
    // Hikvision and Dahua name preset tokens "1", "2", …: the preset number is the token.
    const token = String(n);
    if (op === 'goto') {
      await this.call('goto preset', (cb) => cam.gotoPreset({ preset: token, ...this.profile() }, cb));
    } else {
      await this.call('set preset', (cb) =>
        cam.setPreset({ presetName: `preset ${n}`, presetToken: token, ...this.profile() }, cb),
      );
    }
  }

  private profile(): { profileToken?: string } {
    return this.config.profileToken === undefined ? {} : { profileToken: this.config.profileToken };
  }

  /** Connects once (GetCapabilities, GetProfiles…); a failed connection is forgotten so the next command retries. */
  private connect(): Promise<Cam> {
    this.cam ??= this.open().catch((error: unknown) => {
      this.cam = undefined;
      throw error;
    });
    return this.cam;
  }

  private async open(): Promise<Cam> {
    const url = new URL(this.config.url);
    const password = await this.password();
    const cam = new onvif.Cam({
      hostname: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      useSecure: url.protocol === 'https:',
      username: this.config.username,
      password,
      timeout: this.options.timeoutMs ?? 5_000,
      autoconnect: false,
      // Cameras behind NAT or with a stale network config advertise service URLs we cannot reach: keep ours.
      preserveAddress: true,
    });
    await new Promise<void>((resolve, reject) => {
      cam.connect((error) => {
        if (error) {
          reject(
            new CommandError(
              'ptz_unreachable',
              `cannot reach the ONVIF service of ${this.cameraId} at ${url.host}: ${error.message}`,
            ),
          );
        } else {
          resolve();
        }
      });
    });
    return cam;
  }

  private async password(): Promise<string | undefined> {
    const { password, passwordFile } = this.config;
    if (passwordFile === undefined) {
      return password;
    }
    try {
      return (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new CommandError(
        'ptz_unreachable',
        `cannot read the ONVIF password file of ${this.cameraId}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }

  private call(what: string, request: (callback: (error: Error | null) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      request((error) => {
        if (error) {
          // The connection may be stale (camera rebooted): reconnect on the next command.
          this.cam = undefined;
          reject(new CommandError('ptz_failed', `ONVIF ${what} on ${this.cameraId} failed: ${error.message}`));
        } else {
          resolve();
        }
      });
    });
  }
}
