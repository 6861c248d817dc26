import { request } from 'node:http';
import type { Request, Response } from 'express';
import { HttpError } from './http-errors.js';
import { MEDIA_APP } from '../media/stream-name.js';

/** A stream name as the media service makes them (`<camera>X<profile>` with `.`→`D`), then `.flv`. */
const FLV_FILE = /^([A-Za-z0-9_-]{1,160})\.flv$/;

/**
 * `GET /live/<stream>.flv?<signature>` on the console's own origin, passed to
 * this center's media server on loopback: browsers play over the console's
 * HTTPS with its certificate, from no second origin. The signed URL is the
 * credential and the media server checks it; this only forwards. Piping
 * carries backpressure: a slow browser fills this socket, then the media
 * server's, whose slow-viewer guard skips it to the next keyframe, so the
 * proxy holds no growing buffer.
 */
export function mediaProxy(target: () => { host: string; port: number } | null) {
  return (req: Request, res: Response, next: (error?: unknown) => void): void => {
    const where = target();
    const match = FLV_FILE.exec(String(req.params.file ?? ''));
    if (!where) {
      next(new HttpError(503, 'video_disabled', 'this center runs without live video'));
      return;
    }
    if (!match) {
      next(new HttpError(404, 'not_found', 'no such stream'));
      return;
    }
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const upstream = request(
      {
        host: where.host,
        port: where.port,
        method: 'GET',
        path: `/${MEDIA_APP}/${match[1]}.flv${query}`,
        headers: { accept: '*/*' },
      },
      (answer) => {
        res.status(answer.statusCode ?? 502);
        const type = answer.headers['content-type'];
        res.setHeader('Content-Type', typeof type === 'string' ? type : 'video/x-flv');
        res.setHeader('Cache-Control', 'no-store');
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        next(new HttpError(502, 'media_unreachable', `the media server did not answer: ${error.message}`));
      } else {
        res.destroy();
      }
    });
    // The viewer left: let the media server see it at once (it counts viewers for the grace period).
    res.on('close', () => upstream.destroy());
    upstream.end();
  };
}
