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

  /**
   * Set once the refusal is in the audit trail under the operation it
   * refused, so the error handler does not record it a second time.
   */
  recorded = false;
}

/** Marks an error as already recorded in the audit trail (see `HttpError.recorded`). */
export function markRecorded(error: unknown): void {
  if (error instanceof HttpError) {
    error.recorded = true;
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

/** What body-parser and the router say of a request they could not read, as our codes. */
const READ_ERRORS: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': { code: 'invalid_json', message: 'request body is not valid JSON' },
  'entity.too.large': { code: 'too_large', message: 'request body too large' },
  'charset.unsupported': { code: 'unsupported_charset', message: 'request body charset not supported: use UTF-8' },
  'encoding.unsupported': {
    code: 'unsupported_encoding',
    message: 'request body encoding not supported: send it uncompressed or gzip, deflate, br',
  },
  'entity.verify.failed': { code: 'invalid_body', message: 'request body could not be read' },
  'request.aborted': { code: 'aborted', message: 'the request was aborted' },
  'request.size.invalid': { code: 'invalid_body', message: 'request body length does not match its header' },
  'stream.encoding.set': { code: 'invalid_body', message: 'request body could not be read' },
};

/**
 * Every error becomes a JSON answer with a code: ours as they are, the
 * readers' (a body that does not parse or inflate, a path that is not valid
 * percent-encoding) as 4xx, anything else as 500 `internal`, logged. A
 * refusal is passed to `onRefused` (logged and put in the audit trail).
 */
export function errorHandler(
  log: Logger,
  onRefused: (req: Parameters<ErrorRequestHandler>[1], error: HttpError) => Promise<void> | void = () => undefined,
): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof HttpError) {
      const answer = (): void =>
        sendError(res, err.status, {
          code: err.code,
          message: err.message,
          ...(err.fields ? { fields: err.fields } : {}),
          ...(err.link ? { link: err.link } : {}),
        });
      if (err.status === 403 || err.status === 404) {
        // The answer waits for the record, so whoever reads the trail after a refusal finds it there.
        void Promise.resolve()
          .then(() => onRefused(req, err))
          .catch(() => undefined)
          .finally(answer);
        return;
      }
      answer();
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
    const known = e.type === undefined ? undefined : READ_ERRORS[e.type];
    if (known && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, known);
      return;
    }
    if (err instanceof URIError) {
      // Express could not decode a path parameter (`%E0%A4%A`, a lone `%`).
      sendError(res, 400, { code: 'invalid_request', message: 'the path is not valid percent-encoding' });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, { code: 'bad_request', message: e.message ?? 'the request could not be read' });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    sendError(res, 500, { code: 'internal', message: 'internal error' });
  };
}
