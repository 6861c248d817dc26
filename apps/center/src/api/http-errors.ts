import type { ApiError, LinkUsage } from '@bsm/protocol';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '@bsm/runtime';
import { z } from 'zod';
import { AuthError } from '../auth/auth.service.js';
import { AuditWriteError } from '../repositories/audit.repository.js';

/** An error the client caused, with the status and code it gets back. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: { path: string; message: string }[],
    /** With `link_full`: who uses the link that refused a stream. */
    readonly link?: LinkUsage,
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, body: ApiError['error']): void {
  res.status(status).json({ error: body } satisfies ApiError);
}

/** Parses a body or query with a schema, or throws a 400 listing every field problem. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(
      400,
      'invalid_request',
      `invalid ${what}`,
      result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  return result.data;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof HttpError) {
      sendError(res, err.status, {
        code: err.code,
        message: err.message,
        ...(err.fields ? { fields: err.fields } : {}),
        ...(err.link ? { link: err.link } : {}),
      });
      return;
    }
    if (err instanceof AuditWriteError) {
      // Sign-ins and data reads are not done without their audit entry (the trail logged the failure loudly).
      sendError(res, 503, {
        code: 'audit_unavailable',
        message: 'the audit trail cannot be written now; try again later',
      });
      return;
    }
    if (err instanceof AuthError) {
      const status = err.code === 'locked' ? 423 : err.code === 'address_refused' ? 403 : 401;
      sendError(res, status, { code: err.code, message: err.message });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      sendError(res, 400, { code: 'invalid_json', message: 'request body is not valid JSON' });
      return;
    }
    if (e.type === 'entity.too.large') {
      sendError(res, 413, { code: 'too_large', message: 'request body too large' });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    sendError(res, 500, { code: 'internal', message: 'internal error' });
  };
}
