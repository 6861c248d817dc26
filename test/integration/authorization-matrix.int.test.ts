import {
  allows,
  API_ROUTES,
  encode,
  newAlarmId,
  ROLE_PERMISSIONS,
  ROLES,
  routeKey,
  SOCKET_EVENT_ACCESS,
  upTopic,
  type ClientToServerEvents,
  type Role,
  type ServerToClientEvents,
} from '@bsm/protocol';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchSecret, startCenterFixture, type CenterFixture } from '../support/center-fixture.js';
import { waitFor } from '../support/wait.js';

const BRANCH = 'b-gulou';
const OTHER = 'b-taijiang';
const NOBODY = 'b-none';
const ALARM = '01J00000000000000000000000';

/** A request for each route of the table that passes validation far enough to reach the permission check and beyond. */
const SAMPLES: Record<string, { path: string; body?: unknown }> = {
  'GET /api/health': { path: '/api/health' },
  'POST /api/auth/login': { path: '/api/auth/login', body: {} },
  'POST /api/auth/login/totp': { path: '/api/auth/login/totp', body: {} },
  'POST /api/auth/login/enroll': { path: '/api/auth/login/enroll', body: {} },
  'POST /api/auth/logout': { path: '/api/auth/logout', body: {} },
  'POST /api/auth/sso-ticket': { path: '/api/auth/sso-ticket', body: { center: 'c-none' } },
  'POST /api/auth/sso': { path: '/api/auth/sso', body: {} },
  'GET /api/me': { path: '/api/me' },
  'GET /api/map': { path: '/api/map' },
  'GET /api/nodes/:id': { path: `/api/nodes/${BRANCH}` },
  'GET /api/alarms': { path: '/api/alarms' },
  'GET /api/alarms/:id': { path: `/api/alarms/${ALARM}` },
  'POST /api/alarms/:id/actions': { path: `/api/alarms/${ALARM}/actions`, body: { action: 'acknowledge' } },
  'GET /api/branches/:id/panel': { path: `/api/branches/${NOBODY}/panel` },
  'POST /api/branches/:id/panic': { path: `/api/branches/${NOBODY}/panic`, body: { type: 'panic', confirm: true } },
  'POST /api/branches/:id/zones/:zone/arm': {
    path: `/api/branches/${NOBODY}/zones/01/arm`,
    body: { armed: true, code: '1234' },
  },
  'POST /api/cameras/:id/play': { path: `/api/cameras/${NOBODY}.cam1/play`, body: {} },
  'POST /api/cameras/:id/ptz': { path: `/api/cameras/${NOBODY}.cam1/ptz`, body: { kind: 'move', action: 'left' } },
  'GET /api/audit': { path: '/api/audit' },
  'GET /api/audit/export': { path: '/api/audit/export?format=ndjson' },
  'GET /api/audit/sources': { path: '/api/audit/sources' },
  'GET /api/org': { path: '/api/org' },
  'GET /api/users': { path: '/api/users' },
  'POST /api/users': { path: '/api/users', body: {} },
  'PATCH /api/users/:username': { path: '/api/users/nobody', body: { disabled: true } },
  'POST /api/users/:username/password': { path: '/api/users/nobody/password', body: { password: 'x' } },
  'POST /api/users/:username/reset-totp': { path: '/api/users/nobody/reset-totp', body: {} },
  'POST /api/users/:username/unlock': { path: '/api/users/nobody/unlock', body: {} },
};

const userOf = (role: Role): string => `u-${role.replace('_', '-')}`;

/**
 * The authorization matrix: every role against every REST route, socket
 * event and MQTT topic, generated from the tables the center enforces
 * (`API_ROUTES`, `SOCKET_EVENT_ACCESS`, the broker's ACL). Allowed means
 * the permission check let the request through (it may still fail on
 * what it asks for); refused means 403 `forbidden`, before the request is read.
 * Media URLs, which need a media server and a camera, are the same table's
 * play route per role in test/integration/live-video.int.test.ts.
 */
describe('authorization matrix', () => {
  let fx: CenterFixture;
  const cookies = new Map<Role, string>();

  beforeAll(async () => {
    fx = await startCenterFixture({
      branches: [BRANCH, OTHER],
      users: [
        ...ROLES.map((role) => ({
          username: userOf(role),
          role,
          ...(role === 'branch_staff' ? { jurisdiction: BRANCH } : {}),
        })),
        { username: 'watcher', role: 'operator' as const },
      ],
    });
    for (const role of ROLES) {
      cookies.set(role, await fx.cookieOf(userOf(role)));
    }
  });

  afterAll(async () => {
    await fx?.close();
  });

  const call = (route: { method: string; path: string }, cookie: string): Promise<Response> => {
    const sample = SAMPLES[routeKey(route as (typeof API_ROUTES)[number])];
    if (!sample) {
      throw new Error(`no sample request for ${routeKey(route as (typeof API_ROUTES)[number])}`);
    }
    return fetch(`${fx.center.httpUrl}${sample.path}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}),
    });
  };

  it('has a sample request for every route of the table', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(API_ROUTES.map(routeKey).sort());
  });

  // Logout last: it ends the session the other rows use.
  const routes = [...API_ROUTES].sort(
    (a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'),
  );

  for (const role of ROLES) {
    describe(`as ${role}`, () => {
      for (const route of routes) {
        const allowed = allows(route.access, ROLE_PERMISSIONS[role]);
        it(`${allowed ? 'may' : 'may not'} ${routeKey(route)}`, async () => {
          const res = await call(route, cookies.get(role) ?? '');
          const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
          if (allowed) {
            expect(res.status, JSON.stringify(body)).not.toBe(401);
            expect(body.error?.code, `${res.status} ${JSON.stringify(body)}`).not.toBe('forbidden');
          } else {
            expect(res.status).toBe(403);
            expect(body.error?.code).toBe('forbidden');
          }
        });
      }
    });
  }

  describe('without a session', () => {
    for (const route of API_ROUTES) {
      it(`${route.access === 'public' ? 'may' : 'may not'} ${routeKey(route)}`, async () => {
        const res = await call(route, '');
        if (route.access === 'public') {
          expect(res.status).not.toBe(401);
        } else {
          expect(res.status).toBe(401);
        }
      });
    }
  });

  it('pushes alarms to the roles allowed them, within their jurisdiction, and to nobody else', async () => {
    const got = new Map<Role, string[]>();
    const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
    for (const role of ROLES) {
      const cookie = await fx.cookieOf(userOf(role));
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(fx.center.httpUrl, {
        extraHeaders: { cookie },
        transports: ['websocket'],
      });
      sockets.push(socket);
      got.set(role, []);
      socket.on('alarm:new', (alarm) => got.get(role)?.push(alarm.origin));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    try {
      fx.branches.get(BRANCH)?.raise();
      fx.branches.get(OTHER)?.raise();
      await waitFor('the operator got both alarms', () => (got.get('operator')?.length ?? 0) === 2);
      // Time for a wrongly routed push to arrive too.
      await new Promise((r) => setTimeout(r, 500));
      for (const role of ROLES) {
        const mayReceive = allows(SOCKET_EVENT_ACCESS['alarm:new'], ROLE_PERMISSIONS[role]);
        const expected = !mayReceive ? [] : role === 'branch_staff' ? [BRANCH] : [BRANCH, OTHER];
        expect(got.get(role)?.sort(), role).toEqual(expected.sort());
      }
    } finally {
      for (const s of sockets) {
        s.disconnect();
      }
    }
  });

  it('lets a branch publish only under its own topics and read only its own commands (broker ACL)', async () => {
    // The branch's own credentials on a second connection, trying to pass for the other branch.
    const spoofer = await mqtt.connectAsync(fx.center.brokerUrl, {
      clientId: `spoof-${BRANCH}`,
      username: BRANCH,
      password: branchSecret(BRANCH),
      reconnectPeriod: 0,
    });
    // Reading another node's commands: the SUBACK refuses it (0x80), the connection stays.
    await expect(spoofer.subscribeAsync(`bsm/v1/${OTHER}/down/+`, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(spoofer.connected).toBe(true);
    const spoofed = {
      id: newAlarmId(),
      origin: OTHER,
      seq: 999,
      path: [OTHER],
      type: 'panic',
      priority: 1,
      linkedCameras: [],
      occurredAt: new Date().toISOString(),
      source: 'panel',
    };
    // The broker acknowledges the publish (MQTT has no refusal for it) and delivers it nowhere.
    await spoofer.publishAsync(upTopic(OTHER, 'alarm'), Buffer.from(encode(spoofed)), { qos: 1 });
    await spoofer.endAsync();
    // Its own branch's alarms still flow, and the spoofed one was never stored.
    const branch = fx.branches.get(BRANCH);
    const own = branch?.raise();
    await waitFor('ack of its own alarm', () => branch?.acks.some((a) => a.ids.includes(own?.id ?? '')) === true);
    const cookie = await fx.cookieOf('watcher');
    expect((await fetch(`${fx.center.httpUrl}/api/alarms/${spoofed.id}`, { headers: { cookie } })).status).toBe(404);
    // A node the center does not know cannot connect at all.
    await expect(
      mqtt.connectAsync(fx.center.brokerUrl, { username: 'intruder', password: 'guess', reconnectPeriod: 0 }),
    ).rejects.toThrow();
  });
});
