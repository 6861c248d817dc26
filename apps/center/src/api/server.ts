import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ArmRequest,
  PanicRequest,
  type BranchPanelResponse,
  type PanicResponse,
  AlarmActionRequest,
  AlarmId,
  AlarmListQuery,
  type AlarmDetailResponse,
  type AlarmView,
  EntityId,
  PlayRequest,
  PtzRequest,
  type PlayResponse,
  LoginRequest,
  NodeId,
  type AlarmListResponse,
  type HealthResponse,
  type LoginResponse,
  type MapResponse,
  type NodeDetailResponse,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { z } from 'zod';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuthService, Session } from '../auth/auth.service.js';
import type { AuditService } from '../audit/audit-service.js';
import { auditRoutes } from './audit-routes.js';
import type { CenterConfig } from '../config.js';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { AlarmHandling } from '../services/alarm-handling.js';
import type { BranchPanel } from '../services/branch-panel.js';
import type { NodeRepository } from '../repositories/node.repository.js';
import type { LiveVideo } from '../services/live-video.js';
import type { NodeIndex } from '../services/node-index.js';
import { errorHandler, HttpError, parseOr400 } from './http-errors.js';
import { SESSION_COOKIE, readCookie } from './session-cookie.js';

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

export interface ApiDeps {
  config: CenterConfig;
  auth: AuthService;
  nodes: NodeRepository;
  alarms: AlarmRepository;
  handling: AlarmHandling;
  branchPanel: BranchPanel;
  index: NodeIndex;
  log: Logger;
  health: () => Promise<HealthResponse>;
  /** Searching and exporting the audit trail (auditors). */
  audit: AuditService;
  /** Live video; null when this center runs without a media server. */
  live: LiveVideo | null;
  onLogout: (session: Session) => void;
}

const clientIp = (req: Request): string | null => req.ip ?? req.socket.remoteAddress ?? null;

/** The REST API and the console's static files. Every /api route but login and health needs a session. */
export function createApi(deps: ApiDeps): express.Express {
  const { config, auth, nodes, alarms, index } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  app.use('/api', express.json({ limit: '256kb' }));

  const requireSession = (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const token =
      readCookie(req.headers.cookie, SESSION_COOKIE) ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    void auth.authenticate(token).then((session) => {
      if (!session) {
        next(new HttpError(401, 'unauthenticated', 'log in first'));
        return;
      }
      req.session = session;
      next();
    }, next);
  };
  const sessionOf = (req: Request): Session => {
    if (!req.session) {
      throw new HttpError(401, 'unauthenticated', 'log in first');
    }
    return req.session;
  };
  /** The node must exist and lie inside the user's jurisdiction. */
  const ensureVisible = (session: Session, nodeId: string): void => {
    if (!index.get(nodeId)) {
      throw new HttpError(404, 'not_found', `no node ${nodeId}`);
    }
    if (!index.isWithin(nodeId, session.user.jurisdiction)) {
      throw new HttpError(403, 'outside_jurisdiction', `${nodeId} is outside your jurisdiction`);
    }
  };

  app.get('/api/health', async (_req, res) => {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });

  app.post('/api/auth/login', async (req, res) => {
    const body = parseOr400(LoginRequest, req.body, 'login');
    const { token, user } = await auth.login(body.username, body.password, clientIp(req));
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.auth.secureCookies,
      path: '/',
    });
    res.json({ user } satisfies LoginResponse);
  });

  app.use('/api', requireSession);

  app.post('/api/auth/logout', async (req, res) => {
    const session = sessionOf(req);
    await auth.logout(session, clientIp(req));
    deps.onLogout(session);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  app.get('/api/me', (req, res) => {
    res.json({ user: sessionOf(req).user } satisfies LoginResponse);
  });

  app.get('/api/map', async (req, res) => {
    const session = sessionOf(req);
    const list = await nodes.mapNodes(session.user.jurisdiction);
    const root = list.find((n) => n.id === session.user.jurisdiction);
    const body: MapResponse = {
      center: session.user.center,
      basemap: {
        tileUrl: config.map.tileUrl,
        center: config.map.center ?? [root?.lat ?? config.node.lat, root?.lon ?? config.node.lon],
        zoom: config.map.zoom,
      },
      nodes: list,
    };
    res.json(body);
  });

  app.get('/api/nodes/:id', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'node id');
    ensureVisible(session, id);
    const subtree = await nodes.mapNodes(id);
    const node = subtree.find((n) => n.id === id);
    if (!node) {
      throw new HttpError(404, 'not_found', `no node ${id}`);
    }
    const record = index.get(id);
    const root = session.user.jurisdiction;
    const path = (record?.path ?? [])
      .slice((record?.path ?? []).indexOf(root))
      .map((p) => ({ id: p, name: index.nameOf(p) }));
    const lastPatrol = await nodes.lastHealthAt(id);
    const body: NodeDetailResponse = {
      node,
      path,
      children: subtree.filter((n) => n.parentId === id),
      devices: await nodes.devicesOf(id),
      cameras: await nodes.camerasOf(id),
      alarmInputs: await nodes.alarmInputsOf(id),
      recentAlarms: await alarms.list(root, { limit: 20, nodeId: id, state: 'all' }),
      lastPatrolAt: lastPatrol?.toISOString() ?? null,
    };
    res.json(body);
  });

  app.get('/api/alarms', async (req, res) => {
    const session = sessionOf(req);
    const query = parseOr400(AlarmListQuery, req.query, 'query');
    if (query.nodeId) {
      ensureVisible(session, query.nodeId);
    }
    res.json({ alarms: await alarms.list(session.user.jurisdiction, query) } satisfies AlarmListResponse);
  });

  /** An alarm the user may see, or 404 (an alarm outside the jurisdiction does not exist for them). */
  const visibleAlarm = async (session: Session, id: string): Promise<AlarmView> => {
    const view = await alarms.view(id);
    if (!view || view.signal === 'restore' || !index.isWithin(view.subject ?? view.origin, session.user.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no alarm ${id}`);
    }
    return view;
  };

  app.get('/api/alarms/:id', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(AlarmId, req.params.id, 'alarm id');
    const alarm = await visibleAlarm(session, id);
    res.json({ alarm, events: await deps.handling.history(id) } satisfies AlarmDetailResponse);
  });

  app.post('/api/alarms/:id/actions', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(AlarmId, req.params.id, 'alarm id');
    const body = parseOr400(AlarmActionRequest, req.body, 'alarm action');
    await visibleAlarm(session, id);
    const view = await deps.handling.act(session.user, id, body, { ip: clientIp(req) });
    deps.log.info({ alarmId: id, action: body.action, user: session.user.username }, 'alarm action');
    res.json(view);
  });

  app.get('/api/branches/:id/panel', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'branch id');
    res.json((await deps.branchPanel.view(session.user, id)) satisfies BranchPanelResponse);
  });

  app.post('/api/branches/:id/panic', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'branch id');
    const body = parseOr400(PanicRequest, req.body, 'panic request');
    const raised = await deps.branchPanel.panic(session.user, id, body.type, { ip: clientIp(req) });
    res.status(201).json(raised satisfies PanicResponse);
  });

  app.post('/api/branches/:id/zones/:zone/arm', async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'branch id');
    const zone = parseOr400(z.string().min(1).max(40), req.params.zone, 'zone');
    const body = parseOr400(ArmRequest, req.body, 'arming request');
    const result = await deps.branchPanel.arm(session.user, id, zone, body.armed, body.code, { ip: clientIp(req) });
    deps.log.info({ branch: id, zone, armed: body.armed, user: session.user.username }, 'zone arming changed');
    res.json(result);
  });

  const liveVideo = (): LiveVideo => {
    if (!deps.live) {
      throw new HttpError(503, 'video_disabled', 'this center runs without live video');
    }
    return deps.live;
  };

  app.post('/api/cameras/:id/play', async (req, res) => {
    const session = sessionOf(req);
    const cameraId = parseOr400(EntityId, req.params.id, 'camera id');
    const body = parseOr400(PlayRequest, req.body ?? {}, 'play request');
    res.json((await liveVideo().play(session.user, cameraId, body, { ip: clientIp(req) })) satisfies PlayResponse);
  });

  app.post('/api/cameras/:id/ptz', async (req, res) => {
    const session = sessionOf(req);
    const cameraId = parseOr400(EntityId, req.params.id, 'camera id');
    const body = parseOr400(PtzRequest, req.body, 'PTZ request');
    await liveVideo().ptz(session.user, cameraId, body, { ip: clientIp(req) });
    res.status(204).end();
  });

  app.use('/api/audit', auditRoutes({ audit: deps.audit, log: deps.log, clientIp }));

  app.use('/api', (req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));

  if (config.web.distDir) {
    const dist = resolve(config.web.distDir);
    const indexHtml = join(dist, 'index.html');
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // The console is a single-page app: every other GET gets its shell.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res, next) => {
      if (!existsSync(indexHtml)) {
        next(new HttpError(503, 'console_not_built', 'the web console is not built: run npm run build:web'));
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    });
  }

  app.use(errorHandler(deps.log));
  return app;
}
