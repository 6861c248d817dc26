import http from 'node:http';
import { PtzAction } from '@bsm/protocol';
import { z } from 'zod';

export const PtzMoveBody = z.strictObject({ action: PtzAction, speed: z.number().min(0).max(1).default(0.5) });
export const PtzPresetBody = z.strictObject({ op: z.enum(['goto', 'set']), preset: z.number().int().min(1).max(255) });

/** What the control API needs from the camera server. */
export interface CameraControl {
  list(): unknown;
  /** False when the camera does not exist. */
  ptz(cameraId: string, action: PtzAction, speed: number): unknown;
  preset(cameraId: string, op: 'goto' | 'set', preset: number): unknown;
}

/** Thrown by a CameraControl to answer with a status. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 16 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new ControlError(413, 'body_too_large', `body over ${MAX_BODY} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ControlError(400, 'bad_json', 'body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new ControlError(400, 'bad_request', reason);
  }
  return result.data;
}

/**
 * The simulator's local control API (node:http, for the branch agent):
 * - `GET /cameras` — cameras, stream URLs, current viewport;
 * - `POST /ptz/<cameraId>` `{"action": PtzAction, "speed"?: 0–1}`;
 * - `POST /ptz/<cameraId>/preset` `{"op": "goto"|"set", "preset": 1–255}`.
 * Errors are `{"error": code, "reason": text}` with 400/404/405/413.
 */
export function createControlServer(control: CameraControl): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const parts = url.pathname.split('/').filter((p) => p !== '');
        if (parts.length === 1 && parts[0] === 'cameras') {
          if (req.method !== 'GET') {
            throw new ControlError(405, 'method_not_allowed', 'use GET');
          }
          send(res, 200, control.list());
          return;
        }
        if (parts[0] === 'ptz' && (parts.length === 2 || (parts.length === 3 && parts[2] === 'preset'))) {
          if (req.method !== 'POST') {
            throw new ControlError(405, 'method_not_allowed', 'use POST');
          }
          const cameraId = decodeURIComponent(parts[1] ?? '');
          const body = await readJson(req);
          if (parts.length === 2) {
            const { action, speed } = parse(PtzMoveBody, body);
            send(res, 200, control.ptz(cameraId, action, speed));
          } else {
            const { op, preset } = parse(PtzPresetBody, body);
            send(res, 200, control.preset(cameraId, op, preset));
          }
          return;
        }
        throw new ControlError(404, 'not_found', `no route ${req.method ?? ''} ${url.pathname}`);
      } catch (error) {
        if (error instanceof ControlError) {
          send(res, error.status, { error: error.code, reason: error.message });
        } else {
          send(res, 500, { error: 'internal', reason: error instanceof Error ? error.message : String(error) });
        }
      }
    })();
  });
}
