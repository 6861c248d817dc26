import {
  AuditExportQuery,
  AuditQuery,
  type AuditListResponse,
  type AuditRecord,
  type AuditSourcesResponse,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import express, { type Request, type Response } from 'express';
import type { Session } from '../auth/auth.service.js';
import type { AuditService } from '../audit/audit-service.js';
import { csvHeader, csvLine, ndjsonLine } from '../audit/export-format.js';
import { HttpError, parseOr400 } from './http-errors.js';

export interface AuditRoutesDeps {
  audit: AuditService;
  log: Logger;
  clientIp(req: Request): string | null;
}

const sessionOf = (req: Request): Session => {
  if (!req.session) {
    throw new HttpError(401, 'unauthenticated', 'log in first');
  }
  return req.session;
};

/** Writes a line, waiting while the client's socket is full (an export may be large) unless it went away. */
async function write(res: Response, text: string): Promise<void> {
  if (res.write(text)) {
    return;
  }
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * The auditors' API, mounted at `/api/audit` behind the session check:
 * search (`GET /`), export (`GET /export`, NDJSON or CSV with seq and hashes)
 * and the chains held here (`GET /sources`). Without the `audit` permission:
 * 403 `forbidden`.
 */
export function auditRoutes(deps: AuditRoutesDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const session = sessionOf(req);
    const query = parseOr400(AuditQuery, req.query, 'audit query');
    const page = await deps.audit.search(session.user, query, { ip: deps.clientIp(req) });
    res.json(page satisfies AuditListResponse);
  });

  router.get('/sources', async (req, res) => {
    res.json((await deps.audit.sources(sessionOf(req).user)) satisfies AuditSourcesResponse);
  });

  router.get('/export', async (req, res) => {
    const session = sessionOf(req);
    const query = parseOr400(AuditExportQuery, req.query, 'audit export');
    const { source, entries } = await deps.audit.export(session.user, query, { ip: deps.clientIp(req) });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const csv = query.format === 'csv';
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${source}-${stamp}.${csv ? 'csv' : 'ndjson'}"`);
    res.setHeader('Cache-Control', 'no-store');
    const line: (r: AuditRecord) => string = csv ? csvLine : ndjsonLine;
    let n = 0;
    try {
      if (csv) {
        await write(res, csvHeader());
      }
      for await (const entry of entries) {
        if (res.destroyed) {
          break;
        }
        await write(res, line(entry));
        n += 1;
      }
      res.end();
      deps.log.info({ user: session.user.username, source, format: query.format, entries: n }, 'audit trail exported');
    } catch (error) {
      deps.log.error({ err: error, source, entries: n }, 'audit export broke off');
      res.destroy(error instanceof Error ? error : undefined);
    }
  });

  return router;
}
