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
  EnrollRequest,
  LoginRequest,
  NodeId,
  TotpLoginRequest,
  type MeResponse,
  type AlarmListResponse,
  type HealthResponse,
  type LoginResponse,
  type MapResponse,
  type NodeDetailResponse,
  allows,
  nulPath,
  API_ROUTES,
  routeKey,
  type ApiRouteKey,
  type Permission,
  CreateUserRequest,
  SetPasswordRequest,
  UpdateUserRequest,
  Username,
  type OrgResponse,
  type UserListResponse,
  SsoLoginRequest,
  SsoTicketRequest,
  type SsoTicketResponse,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { z } from 'zod';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuthService, Session, SignedIn } from '../auth/auth.service.js';
import type { SingleSignOn } from '../auth/sso.service.js';
import type { AuditService } from '../audit/audit-service.js';
import { auditRoutes } from './audit-routes.js';
import { mediaProxy } from './media-proxy.js';
import type { CenterConfig } from '../config.js';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { AlarmHandling } from '../services/alarm-handling.js';
import type { BranchPanel } from '../services/branch-panel.js';
import type { NodeRepository } from '../repositories/node.repository.js';
import type { LiveVideo } from '../services/live-video.js';
import type { UserAdmin } from '../services/user-admin.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { NodeIndex } from '../services/node-index.js';
import { IpRules } from '../auth/ip-rules.js';
import { errorHandler, HttpError, parseOr400 } from './http-errors.js';
import { readCookie, sessionCookieName } from './session-cookie.js';

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
  userAdmin: UserAdmin;
  /** This center's audit chain, for entries the API writes itself (refused administration). */
  auditLog: AuditRepository;
  sso: SingleSignOn;
}

/**
 * The console loads only its own files: scripts and connections from its
 * origin, images also as data/blob URLs (the QR code, snapshots) and from
 * the intranet tile server when one is configured, video through MSE blobs;
 * so one markup-injection bug cannot load or send anything elsewhere.
 * Inline styles stay allowed (the map library positions with them).
 */
export function contentSecurityPolicy(tileUrl: string | null): string {
  let tiles = '';
  if (tileUrl) {
    try {
      tiles = ` ${new URL(tileUrl.replace(/\{[a-z]\}/g, '0')).origin}`;
    } catch {
      tiles = '';
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The pattern of the route that answered (`/api/cameras/:id/play`), or the path when none did. */
const routePath = (req: Request): string => {
  const route = (req as { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? route.path : req.path;
};

/** This console's origin as the client reached it: `http.publicUrl` when set, else the request's own. */
const consoleOriginOf =
  (publicUrl: string | undefined) =>
  (req: Request): string => {
    if (publicUrl) {
      return publicUrl.replace(/\/$/, '');
    }
    const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
    return `${secure ? 'https' : 'http'}://${req.get('host') ?? '127.0.0.1'}`;
  };

/** The peer's address as the socket sees it (a reverse proxy in front would need its own rule). */
const clientIp = (req: Request): string | null => req.socket.remoteAddress ?? null;

/** The REST API and the console's static files. Every /api route but login and health needs a session. */
export function createApi(deps: ApiDeps): express.Express {
  const { config, auth, nodes, alarms, index } = deps;
  const app = express();
  app.disable('x-powered-by');
  const contentPolicy = contentSecurityPolicy(config.map.tileUrl);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Content-Security-Policy', contentPolicy);
    next();
  });
  const ipRules = new IpRules(config.security);
  const consoleOrigin = consoleOriginOf(config.http.publicUrl);
  const SESSION_COOKIE = sessionCookieName(config.node.id);
  // S5: only the allowed client networks reach this center at all (console files included).
  app.use((req, _res, next) => {
    next(
      ipRules.clientAllowed(clientIp(req))
        ? undefined
        : new HttpError(403, 'address_refused', 'this center does not serve your address'),
    );
  });
  app.use('/api', express.json({ limit: '256kb' }));
  // Text with a NUL character cannot be stored (PostgreSQL): refused here, with the field, not as a 500 later.
  app.use('/api', (req, _res, next) => {
    const where = nulPath(req.body) ?? nulPath(req.query, 'query');
    if (where !== null) {
      next(
        new HttpError(400, 'invalid_request', 'a NUL character is not allowed in text', [
          { path: where, message: 'a NUL character is not allowed in text' },
        ]),
      );
      return;
    }
    next();
  });

  const requireSession = (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const token =
      readCookie(req.headers.cookie, SESSION_COOKIE) ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    void auth.authenticate(token).then((session) => {
      if (!session) {
        next(new HttpError(401, 'unauthenticated', 'log in first'));
        return;
      }
      // A session taken elsewhere does not work outside the user's own address ranges.
      if (!IpRules.userAllowed(clientIp(req), session.allowedIps)) {
        next(new HttpError(403, 'address_refused', 'this account may not work from your address'));
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
  const accessOf = new Map(API_ROUTES.map((r) => [routeKey(r), r.access]));
  /**
   * A refused call, in the audit trail. The refusal waits for the record but never fails because of it:
   * a failed write is logged loudly by the trail.
   */
  const recordRefusal = async (req: Request, key: string, code: string, needs: string): Promise<void> => {
    await deps.auditLog
      .append({
        actor: req.session?.user.username ?? null,
        action: 'access.refused',
        target: key,
        outcome: 'failure',
        ip: clientIp(req),
        detail: { code, needs, path: req.originalUrl.slice(0, 300) },
      })
      .catch(() => undefined);
  };
  /**
   * The permission check of a route, from the one table in the protocol
   * (`API_ROUTES`): registered with each route, before anything reads the
   * request, so a refusal never depends on the body.
   */
  const guard =
    (key: ApiRouteKey) =>
    (req: Request, _res: Response, next: NextFunction): void => {
      const access = accessOf.get(key);
      if (access === undefined) {
        next(new HttpError(500, 'internal', `route ${key} has no access rule`));
        return;
      }
      const held = req.session?.user.permissions ?? null;
      if (access === 'public' || allows(access, held)) {
        // S4: what the user would use here, if only local-only functions, works from the management network alone.
        const using = typeof access === 'object' ? access.anyOf.filter((p) => held?.includes(p)) : [];
        const localOnly = using.length > 0 && using.every((p) => config.security.localOnly.includes(p));
        if (localOnly && !ipRules.fromManagementNetwork(clientIp(req))) {
          refuseRecorded(
            req,
            next,
            key,
            new HttpError(403, 'remote_refused', `${key} works only from this center's management network`),
            using.join(' or '),
          );
          return;
        }
        next();
        return;
      }
      const wanted = typeof access === 'object' ? access.anyOf.join(' or ') : 'a session';
      // An attempt beyond one's permissions is what an auditor looks for: recorded, then refused.
      refuseRecorded(req, next, key, new HttpError(403, 'forbidden', `${key} needs the ${wanted} permission`), wanted);
    };
  /** Records the guard's refusal, then refuses: the error handler does not record it again. */
  const refuseRecorded = (req: Request, next: NextFunction, key: string, error: HttpError, needs: string): void => {
    error.recorded = true;
    void recordRefusal(req, key, error.code, needs).finally(() => next(error));
  };
  /** Within a route whose rule admits several permissions: this particular use needs one of these. */
  const requirePermission = (session: Session, wanted: readonly Permission[], what: string): void => {
    if (!wanted.some((p) => session.user.permissions.includes(p))) {
      throw new HttpError(403, 'forbidden', `${what} needs the ${wanted.join(' or ')} permission`);
    }
  };
  /** The node must exist and lie inside the user's jurisdiction. */
  const ensureVisible = (session: Session, nodeId: string): void => {
    // Outside the jurisdiction a node does not exist for the user: the same answer as for an unknown id,
    // so ids cannot be probed (the refusal is logged and recorded all the same).
    if (!index.get(nodeId) || !index.isWithin(nodeId, session.user.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no node ${nodeId}`);
    }
  };

  app.get('/api/health', guard('GET /api/health'), async (_req, res) => {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });

  const signedIn = (res: Response, done: SignedIn): void => {
    res.cookie(SESSION_COOKIE, done.token, {
      httpOnly: true,
      sameSite: 'strict',
      // Over HTTPS, here or at a proxy in front, the cookie never travels in clear.
      secure: config.auth.secureCookies || config.http.tls !== undefined,
      path: '/',
    });
    res.json({
      step: 'done',
      user: done.user,
      ...(done.recoveryCodes ? { recoveryCodes: done.recoveryCodes } : {}),
    } satisfies LoginResponse);
  };

  app.post('/api/auth/login', guard('POST /api/auth/login'), async (req, res) => {
    const body = parseOr400(LoginRequest, req.body, 'login');
    res.json((await auth.login(body.username, body.password, clientIp(req))) satisfies LoginResponse);
  });

  app.post('/api/auth/login/totp', guard('POST /api/auth/login/totp'), async (req, res) => {
    const body = parseOr400(TotpLoginRequest, req.body, 'second factor');
    const factor = 'code' in body ? { code: body.code } : { recoveryCode: body.recoveryCode };
    signedIn(res, await auth.completeTotp(body.challenge, factor, clientIp(req)));
  });

  app.post('/api/auth/login/enroll', guard('POST /api/auth/login/enroll'), async (req, res) => {
    const body = parseOr400(EnrollRequest, req.body, 'enrolment');
    signedIn(res, await auth.completeEnrollment(body.challenge, body.code, clientIp(req)));
  });

  app.post('/api/auth/sso', guard('POST /api/auth/sso'), async (req, res) => {
    const body = parseOr400(SsoLoginRequest, req.body, 'sign-on ticket');
    signedIn(res, await deps.sso.accept(body.ticket, clientIp(req)));
  });

  app.use('/api', requireSession);

  app.post('/api/auth/sso-ticket', guard('POST /api/auth/sso-ticket'), async (req, res) => {
    const body = parseOr400(SsoTicketRequest, req.body, 'ticket request');
    res.json((await deps.sso.issue(sessionOf(req), body.center)) satisfies SsoTicketResponse);
  });

  app.post('/api/auth/logout', guard('POST /api/auth/logout'), async (req, res) => {
    const session = sessionOf(req);
    await auth.logout(session, clientIp(req));
    deps.onLogout(session);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  app.get('/api/me', guard('GET /api/me'), (req, res) => {
    res.json({ user: sessionOf(req).user } satisfies MeResponse);
  });

  app.get('/api/map', guard('GET /api/map'), async (req, res) => {
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

  app.get('/api/nodes/:id', guard('GET /api/nodes/:id'), async (req, res) => {
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

  app.get('/api/alarms', guard('GET /api/alarms'), async (req, res) => {
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

  app.get('/api/alarms/:id', guard('GET /api/alarms/:id'), async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(AlarmId, req.params.id, 'alarm id');
    const alarm = await visibleAlarm(session, id);
    res.json({ alarm, events: await deps.handling.history(id) } satisfies AlarmDetailResponse);
  });

  app.post('/api/alarms/:id/actions', guard('POST /api/alarms/:id/actions'), async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(AlarmId, req.params.id, 'alarm id');
    const body = parseOr400(AlarmActionRequest, req.body, 'alarm action');
    await visibleAlarm(session, id);
    const view = await deps.handling.act(session.user, id, body, { ip: clientIp(req) });
    deps.log.info({ alarmId: id, action: body.action, user: session.user.username }, 'alarm action');
    res.json(view);
  });

  app.get('/api/branches/:id/panel', guard('GET /api/branches/:id/panel'), async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'branch id');
    res.json((await deps.branchPanel.view(session.user, id)) satisfies BranchPanelResponse);
  });

  app.post('/api/branches/:id/panic', guard('POST /api/branches/:id/panic'), async (req, res) => {
    const session = sessionOf(req);
    const id = parseOr400(NodeId, req.params.id, 'branch id');
    const body = parseOr400(PanicRequest, req.body, 'panic request');
    const raised = await deps.branchPanel.panic(session.user, id, body.type, { ip: clientIp(req) });
    res.status(201).json(raised satisfies PanicResponse);
  });

  app.post('/api/branches/:id/zones/:zone/arm', guard('POST /api/branches/:id/zones/:zone/arm'), async (req, res) => {
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

  app.post('/api/cameras/:id/play', guard('POST /api/cameras/:id/play'), async (req, res) => {
    const session = sessionOf(req);
    const cameraId = parseOr400(EntityId, req.params.id, 'camera id');
    const body = parseOr400(PlayRequest, req.body ?? {}, 'play request');
    requirePermission(session, [body.purpose === 'playback' ? 'playback' : 'live'], `${body.purpose} video`);
    const granted = await liveVideo().play(session.user, cameraId, body, { ip: clientIp(req) });
    // Played through this console's origin: the address the browser reached us at (or the configured one).
    const url = granted.url.startsWith('/') ? `${consoleOrigin(req)}${granted.url}` : granted.url;
    res.json({ ...granted, url } satisfies PlayResponse);
  });

  app.post('/api/cameras/:id/ptz', guard('POST /api/cameras/:id/ptz'), async (req, res) => {
    const session = sessionOf(req);
    const cameraId = parseOr400(EntityId, req.params.id, 'camera id');
    const body = parseOr400(PtzRequest, req.body, 'PTZ request');
    await liveVideo().ptz(session.user, cameraId, body, { ip: clientIp(req) });
    res.status(204).end();
  });

  // User administration (security administrators). A refused change is audited too: an attempt to exceed
  // one's rights is what an auditor looks for.
  const administered = async (
    req: Request,
    action: string,
    target: string,
    run: () => Promise<void>,
  ): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof HttpError) {
        await deps.auditLog.append({
          actor: sessionOf(req).user.username,
          action,
          target,
          outcome: 'failure',
          ip: clientIp(req),
          detail: { code: error.code, reason: error.message },
        });
        error.recorded = true;
      }
      throw error;
    }
  };

  app.get('/api/org', guard('GET /api/org'), (req, res) => {
    const root = sessionOf(req).user.jurisdiction;
    const body: OrgResponse = {
      nodes: index.within(root).map((n) => ({
        id: n.id,
        parentId: n.id === root ? null : n.parentId,
        kind: n.kind,
        name: n.name,
      })),
    };
    res.json(body);
  });

  app.get('/api/users', guard('GET /api/users'), async (req, res) => {
    res.json({ users: await deps.userAdmin.list(sessionOf(req).user) } satisfies UserListResponse);
  });

  app.post('/api/users', guard('POST /api/users'), async (req, res) => {
    const body = parseOr400(CreateUserRequest, req.body, 'new user');
    await administered(req, 'user.create', body.username, async () => {
      res.status(201).json(await deps.userAdmin.create(sessionOf(req).user, body, clientIp(req)));
    });
  });

  app.patch('/api/users/:username', guard('PATCH /api/users/:username'), async (req, res) => {
    const username = parseOr400(Username, req.params.username, 'user name');
    const body = parseOr400(UpdateUserRequest, req.body, 'user change');
    await administered(req, 'user.update', username, async () => {
      res.json(await deps.userAdmin.update(sessionOf(req).user, username, body, clientIp(req)));
    });
  });

  app.post('/api/users/:username/password', guard('POST /api/users/:username/password'), async (req, res) => {
    const username = parseOr400(Username, req.params.username, 'user name');
    const body = parseOr400(SetPasswordRequest, req.body, 'password');
    await administered(req, 'user.password_set', username, async () => {
      await deps.userAdmin.setPassword(sessionOf(req).user, username, body.password, clientIp(req));
      res.status(204).end();
    });
  });

  app.post('/api/users/:username/reset-totp', guard('POST /api/users/:username/reset-totp'), async (req, res) => {
    const username = parseOr400(Username, req.params.username, 'user name');
    await administered(req, 'user.totp_reset', username, async () => {
      await deps.userAdmin.resetTotp(sessionOf(req).user, username, clientIp(req));
      res.status(204).end();
    });
  });

  app.post('/api/users/:username/unlock', guard('POST /api/users/:username/unlock'), async (req, res) => {
    const username = parseOr400(Username, req.params.username, 'user name');
    await administered(req, 'user.unlock', username, async () => {
      await deps.userAdmin.unlock(sessionOf(req).user, username, clientIp(req));
      res.status(204).end();
    });
  });
  // The auditors' routes live in their own router; their rules are in the one table like every other route.
  app.get('/api/audit', guard('GET /api/audit'));
  app.get('/api/audit/export', guard('GET /api/audit/export'));
  app.get('/api/audit/sources', guard('GET /api/audit/sources'));
  app.use('/api/audit', auditRoutes({ audit: deps.audit, log: deps.log, clientIp }));

  app.use('/api', (req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));

  // Live video for browsers, on the console's own origin (signed URLs; the media server checks them).
  app.get(
    '/live/:file',
    mediaProxy(() => (deps.live ? { host: config.media.host, port: deps.live.ports.http } : null)),
  );

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

  app.use(
    errorHandler(deps.log, async (req, error) => {
      // A refusal inside a route (another jurisdiction's camera, an id that is not there) is what probing
      // looks like: logged, and recorded for signed-in users, once: the guard and the audited operations
      // record their own refusals under what was refused.
      deps.log.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: error.status,
          code: error.code,
          user: req.session?.user.username,
        },
        error.message,
      );
      if (req.session && !error.recorded) {
        await recordRefusal(req, `${req.method} ${routePath(req)}`, error.code, error.message);
      }
    }),
  );
  return app;
}
