import type { PtzAction } from '@bsm/protocol';
import { CommandError } from '../command-error.js';
import type { PresetOp, PtzDriver } from './driver.js';

/**
 * PTZ of a simulated camera, through the simulator's control API:
 * `POST <controlUrl>/ptz/<cameraId>` `{action, speed}` and `POST <controlUrl>/ptz/<cameraId>/preset` `{op, preset}`.
 */
export class SimulatedPtz implements PtzDriver {
  constructor(
    private readonly cameraId: string,
    private readonly controlUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  move(action: PtzAction, speed: number): Promise<void> {
    return this.post('', { action, speed });
  }

  stop(): Promise<void> {
    return this.post('', { action: 'stop' });
  }

  preset(op: PresetOp, n: number): Promise<void> {
    return this.post('/preset', { op, preset: n });
  }

  private async post(suffix: string, body: Record<string, unknown>): Promise<void> {
    const url = `${this.controlUrl.replace(/\/+$/, '')}/ptz/${encodeURIComponent(this.cameraId)}${suffix}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CommandError('ptz_unreachable', `cannot reach the simulated camera ${this.cameraId}: ${cause}`);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 200);
      const code = response.status === 404 ? 'ptz_unknown_camera' : 'ptz_refused';
      throw new CommandError(code, `simulated camera ${this.cameraId} answered ${response.status}: ${text}`);
    }
    // Drain the body so the connection is reused.
    await response.arrayBuffer();
  }
}
