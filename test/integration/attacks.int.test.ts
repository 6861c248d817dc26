import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encode,
  MAX_MQTT_PACKET_BYTES,
  newAlarmId,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  upTopic,
  type Alarm,
  type AlarmDetailResponse,
  type AlarmListResponse,
  type AlarmView,
  type Catalog,
  type ClientToServerEvents,
  type HealthResponse,
  type MapResponse,
  type MeResponse,
  type NodeDetailResponse,
  type ServerToClientEvents,
  type UserListResponse,
  type UserSummary,
} from '@bsm/protocol';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCenterFixture, type CenterFixture, type FixtureBranch } from '../support/center-fixture.js';
import { startCenterProcess, type CenterProcess } from '../support/center-process.js';
import { callApi, rawRequest, refusal, type Answer } from '../support/http.js';
import { waitFor } from '../support/wait.js';

/**
 * The attacks of the security issue, against a real center (PostgreSQL,
 * embedded broker, media server, the console's static files): an officer
 * reaching another jurisdiction by id, an operator or an ordinary user
 * trying to exceed their rights, path traversal, SQL injection, markup
 * injection, malformed and spoofed MQTT. Every refusal is asserted with its
 * exact status and code.
 *
 * Covered elsewhere and not repeated here: brute force and lock-out, and a
 * session replayed after logout (apps/center/src/auth/two-factor.int.test.ts);
 * a security administrator exceeding their rights (user-admin.int.test.ts);
 * MQTT topic spoofing and subscribing to another node's commands
 * (authorization-matrix.int.test.ts); single sign-on ticket forgery and replay
 * (single-sign-on.int.test.ts).
 *
 * Recordings (playback, export, C2c/C1d) do not exist in the product yet: no
 * route takes a recording id or a file name, so "another jurisdiction's
 * recording by id" has nothing to attack; add it here with the routes.
 *
 * Tests whose comment starts "Found and fixed" pinned a weakness these
 * attacks found (with `it.fails` while it was open); each names the input.
 */

const BRANCH_A = 'b-a';
const BRANCH_B = 'b-b';
const SECRET_MARKER = 'TOP-SECRET-OUTSIDE-THE-WEB-DIST';
const PACKAGE_MARKER = 'outside-dist-package-marker';
const SHELL =
  '<!doctype html><html><head><title>bsm-console-shell</title></head><body><div id="root"></div></body></html>';

/** A branch's full catalog as its agent would publish it: itself, a recorder, a PTZ camera and a panic input. */
const catalogOf = (id: string, revision: number, names: { node?: string; camera?: string } = {}): Catalog => ({
  publisher: id,
  mode: 'full',
  revision,
  at: new Date().toISOString(),
  nodes: [
    { id, parentId: null, kind: 'branch', name: names.node ?? `网点 ${id}`, lat: 26.08, lon: 119.29, importance: 1 },
  ],
  devices: [{ id: `${id}.nvr1`, nodeId: id, kind: 'nvr', name: '录像机' }],
  cameras: [
    {
      id: `${id}.cam1`,
      nodeId: id,
      deviceId: `${id}.nvr1`,
      name: names.camera ?? '现金柜台',
      ptz: true,
      important: true,
      streams: [],
    },
  ],
  alarmInputs: [
    { id: `${id}.in1`, nodeId: id, name: '柜台紧急按钮', zone: '01', type: 'panic', linkedCameras: [`${id}.cam1`] },
  ],
  states: [],
});

/** Row counts of the tables an injection would touch. */
async function tableCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of ['alarms', 'alarm_events', 'nodes', 'cameras', 'users', 'sessions']) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      counts[table] = Number(rows[0]?.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

/** Failures of `actor` in the audit trail that name `about` (as the target or anywhere in the detail). */
async function auditFailures(
  databaseUrl: string,
  actor: string,
  about: string,
): Promise<{ action: string; target: string }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (
      await client.query<{ action: string; target: string }>(
        `SELECT action, target FROM audit_events
          WHERE actor = $1 AND outcome = 'failure' AND (target = $2 OR strpos(detail::text, $2) > 0) ORDER BY id`,
        [actor, about],
      )
    ).rows;
  } finally {
    await client.end();
  }
}

async function alarmsWithId(databaseUrl: string, id: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM alarms WHERE id = $1', [id]);
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/** Raises a good alarm and waits for the center's ack of it (stored, then acknowledged). */
async function raiseAndAck(branch: FixtureBranch, over: Partial<Alarm> = {}): Promise<Alarm> {
  const alarm = branch.raise(over);
  await waitFor(`ack of ${alarm.id}`, () => branch.acks.some((a) => a.ids.includes(alarm.id)));
  return alarm;
}

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function connectSocket(url: string, cookie: string): Promise<ConsoleSocket> {
  const socket: ConsoleSocket = io(url, { extraHeaders: { cookie }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('attacks on the REST API, the socket and the console files', () => {
  let fx: CenterFixture;
  let webRoot = '';
  const cookies = new Map<string, string>();
  let alarmA: Alarm;
  let alarmB: Alarm;

  const as = (username: string | null, method: string, path: string, body?: unknown): Promise<Answer> =>
    callApi(fx.center.httpUrl, { method, path, cookie: username ? cookies.get(username) : null, body });
  const branch = (id: string): FixtureBranch => {
    const b = fx.branches.get(id);
    if (!b) {
      throw new Error(`no fixture branch ${id}`);
    }
    return b;
  };

  beforeAll(async () => {
    // The console's files, with a secret and a package.json beside them (outside the dist) for traversal to find.
    webRoot = mkdtempSync(join(tmpdir(), 'bsm-attacks-web-'));
    mkdirSync(join(webRoot, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(webRoot, 'dist', 'index.html'), SHELL);
    writeFileSync(join(webRoot, 'dist', 'assets', 'app.js'), 'console.log("console");\n');
    writeFileSync(join(webRoot, 'secret.txt'), SECRET_MARKER);
    writeFileSync(join(webRoot, 'package.json'), JSON.stringify({ name: PACKAGE_MARKER }));
    fx = await startCenterFixture({
      branches: [BRANCH_A, BRANCH_B],
      users: [
        { username: 'watcher', role: 'operator' },
        { username: 'op-a', role: 'operator', jurisdiction: BRANCH_A },
        { username: 'viewer', role: 'ordinary_user' },
        { username: 'secadmin', role: 'security_admin' },
        { username: 'staff-a', role: 'branch_staff', jurisdiction: BRANCH_A },
      ],
      config: {
        media: { enabled: true, rtmpPort: 0, httpPort: 0 },
        web: { distDir: join(webRoot, 'dist') },
      },
    });
    for (const username of ['watcher', 'op-a', 'viewer', 'secadmin', 'staff-a']) {
      cookies.set(username, await fx.cookieOf(username));
    }
    alarmA = await raiseAndAck(branch(BRANCH_A), { inputId: `${BRANCH_A}.in1` });
    alarmB = await raiseAndAck(branch(BRANCH_B), { inputId: `${BRANCH_B}.in1`, type: 'panic', priority: 1 });
  });

  afterAll(async () => {
    await fx?.close();
    if (webRoot) {
      rmSync(webRoot, { recursive: true, force: true });
    }
  });

  describe("another jurisdiction's nodes, cameras and alarms by id", () => {
    // op-a watches branch A only; everything of branch B is asked for by its id, as a curious officer would.
    const cameraB = `${BRANCH_B}.cam1`;

    it("refuses branch B's node, and the center above, as if they did not exist", async () => {
      expect(refusal(await as('op-a', 'GET', `/api/nodes/${BRANCH_B}`))).toEqual({
        status: 404,
        code: 'not_found',
      });
      expect(refusal(await as('op-a', 'GET', '/api/nodes/fz'))).toEqual({ status: 404, code: 'not_found' });
      // A node that does not exist anywhere gets the same answer: ids cannot be probed.
      expect(refusal(await as('op-a', 'GET', '/api/nodes/b-nowhere'))).toEqual({ status: 404, code: 'not_found' });
      expect(refusal(await as('op-a', 'GET', `/api/alarms?nodeId=${BRANCH_B}`))).toEqual({
        status: 404,
        code: 'not_found',
      });
    });

    it("refuses to play or steer branch B's camera", async () => {
      expect(refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/play`, {}))).toEqual({
        status: 404,
        code: 'not_found',
      });
      expect(refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/play`, { purpose: 'playback' }))).toEqual({
        status: 404,
        code: 'not_found',
      });
      expect(
        refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/ptz`, { kind: 'move', action: 'left' })),
      ).toEqual({ status: 404, code: 'not_found' });
      expect(
        refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/ptz`, { kind: 'preset', op: 'set', preset: 1 })),
      ).toEqual({ status: 404, code: 'not_found' });
    });

    it("does not show, or let anyone act on, branch B's alarm", async () => {
      expect(refusal(await as('op-a', 'GET', `/api/alarms/${alarmB.id}`))).toEqual({ status: 404, code: 'not_found' });
      for (const body of [
        { action: 'acknowledge' },
        { action: 'note', note: '不是我的辖区' },
        { action: 'close', disposition: 'false_alarm', note: 'x' },
      ]) {
        expect(refusal(await as('op-a', 'POST', `/api/alarms/${alarmB.id}/actions`, body))).toEqual({
          status: 404,
          code: 'not_found',
        });
      }
      // Branch B's alarm is untouched: still new, no officer's event in its history.
      const detail = (await as('watcher', 'GET', `/api/alarms/${alarmB.id}`)).body as unknown as AlarmDetailResponse;
      expect(detail.alarm.status).toBe('new');
      expect(detail.events.filter((e) => e.by.startsWith('op-a@'))).toEqual([]);
    });

    it("refuses branch B's panel, its zones and its panic button, to its officers and to another branch's staff", async () => {
      expect(refusal(await as('op-a', 'GET', `/api/branches/${BRANCH_B}/panel`))).toEqual({
        status: 404,
        code: 'not_found',
      });
      for (const armed of [false, true]) {
        expect(
          refusal(await as('op-a', 'POST', `/api/branches/${BRANCH_B}/zones/01/arm`, { armed, code: '1234' })),
        ).toEqual({ status: 404, code: 'not_found' });
      }
      // Branch A's staff at their own panel, reaching for branch B.
      expect(refusal(await as('staff-a', 'GET', `/api/branches/${BRANCH_B}/panel`))).toEqual({
        status: 404,
        code: 'not_found',
      });
      expect(
        refusal(await as('staff-a', 'POST', `/api/branches/${BRANCH_B}/zones/01/arm`, { armed: false, code: '1234' })),
      ).toEqual({ status: 404, code: 'not_found' });
      expect(
        refusal(await as('staff-a', 'POST', `/api/branches/${BRANCH_B}/panic`, { type: 'duress', confirm: true })),
      ).toEqual({ status: 404, code: 'not_found' });
      expect(refusal(await as('staff-a', 'GET', `/api/nodes/${BRANCH_B}`))).toEqual({
        status: 404,
        code: 'not_found',
      });
    });

    it('lists nothing of branch B: alarms, the map, node details', async () => {
      for (const query of ['', '?state=open', '?state=all&limit=500', '?responsible=true', '?type=panic']) {
        const res = await as('op-a', 'GET', `/api/alarms${query}`);
        expect(res.status, query).toBe(200);
        const alarms = (res.body as unknown as AlarmListResponse).alarms;
        expect(
          alarms.filter((a) => a.origin !== BRANCH_A || (a.subject ?? BRANCH_A) !== BRANCH_A),
          query,
        ).toEqual([]);
      }
      const own = (await as('op-a', 'GET', '/api/alarms')).body as unknown as AlarmListResponse;
      expect(own.alarms.map((a) => a.id)).toContain(alarmA.id);
      const map = (await as('op-a', 'GET', '/api/map')).body as unknown as MapResponse;
      expect(map.nodes.map((n) => n.id)).toEqual([BRANCH_A]);
      const node = (await as('op-a', 'GET', `/api/nodes/${BRANCH_A}`)).body as unknown as NodeDetailResponse;
      expect(node.path.map((p) => p.id)).toEqual([BRANCH_A]);
      expect(node.recentAlarms.every((a) => a.origin === BRANCH_A)).toBe(true);
      expect(node.cameras.map((c) => c.id)).toEqual([`${BRANCH_A}.cam1`]);
    });

    it("pushes nothing of branch B to branch A's officer: no alarm, update, catalog or state", async () => {
      const watcherSocket = await connectSocket(fx.center.httpUrl, cookies.get('watcher') ?? '');
      const opSocket = await connectSocket(fx.center.httpUrl, cookies.get('op-a') ?? '');
      const seen = { watcher: [] as string[], op: [] as string[] };
      const record = (socket: ConsoleSocket, into: string[]): void => {
        socket.on('alarm:new', (a: AlarmView) => into.push(`alarm:new ${a.subject ?? a.origin} ${a.id}`));
        socket.on('alarm:updated', (a: AlarmView) => into.push(`alarm:updated ${a.subject ?? a.origin} ${a.id}`));
        socket.on('catalog:changed', (c) => into.push(`catalog:changed ${c.publisher}`));
        socket.on('node:state', (s) => into.push(`node:state ${s.nodeId} ${s.state}`));
      };
      record(watcherSocket, seen.watcher);
      record(opSocket, seen.op);
      try {
        const b = branch(BRANCH_B);
        const fresh = await raiseAndAck(b);
        expect((await as('watcher', 'POST', `/api/alarms/${fresh.id}/actions`, { action: 'acknowledge' })).status).toBe(
          200,
        );
        await b.client.publishAsync(upTopic(BRANCH_B, 'catalog'), Buffer.from(encode(catalogOf(BRANCH_B, 2))), {
          qos: 1,
        });
        const status = (state: 'online' | 'offline') =>
          encode({
            nodeId: BRANCH_B,
            kind: 'branch',
            state,
            since: new Date().toISOString(),
            software: { name: 't', version: '1' },
          });
        await b.client.publishAsync(upTopic(BRANCH_B, 'status'), Buffer.from(status('offline')), { qos: 1 });
        await b.client.publishAsync(upTopic(BRANCH_B, 'status'), Buffer.from(status('online')), { qos: 1 });
        await waitFor('the officer above both branches saw all of it', () =>
          [
            `alarm:new ${BRANCH_B} ${fresh.id}`,
            `alarm:updated ${BRANCH_B} ${fresh.id}`,
            `catalog:changed ${BRANCH_B}`,
            `node:state ${BRANCH_B} offline`,
            `node:state ${BRANCH_B} online`,
          ].every((e) => seen.watcher.includes(e)),
        );
        // A sentinel from branch A: a socket gets its events in order, so anything of B sent to op-a came before it.
        const sentinel = await raiseAndAck(branch(BRANCH_A));
        await waitFor("op-a got branch A's alarm", () => seen.op.includes(`alarm:new ${BRANCH_A} ${sentinel.id}`));
        expect(seen.op.filter((e) => e.includes(BRANCH_B))).toEqual([]);
      } finally {
        watcherSocket.disconnect();
        opSocket.disconnect();
      }
    });

    it(
      // Found and fixed: apps/center/src/api/server.ts ensureVisible() and services/live-video.ts visibleCamera() answer
      // 403 outside_jurisdiction for an id that exists elsewhere and 404 for one that does not, so an officer can
      // enumerate the whole network's node and camera ids (packages/protocol/src/access.ts says an id outside
      // the jurisdiction "does not exist for them"; alarms and branch panels already answer 404).
      'answers the same for an id outside the jurisdiction as for one that does not exist',
      async () => {
        expect(refusal(await as('op-a', 'GET', `/api/nodes/${BRANCH_B}`))).toEqual(
          refusal(await as('op-a', 'GET', '/api/nodes/b-nowhere')),
        );
        expect(refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/play`, {}))).toEqual(
          refusal(await as('op-a', 'POST', '/api/cameras/b-nowhere.cam1/play', {})),
        );
      },
    );

    it(
      // Found and fixed: refusals inside a route are not logged. apps/center/src/api/http-errors.ts errorHandler()
      // answers an HttpError without a log line, and only user administration (server.ts `administered`) writes a
      // failure to the audit trail (main has since added access.refused for the route guard's refusals, not for
      // outside_jurisdiction / not_found): an officer probing other jurisdictions' cameras leaves no trace (S8).
      'records a refused attempt on another jurisdiction in the audit trail',
      async () => {
        expect(refusal(await as('op-a', 'POST', `/api/cameras/${cameraB}/play`, {}))).toEqual({
          status: 404,
          code: 'not_found',
        });
        expect(await auditFailures(fx.databaseUrl, 'op-a', cameraB)).not.toEqual([]);
      },
    );
  });

  describe('privilege escalation', () => {
    it('refuses every user-administration route to an operator, their own account included', async () => {
      const attempts: [string, string, unknown?][] = [
        ['GET', '/api/users'],
        ['GET', '/api/org'],
        [
          'POST',
          '/api/users',
          {
            username: 'mole',
            displayName: 'mole',
            role: 'super_operator',
            jurisdiction: 'fz',
            password: 'Duty-Roster-7',
          },
        ],
        ['PATCH', '/api/users/op-a', { permissions: [...PERMISSIONS] }],
        ['PATCH', '/api/users/op-a', { role: 'super_operator', jurisdiction: 'fz' }],
        ['PATCH', '/api/users/op-a', { allowedIps: ['0.0.0.0/0'] }],
        ['PATCH', '/api/users/watcher', { disabled: true }],
        ['POST', '/api/users/op-a/password', { password: 'Another-Horse-9' }],
        ['POST', '/api/users/secadmin/password', { password: 'Another-Horse-9' }],
        ['POST', '/api/users/op-a/reset-totp', {}],
        ['POST', '/api/users/op-a/unlock', {}],
      ];
      for (const [method, path, body] of attempts) {
        expect(refusal(await as('op-a', method, path, body)), `${method} ${path}`).toEqual({
          status: 403,
          code: 'forbidden',
        });
      }
    });

    it('refuses a forged permissions, role or jurisdiction field in any body, and nothing changes', async () => {
      const forged = { permissions: [...PERMISSIONS], role: 'super_operator', jurisdiction: 'fz' };
      const attempts: [string, string, unknown][] = [
        ['POST', `/api/alarms/${alarmA.id}/actions`, { action: 'acknowledge', ...forged }],
        ['POST', `/api/alarms/${alarmA.id}/actions`, { action: 'note', note: 'x', user: { permissions: ['users'] } }],
        ['POST', `/api/cameras/${BRANCH_A}.cam1/play`, { purpose: 'live', permissions: ['devices'] }],
        ['POST', `/api/cameras/${BRANCH_A}.cam1/ptz`, { kind: 'move', action: 'left', ...forged }],
        ['POST', `/api/branches/${BRANCH_A}/zones/01/arm`, { armed: false, code: '1234', ...forged }],
        ['POST', '/api/auth/sso-ticket', { center: 'fz', ...forged }],
      ];
      for (const [method, path, body] of attempts) {
        const res = await as('op-a', method, path, body);
        expect(refusal(res), `${method} ${path}`).toEqual({ status: 400, code: 'invalid_request' });
        expect(res.body?.error?.fields?.map((f) => f.message).join(' '), path).toMatch(/Unrecognized key/);
      }
      const login = await callApi(fx.center.httpUrl, {
        method: 'POST',
        path: '/api/auth/login',
        body: { username: 'op-a', password: 'Correct-Horse-1', ...forged },
      });
      expect(refusal(login)).toEqual({ status: 400, code: 'invalid_request' });
      // Still an operator of branch A, and branch A's alarm was not acknowledged by the forged request.
      const me = (await as('op-a', 'GET', '/api/me')).body as unknown as MeResponse;
      expect(me.user.permissions).toEqual(ROLE_PERMISSIONS.operator);
      expect(me.user.jurisdiction).toBe(BRANCH_A);
      const detail = (await as('watcher', 'GET', `/api/alarms/${alarmA.id}`)).body as unknown as AlarmDetailResponse;
      expect(detail.alarm.status).toBe('new');
    });

    it('refuses a forged session: a made-up cookie, bearer token or socket token', async () => {
      const forgedToken = Buffer.from(JSON.stringify({ username: 'secadmin', permissions: PERMISSIONS })).toString(
        'base64url',
      );
      const forgedSessions: Record<string, string>[] = [
        { cookie: `bsm_session_fz=${forgedToken}` },
        { cookie: 'bsm_session_fz=secadmin' },
        { authorization: `Bearer ${forgedToken}` },
        { authorization: 'Bearer ' },
        // Another center's cookie name with this center's (valid) session value is not a session here.
        { cookie: `bsm_session_other=${(cookies.get('secadmin') ?? '').split('=')[1] ?? ''}` },
      ];
      for (const headers of forgedSessions) {
        const res = await callApi(fx.center.httpUrl, { path: '/api/users', headers });
        expect(refusal(res), JSON.stringify(headers)).toEqual({ status: 401, code: 'unauthenticated' });
      }
      const socket: ConsoleSocket = io(fx.center.httpUrl, {
        auth: { token: forgedToken },
        transports: ['websocket'],
        reconnection: false,
      });
      try {
        const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
        expect(error.message).toBe('unauthenticated');
      } finally {
        socket.disconnect();
      }
    });

    it('refuses alarm handling, PTZ, arming and panic to an ordinary user', async () => {
      for (const [method, path, body] of [
        ['POST', `/api/alarms/${alarmA.id}/actions`, { action: 'acknowledge' }],
        ['POST', `/api/alarms/${alarmA.id}/actions`, { action: 'close', disposition: 'false_alarm', note: 'x' }],
        ['POST', `/api/cameras/${BRANCH_A}.cam1/ptz`, { kind: 'move', action: 'left' }],
        ['POST', `/api/cameras/${BRANCH_A}.cam1/ptz`, { kind: 'preset', op: 'set', preset: 3 }],
        ['POST', `/api/branches/${BRANCH_A}/zones/01/arm`, { armed: false, code: '1234' }],
        ['POST', `/api/branches/${BRANCH_A}/panic`, { type: 'panic', confirm: true }],
        ['GET', '/api/users', undefined],
      ] as const) {
        expect(refusal(await as('viewer', method, path, body)), `${method} ${path}`).toEqual({
          status: 403,
          code: 'forbidden',
        });
      }
      const detail = (await as('viewer', 'GET', `/api/alarms/${alarmA.id}`)).body as unknown as AlarmDetailResponse;
      expect(detail.alarm.status).toBe('new');
    });
  });

  describe('path traversal', () => {
    const traversal = '..%2F..%2F..%2Fetc%2Fpasswd';

    it('refuses traversal in every path parameter of the API as an invalid id', async () => {
      const attempts: [string, string, string, unknown, string][] = [
        ['watcher', 'GET', `/api/nodes/${traversal}`, undefined, 'invalid node id'],
        ['watcher', 'POST', `/api/cameras/${traversal}/play`, {}, 'invalid camera id'],
        ['watcher', 'POST', `/api/cameras/${BRANCH_A}.cam1%2F..%2F..%2Fx/ptz`, { kind: 'move', action: 'up' }, ''],
        ['watcher', 'GET', `/api/alarms/${traversal}`, undefined, 'invalid alarm id'],
        ['watcher', 'POST', `/api/alarms/${traversal}/actions`, { action: 'acknowledge' }, 'invalid alarm id'],
        ['watcher', 'GET', `/api/branches/${traversal}/panel`, undefined, 'invalid branch id'],
        ['watcher', 'POST', `/api/branches/${traversal}/zones/01/arm`, { armed: true, code: '1234' }, ''],
        ['secadmin', 'PATCH', `/api/users/..%2Fsecadmin`, { displayName: 'x' }, 'invalid user name'],
        ['secadmin', 'POST', `/api/users/${traversal}/password`, { password: 'Another-Horse-9' }, ''],
        ['secadmin', 'POST', `/api/users/${traversal}/unlock`, {}, 'invalid user name'],
      ];
      for (const [user, method, path, body, message] of attempts) {
        const res = await as(user, method, path, body);
        expect(refusal(res), `${method} ${path}`).toEqual({ status: 400, code: 'invalid_request' });
        expect(res.body?.error?.message, path).toContain(message);
      }
      // The zone is free text (any 1–40 characters) handed on to the branch; outside the jurisdiction it stops first.
      expect(
        refusal(
          await as('op-a', 'POST', `/api/branches/${BRANCH_B}/zones/${traversal}/arm`, { armed: true, code: '1234' }),
        ),
      ).toEqual({ status: 404, code: 'not_found' });
      // A stream profile is a name the media server uses: only its two values pass.
      const profile = await as('watcher', 'POST', `/api/cameras/${BRANCH_A}.cam1/play`, {
        profile: '../../etc/passwd',
      });
      expect(refusal(profile)).toEqual({ status: 400, code: 'invalid_request' });
      expect(profile.body?.error?.fields?.map((f) => f.path)).toEqual(['profile']);
    });

    it('answers an un-normalised ../ in an API path with a JSON 400 or 404, never a file', async () => {
      const cookie = cookies.get('watcher') ?? '';
      for (const [path, status, code] of [
        ['/api/nodes/..', 400, 'invalid_request'],
        ['/api/nodes/../../../etc/passwd', 404, 'not_found'],
        ['/api/../../etc/passwd', 404, 'not_found'],
        ['/api/alarms/../../../../etc/passwd', 404, 'not_found'],
      ] as const) {
        const res = await rawRequest(fx.center.httpUrl, 'GET', path, { cookie });
        expect({ status: res.status, code: (JSON.parse(res.text) as Answer['body'])?.error?.code }, path).toEqual({
          status,
          code,
        });
        expect(res.text).not.toContain('root:');
      }
    });

    it(
      // Found and fixed: a path parameter that is not valid percent-encoding makes express's router fail with a 400
      // error that apps/center/src/api/http-errors.ts errorHandler() does not recognise: the center answers
      // 500 internal (and logs it as a server error) instead of 400. Input: GET /api/nodes/%E0%A4%A.
      'answers a malformed percent-encoding in a path parameter with 400',
      async () => {
        for (const path of ['/api/nodes/%E0%A4%A', '/api/alarms/%', '/api/users/%C0%AF/unlock']) {
          const res = await as('watcher', 'GET', path);
          expect(res.status, path).toBe(400);
        }
      },
    );

    it(
      // Found and fixed: the same errorHandler maps body-parser's own refusals (415 unsupported charset or
      // Content-Encoding, 400 for a body that does not inflate) to 500 internal. Input: POST /api/auth/login with
      // `Content-Type: application/json; charset=latin1`, or `Content-Encoding: x-garbage`, or `gzip` over plain
      // text. The body is parsed before the session is checked, so anyone can make the center log these as errors.
      'answers a body it cannot decode with a 4xx code, not 500',
      async () => {
        const undecodable: Record<string, string>[] = [
          { 'content-type': 'application/json; charset=latin1' },
          { 'content-type': 'application/json', 'content-encoding': 'x-garbage' },
          { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        ];
        for (const headers of undecodable) {
          const res = await callApi(fx.center.httpUrl, {
            method: 'POST',
            path: '/api/auth/login',
            body: '{"username":"x","password":"y"}',
            headers,
          });
          expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
        }
      },
    );

    it("serves the console's own files and never one outside its directory", async () => {
      const app = await rawRequest(fx.center.httpUrl, 'GET', '/assets/app.js');
      expect(app.status).toBe(200);
      expect(app.text).toContain('console.log("console")');
      const outside = [
        '/../../etc/passwd',
        '/../secret.txt',
        '/../package.json',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/%2e%2e/secret.txt',
        '/%2E%2E%2Fsecret.txt',
        '/assets/..%2f..%2fpackage.json',
        '/assets/..%2f..%2fsecret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
        '/assets/..%5c..%5csecret.txt',
        '/assets/....//....//secret.txt',
        '/..%00/secret.txt',
        '/assets/app.js%00.html',
        '/%252e%252e/secret.txt',
        '//etc/passwd',
        `/${encodeURIComponent(join(webRoot, 'secret.txt'))}`,
        '/index.html/../../secret.txt',
      ];
      for (const path of outside) {
        const res = await rawRequest(fx.center.httpUrl, 'GET', path);
        // The single-page app's fallback answers unknown paths with its shell; anything else is a refusal.
        expect([200, 400, 403, 404], path).toContain(res.status);
        if (res.status === 200) {
          expect(res.text, path).toBe(SHELL);
        }
        expect(res.text, path).not.toContain(SECRET_MARKER);
        expect(res.text, path).not.toContain(PACKAGE_MARKER);
        expect(res.text, path).not.toContain('root:');
      }
      expect(readFileSync(join(webRoot, 'secret.txt'), 'utf8')).toBe(SECRET_MARKER);
    });
  });

  describe('SQL injection', () => {
    const payloads = [
      "' OR 1=1--",
      '1; DROP TABLE alarms',
      "%' UNION SELECT password_hash, totp_secret FROM users --",
      "open'); DELETE FROM alarms; --",
      '1) OR (1=1',
    ];

    it('refuses every alarm filter carrying SQL, naming the field, and the data stays intact', async () => {
      const before = await tableCounts(fx.databaseUrl);
      for (const field of ['limit', 'before', 'nodeId', 'type', 'state', 'responsible']) {
        for (const payload of payloads) {
          const res = await as('watcher', 'GET', `/api/alarms?${field}=${encodeURIComponent(payload)}`);
          expect(refusal(res), `${field}=${payload}`).toEqual({ status: 400, code: 'invalid_request' });
          expect(
            res.body?.error?.fields?.map((f) => f.path),
            `${field}=${payload}`,
          ).toEqual([field]);
        }
      }
      // There is no sort parameter: any attempt to pass one (or another unknown filter) is named and refused.
      for (const field of ['sort', 'order', 'orderBy', 'where', 'q']) {
        const res = await as('watcher', 'GET', `/api/alarms?${field}=${encodeURIComponent('id; DROP TABLE alarms')}`);
        expect(refusal(res), field).toEqual({ status: 400, code: 'invalid_request' });
        expect(res.body?.error?.fields).toEqual([{ path: '(root)', message: `Unrecognized key: "${field}"` }]);
      }
      expect(await tableCounts(fx.databaseUrl)).toEqual(before);
      const all = (await as('watcher', 'GET', '/api/alarms?limit=500')).body as unknown as AlarmListResponse;
      expect(all.alarms.map((a) => a.id)).toEqual(expect.arrayContaining([alarmA.id, alarmB.id]));
    });

    it('refuses SQL in path ids as invalid ids', async () => {
      const before = await tableCounts(fx.databaseUrl);
      for (const payload of payloads) {
        const p = encodeURIComponent(payload);
        for (const [user, method, path, body] of [
          ['watcher', 'GET', `/api/nodes/${p}`, undefined],
          ['watcher', 'GET', `/api/alarms/${p}`, undefined],
          ['watcher', 'POST', `/api/alarms/${p}/actions`, { action: 'acknowledge' }],
          ['watcher', 'POST', `/api/cameras/${p}/play`, {}],
          ['watcher', 'POST', `/api/cameras/${p}/ptz`, { kind: 'move', action: 'stop' }],
          ['watcher', 'GET', `/api/branches/${p}/panel`, undefined],
          ['secadmin', 'PATCH', `/api/users/${p}`, { disabled: true }],
          ['secadmin', 'POST', `/api/users/${p}/reset-totp`, {}],
        ] as const) {
          expect(refusal(await as(user, method, path, body)), `${method} ${path}`).toEqual({
            status: 400,
            code: 'invalid_request',
          });
        }
      }
      expect(await tableCounts(fx.databaseUrl)).toEqual(before);
    });

    it('treats SQL in free text as a literal: a user name at sign-in, an alarm note, a display name', async () => {
      for (const payload of payloads) {
        const login = await callApi(fx.center.httpUrl, {
          method: 'POST',
          path: '/api/auth/login',
          body: { username: payload, password: payload },
        });
        expect(refusal(login), payload).toEqual({ status: 401, code: 'bad_credentials' });
      }
      const before = await tableCounts(fx.databaseUrl);
      const note = "'); DELETE FROM alarms; DROP TABLE users; --";
      const noted = await as('watcher', 'POST', `/api/alarms/${alarmB.id}/actions`, { action: 'note', note });
      expect(noted.status).toBe(200);
      const detail = (await as('watcher', 'GET', `/api/alarms/${alarmB.id}`)).body as unknown as AlarmDetailResponse;
      expect(detail.events.filter((e) => e.action === 'note').map((e) => e.note)).toContain(note);
      const after = await tableCounts(fx.databaseUrl);
      expect(after).toEqual({ ...before, alarm_events: before.alarm_events! + 1 });
    });
  });

  describe('markup in names, notes and user names', () => {
    const nodeName = '<img src=x onerror=alert(1)><script>alert("branch")</script>';
    const cameraName = '<svg onload=alert(1)>';
    const note = '<b onmouseover="alert(\'note\')">注意</b><script>alert(2)</script>';
    const displayName = '<script>alert("name")</script>';

    const expectJsonData = (res: Answer): void => {
      expect(res.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    };

    it('stores a branch and camera name with markup and returns it verbatim as JSON data', async () => {
      const a = branch(BRANCH_A);
      await a.client.publishAsync(
        upTopic(BRANCH_A, 'catalog'),
        Buffer.from(encode(catalogOf(BRANCH_A, 2, { node: nodeName, camera: cameraName }))),
        { qos: 1 },
      );
      const map = await waitFor('the renamed branch on the map', async () => {
        const res = await as('watcher', 'GET', '/api/map');
        const body = res.body as unknown as MapResponse;
        return body.nodes.find((n) => n.id === BRANCH_A)?.name === nodeName ? res : undefined;
      });
      expectJsonData(map);
      expect(map.text).toContain(JSON.stringify(nodeName).slice(1, -1));
      const node = await as('watcher', 'GET', `/api/nodes/${BRANCH_A}`);
      expectJsonData(node);
      expect((node.body as unknown as NodeDetailResponse).cameras[0]?.name).toBe(cameraName);
      // The alarms of the branch carry its name as they are pushed and listed.
      const alarm = await raiseAndAck(a, { text: '<iframe src="javascript:alert(1)"></iframe>' });
      const listed = await as('watcher', 'GET', `/api/alarms/${alarm.id}`);
      expectJsonData(listed);
      const view = (listed.body as unknown as AlarmDetailResponse).alarm;
      expect(view.originName).toBe(nodeName);
      expect(view.text).toBe('<iframe src="javascript:alert(1)"></iframe>');
    });

    it('stores an alarm note with markup and returns it verbatim', async () => {
      const res = await as('watcher', 'POST', `/api/alarms/${alarmA.id}/actions`, { action: 'note', note });
      expect(res.status).toBe(200);
      expectJsonData(res);
      const detail = await as('watcher', 'GET', `/api/alarms/${alarmA.id}`);
      expect((detail.body as unknown as AlarmDetailResponse).events.map((e) => e.note)).toContain(note);
    });

    it('stores a display name with markup verbatim and refuses markup in a user name', async () => {
      const created = await as('secadmin', 'POST', '/api/users', {
        username: 'xss-officer',
        displayName,
        role: 'operator',
        jurisdiction: 'fz',
        password: 'Duty-Roster-7',
      });
      expect(created.status).toBe(201);
      expectJsonData(created);
      expect((created.body as unknown as UserSummary).displayName).toBe(displayName);
      const list = await as('secadmin', 'GET', '/api/users');
      expect(
        (list.body as unknown as UserListResponse).users.find((u) => u.username === 'xss-officer')?.displayName,
      ).toBe(displayName);
      for (const username of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'Admin<b>']) {
        const res = await as('secadmin', 'POST', '/api/users', {
          username,
          displayName: 'x',
          role: 'operator',
          jurisdiction: 'fz',
          password: 'Duty-Roster-7',
        });
        expect(refusal(res), username).toEqual({ status: 400, code: 'invalid_request' });
        expect(res.body?.error?.fields?.map((f) => f.path)).toEqual(['username']);
      }
      // A user name with markup at the sign-in is a wrong login, in JSON.
      const login = await callApi(fx.center.httpUrl, {
        method: 'POST',
        path: '/api/auth/login',
        body: { username: '<script>alert(1)</script>', password: 'x' },
      });
      expect(refusal(login)).toEqual({ status: 401, code: 'bad_credentials' });
      expectJsonData(login);
    });

    it('answers errors that echo the request as JSON, never HTML', async () => {
      const res = await as('watcher', 'GET', '/api/<script>alert(1)</script>');
      expect(refusal(res)).toEqual({ status: 404, code: 'not_found' });
      expectJsonData(res);
      const unauthenticated = await as(null, 'GET', '/api/nodes/%3Cscript%3E');
      expect(refusal(unauthenticated)).toEqual({ status: 401, code: 'unauthenticated' });
      expectJsonData(unauthenticated);
    });

    it("sends the console's shell with nosniff, no framing and a same-origin referrer", async () => {
      const shell = await rawRequest(fx.center.httpUrl, 'GET', '/alarms');
      expect(shell.status).toBe(200);
      expect(shell.text).toBe(SHELL);
      expect(shell.headers['content-type']).toMatch(/^text\/html/);
      expect(shell.headers['x-content-type-options']).toBe('nosniff');
      expect(shell.headers['x-frame-options']).toBe('DENY');
      expect(shell.headers['referrer-policy']).toBe('same-origin');
      expect(shell.headers['x-powered-by']).toBeUndefined();
    });

    it(
      // Found and fixed: apps/center/src/api/server.ts sets no Content-Security-Policy (the header middleware at the top
      // of createApi sets nosniff, X-Frame-Options and Referrer-Policy only): one markup-injection bug in the
      // console would run script with the officer's session. A policy such as "default-src 'self'; object-src
      // 'none'; frame-ancestors 'none'" fits a console that loads nothing from elsewhere (SPEC S1).
      'sends a Content-Security-Policy with the console shell',
      async () => {
        const shell = await rawRequest(fx.center.httpUrl, 'GET', '/');
        expect(shell.headers['content-security-policy']).toMatch(/default-src 'self'/);
      },
    );
  });

  it('is healthy after all of the above', async () => {
    const health = await callApi(fx.center.httpUrl, { path: '/api/health' });
    expect(health.status).toBe(200);
    expect((health.body as unknown as HealthResponse).ok).toBe(true);
  });
});

describe('attacks through the MQTT ingest', () => {
  let fx: CenterFixture;
  let watcher = '';
  const ROGUE = 'b-m';
  const VICTIM = 'b-n';

  const branch = (id: string): FixtureBranch => {
    const b = fx.branches.get(id);
    if (!b) {
      throw new Error(`no fixture branch ${id}`);
    }
    return b;
  };
  const health = async (): Promise<HealthResponse> =>
    (await callApi(fx.center.httpUrl, { path: '/api/health' })).body as unknown as HealthResponse;
  const refusedWith = async (prefix: string): Promise<number> =>
    Object.entries((await health()).messages.refused)
      .filter(([key]) => key.startsWith(prefix))
      .reduce((sum, [, n]) => sum + n, 0);
  /** Publishes raw bytes as the branch and waits until the center counted them refused under `reason`. */
  const sendRefused = async (kind: string, payload: Buffer | string, reason: string): Promise<void> => {
    const before = await refusedWith(reason);
    await branch(ROGUE).client.publishAsync(`bsm/v1/${ROGUE}/up/${kind}`, Buffer.from(payload), { qos: 1 });
    await waitFor(`"${reason}" counted`, async () => (await refusedWith(reason)) === before + 1);
  };
  /** The branch's next good alarm is stored once and acknowledged, whatever came before it. */
  const nextGoodAlarmGoesThrough = async (): Promise<void> => {
    const alarm = await raiseAndAck(branch(ROGUE));
    expect(await alarmsWithId(fx.databaseUrl, alarm.id)).toBe(1);
  };
  const goodAlarm = (over: Partial<Alarm> = {}): Alarm => ({
    id: newAlarmId(),
    origin: ROGUE,
    seq: 1,
    path: [ROGUE],
    type: 'intrusion',
    priority: 2,
    linkedCameras: [],
    occurredAt: new Date().toISOString(),
    source: 'panel',
    ...over,
  });

  beforeAll(async () => {
    fx = await startCenterFixture({
      branches: [ROGUE, VICTIM],
      users: [
        { username: 'watcher', role: 'operator' },
        { username: 'op-n', role: 'operator', jurisdiction: VICTIM },
      ],
    });
    watcher = await fx.cookieOf('watcher');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses an alarm over the size limit, counts it, and stores the next good alarm', async () => {
    const oversize = goodAlarm({ text: 'x'.repeat(70 * 1024) });
    await sendRefused('alarm', Buffer.from(encode(oversize)), 'alarm: payload of ');
    expect(Object.keys((await health()).messages.refused).find((k) => k.startsWith('alarm: payload of '))).toMatch(
      /^alarm: payload of N bytes exceeds the N-byte limit for "alarm"$/,
    );
    expect(await alarmsWithId(fx.databaseUrl, oversize.id)).toBe(0);
    await nextGoodAlarmGoesThrough();
  });

  it('cuts off a client sending a packet over the broker limit before the broker holds it, and the branch goes on', async () => {
    // Found and fixed: aedes has no packet size limit, so one client could make the center buffer a packet of up to
    // 256 MiB (MQTT's largest) before the ingest's payload check ever ran. (A payload just over its own limit is
    // still read and refused with an ack: the huge catalog test below.)
    const before = await refusedWith('packet: too large');
    const { client } = branch(ROGUE);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(upTopic(ROGUE, 'catalog'), Buffer.alloc(MAX_MQTT_PACKET_BYTES + 1024, 0x20), { qos: 0 });
    await closed;
    await waitFor('the oversize packet counted', async () => (await refusedWith('packet: too large')) === before + 1);
    await waitFor('the branch connected again', () => client.connected);
    await nextGoodAlarmGoesThrough();
  });

  it('refuses truncated JSON, bytes that are not UTF-8 and empty payloads as not JSON', async () => {
    const truncated = goodAlarm();
    const full = Buffer.from(encode(truncated));
    await sendRefused('alarm', full.subarray(0, full.length - 7), 'alarm: not JSON');
    await sendRefused('alarm', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]), 'alarm: not JSON');
    await sendRefused('alarm', Buffer.alloc(0), 'alarm: not JSON');
    expect(await alarmsWithId(fx.databaseUrl, truncated.id)).toBe(0);
    await nextGoodAlarmGoesThrough();
  });

  it('refuses valid JSON of the wrong shape', async () => {
    const wrong: unknown[] = [
      null,
      [goodAlarm()],
      { ...goodAlarm(), seq: '1' },
      { ...goodAlarm(), priority: 9 },
      { ...goodAlarm(), type: 'DROP TABLE alarms' },
      { ...goodAlarm(), admin: true },
      { ...goodAlarm(), id: 'not-a-ulid' },
    ];
    for (const payload of wrong) {
      await sendRefused('alarm', JSON.stringify(payload), 'alarm: invalid alarm');
    }
    await nextGoodAlarmGoesThrough();
  });

  it('refuses, and tells the branch, an alarm whose path does not end at the publisher', async () => {
    const misrouted = goodAlarm({ path: [ROGUE, VICTIM] });
    await sendRefused(
      'alarm',
      Buffer.from(encode(misrouted)),
      'alarm: path must start at the origin and end at the publisher',
    );
    await waitFor('the refusal sent down', () =>
      branch(ROGUE).acks.some((a) => a.refused.some((r) => r.id === misrouted.id)),
    );
    expect(await alarmsWithId(fx.databaseUrl, misrouted.id)).toBe(0);
    await nextGoodAlarmGoesThrough();
  });

  it('refuses a huge catalog, a catalog of the wrong shape and a status for another node; the branch keeps working', async () => {
    const cameras = Array.from({ length: 30_000 }, (_, i) => ({
      id: `${ROGUE}.cam${i}`,
      nodeId: ROGUE,
      name: `摄像机 ${i} ${'很长的名字'.repeat(6)}`,
      ptz: false,
      important: false,
      streams: [],
    }));
    const huge = { ...catalogOf(ROGUE, 5, { node: 'HUGE' }), cameras };
    const bytes = Buffer.from(encode(huge));
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    await sendRefused('catalog', bytes, 'catalog: payload of ');
    await sendRefused(
      'catalog',
      JSON.stringify({ publisher: ROGUE, nodes: 'all of them' }),
      'catalog: invalid catalog',
    );
    await sendRefused(
      'status',
      JSON.stringify({
        nodeId: VICTIM,
        kind: 'branch',
        state: 'offline',
        since: new Date().toISOString(),
        software: { name: 't', version: '1' },
      }),
      'status: status of another node',
    );
    const map = (await callApi(fx.center.httpUrl, { path: '/api/map', cookie: watcher }))
      .body as unknown as MapResponse;
    expect(map.nodes.find((n) => n.id === ROGUE)?.name).toBe(`网点 ${ROGUE}`);
    expect(map.nodes.find((n) => n.id === VICTIM)?.state).toBe('online');
    await nextGoodAlarmGoesThrough();
  });

  it(
    // Found and fixed (denial of service by any branch): the broker's ACL (apps/center/src/broker/acl.ts mayPublish)
    // let a branch publish on any topic under its own `up/`, including the empty level `bsm/v1/<id>/up/`. The
    // center's own subscription (`bsm/v1/+/up/+`) matches it, and the embedded broker then drops the center's
    // connection ("no such packet" from aedes-persistence); it reconnects after a second. One such message a
    // second keeps the center off its broker: every branch's alarms wait, and /api/health reports broker: false.
    "keeps acknowledging other branches' alarms promptly when a branch publishes on an empty topic level",
    async () => {
      // The broker now refuses the topic: acknowledged, delivered nowhere, counted.
      const before = await refusedWith('acl: ');
      await branch(ROGUE).client.publishAsync(`bsm/v1/${ROGUE}/up/`, Buffer.from('{}'), { qos: 1 });
      expect(await refusedWith('acl: ')).toBe(before + 1);
      const started = Date.now();
      await raiseAndAck(branch(VICTIM));
      expect(Date.now() - started).toBeLessThan(750);
      expect((await health()).broker).toBe(true);
      // The rogue keeps its connection, and what it sends next is heard.
      await nextGoodAlarmGoesThrough();
    },
  );

  it(
    // Found and fixed: apps/center/src/broker/bus.ts drops a message on a topic it does not know (e.g. `up/alarms`, a
    // typo or an agent of another version) with a log line only: it is not counted in /api/health, so a branch
    // whose alarms all go to a wrong topic looks healthy there.
    'counts a message on an unknown topic of the branch as refused',
    async () => {
      const before = (await health()).messages;
      await branch(ROGUE).client.publishAsync(`bsm/v1/${ROGUE}/up/alarms`, Buffer.from(encode(goodAlarm())), {
        qos: 1,
      });
      await nextGoodAlarmGoesThrough();
      const after = (await health()).messages;
      expect(Object.values(after.refused).reduce((a, b) => a + b, 0)).toBeGreaterThan(
        Object.values(before.refused).reduce((a, b) => a + b, 0),
      );
    },
  );

  it(
    // Found and fixed: apps/center/src/services/ingest.ts refuse() keys the counters by the reason up to its first
    // colon, and the size refusal ("payload of N bytes exceeds …") and "status of <node> published by …" have
    // none: every distinct size or node id adds a key to messages.refused, so a branch can grow the center's
    // counters and /api/health without bound.
    'counts oversize payloads of different sizes under one reason',
    async () => {
      await sendRefused('alarm', Buffer.from(encode(goodAlarm({ text: 'y'.repeat(66_000) }))), 'alarm: payload of ');
      await sendRefused('alarm', Buffer.from(encode(goodAlarm({ text: 'y'.repeat(67_000) }))), 'alarm: payload of ');
      const keys = Object.keys((await health()).messages.refused).filter((k) => k.startsWith('alarm: payload'));
      expect(keys).toHaveLength(1);
    },
  );

  describe('a branch speaking for another branch in its payloads', () => {
    // The broker's ACL stops a branch publishing on another's topics (authorization-matrix.int.test.ts); these
    // put the other branch's id inside the payload, on the rogue branch's own topics.

    it(
      // Found and fixed: apps/center/src/services/ingest.ts handleAlarm() checks only that the path starts at the origin
      // and ends at the publisher, not that the origin lies below the publisher: branch b-m publishes
      // {origin: "b-n", path: ["b-n", "b-m"], type: "panic"} on its own up/alarm and the center stores a panic
      // "from" branch b-n, shows it to b-n's officers and counts it on b-n's map marker.
      "refuses an alarm that claims another branch's origin",
      async () => {
        const forged = goodAlarm({ origin: VICTIM, path: [VICTIM, ROGUE], type: 'panic', priority: 1 });
        await branch(ROGUE).client.publishAsync(upTopic(ROGUE, 'alarm'), Buffer.from(encode(forged)), { qos: 1 });
        await waitFor('an answer to the forged alarm', () =>
          branch(ROGUE).acks.some((a) => a.ids.includes(forged.id) || a.refused.some((r) => r.id === forged.id)),
        );
        expect(await alarmsWithId(fx.databaseUrl, forged.id)).toBe(0);
      },
    );

    it(
      // Found and fixed: the same check does not cover `subject` (meant for a center's device_offline alarm about a
      // branch): {origin: "b-m", path: ["b-m"], subject: "b-n"} is stored and shown at branch b-n.
      'refuses an alarm about another branch from a branch',
      async () => {
        const forged = goodAlarm({ subject: VICTIM, type: 'duress', priority: 1 });
        await branch(ROGUE).client.publishAsync(upTopic(ROGUE, 'alarm'), Buffer.from(encode(forged)), { qos: 1 });
        await waitFor('an answer to the forged alarm', () =>
          branch(ROGUE).acks.some((a) => a.ids.includes(forged.id) || a.refused.some((r) => r.id === forged.id)),
        );
        const opN = await fx.cookieOf('op-n');
        expect(refusal(await callApi(fx.center.httpUrl, { path: `/api/alarms/${forged.id}`, cookie: opN }))).toEqual({
          status: 404,
          code: 'not_found',
        });
      },
    );

    it(
      // Found and fixed: apps/center/src/services/ingest.ts onCatalog() refuses a catalog that describes this center,
      // but not one that describes a sibling: NodeRepository.applyCatalog() upserts by id, so branch b-m's
      // catalog listing {id: "b-n", parentId: "b-m", name: "…"} and camera "b-n.cam1" with nodeId "b-m" renames
      // b-n, moves it (and its alarms) under b-m, and takes over its camera.
      "refuses a catalog that takes over another branch's node and camera",
      async () => {
        const refusedBefore = await refusedWith('catalog: ');
        const own = catalogOf(ROGUE, 9, { node: 'rogue, revision 9' });
        const hijack: Catalog = {
          ...own,
          nodes: [
            ...own.nodes,
            { id: VICTIM, parentId: ROGUE, kind: 'branch', name: 'HIJACKED', lat: 0, lon: 0, importance: 1 },
          ],
          cameras: [
            ...own.cameras,
            { id: `${VICTIM}.cam1`, nodeId: ROGUE, name: 'stolen', ptz: true, important: false, streams: [] },
          ],
        };
        await branch(ROGUE).client.publishAsync(upTopic(ROGUE, 'catalog'), Buffer.from(encode(hijack)), { qos: 1 });
        // Applied (or refused) once the rogue's own node carries its new name, or the refusal is counted.
        await waitFor('the catalog handled', async () => {
          const map = (await callApi(fx.center.httpUrl, { path: '/api/map', cookie: watcher }))
            .body as unknown as MapResponse;
          return (
            map.nodes.some((n) => n.name === 'rogue, revision 9') || (await refusedWith('catalog: ')) > refusedBefore
          );
        });
        const victim = (await callApi(fx.center.httpUrl, { path: `/api/nodes/${VICTIM}`, cookie: watcher }))
          .body as unknown as NodeDetailResponse;
        expect({
          name: victim.node.name,
          parentId: victim.node.parentId,
          cameras: victim.cameras.map((c) => c.id),
        }).toEqual({ name: `网点 ${VICTIM}`, parentId: 'fz', cameras: [`${VICTIM}.cam1`] });
      },
    );
  });
});

describe("attacks on the media server's HTTP-FLV port (a center in its own process)", () => {
  let center: CenterProcess;
  let media = '';

  beforeAll(async () => {
    center = await startCenterProcess({
      branches: [],
      users: [],
      config: { media: { enabled: true, rtmpPort: 0, httpPort: 0 } },
    });
    media = `http://127.0.0.1:${center.media?.http ?? 0}`;
  });

  afterAll(async () => {
    await center?.stop();
  });

  it('answers traversal outside the stream paths with 404 and an unsigned play with a refusal', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/live/../../../etc/passwd',
      '/live/%2e%2e/%2e%2e/etc/passwd',
      '/admin/',
    ]) {
      const res = await rawRequest(media, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('root:');
    }
    // A well-formed stream name without a signature (camera fz-01.cam1, main profile).
    const unsigned = await rawRequest(media, 'GET', '/live/fz-01Dcam1Xmain.flv');
    expect({ status: unsigned.status, refused: unsigned.headers['x-bsm-refused'] }).toEqual({
      status: 403,
      refused: 'unsigned',
    });
    expect((await callApi(center.httpUrl, { path: '/api/health' })).status).toBe(200);
  });

  it(
    // Found and fixed (critical, unauthenticated): node-media-server 4.4.3 (node_modules/node-media-server/src/session/
    // flv_session.js) closes an FLV session whose stream name has a character outside [A-Za-z0-9_-] in its
    // constructor, before it has a broadcast, yet still listens for the socket's close; its onClose then reads
    // `this.broadcast.donePlay` of undefined and throws. apps/center/src/media/media-server.ts wraps handleFlv
    // in try/catch, which does not cover that later event, and the center has no uncaughtException handler:
    // one `GET /live/a.b.flv` (or `/live/..%2f..%2fetc%2fpasswd.flv`) on the media port kills the center.
    'survives a play request for a stream name the media server cannot parse',
    async () => {
      const res = await rawRequest(media, 'GET', '/live/..%2f..%2f..%2fetc%2fpasswd.flv');
      expect(res.text).not.toContain('root:');
      const health = await callApi(center.httpUrl, { path: '/api/health' }).then(
        (answer) => answer.status,
        (error: unknown) => `no answer: ${(error as Error).message}`,
      );
      expect({ health, alive: center.alive() }, center.stderr()).toEqual({ health: 200, alive: true });
    },
  );
});

describe('a database that closes the center’s idle connections (a center in its own process)', () => {
  let center: CenterProcess;

  beforeAll(async () => {
    center = await startCenterProcess({ branches: [], users: [] });
  });

  afterAll(async () => {
    await center?.stop();
  });

  it(
    // Found and fixed (availability): apps/center/src/db/database.ts createDb() makes a pg.Pool with no 'error'
    // listener, and the center has no uncaughtException handler. When PostgreSQL ends an idle pooled connection
    // (a restart or fail-over, idle_session_timeout, pg_terminate_backend by an administrator or an attacker with
    // database access), pg-pool re-emits the FATAL 57P01 on the pool and the center process dies.
    'keeps running when PostgreSQL terminates its idle connections',
    async () => {
      const client = new pg.Client({ connectionString: center.databaseUrl });
      // The center's embedded PostgreSQL stops with it if it dies, and this connection with it.
      client.on('error', () => undefined);
      await client.connect();
      try {
        const { rows } = await client.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'",
        );
        expect(rows.length).toBeGreaterThan(0);
        await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
        const gone = waitFor('the connections gone', async () => {
          const left = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
            rows.map((r) => r.pid),
          ]);
          return left.rowCount === 0;
        });
        await Promise.race([gone, center.exited]);
      } finally {
        await client.end().catch(() => undefined);
      }
      // Two round trips: by the second, the center has read what the database sent it before.
      const answer = (): Promise<number | string> =>
        callApi(center.httpUrl, { path: '/api/health' }).then(
          (a) => a.status,
          (error: unknown) => `no answer: ${(error as Error).message}`,
        );
      await answer();
      expect({ health: await answer(), alive: center.alive() }, center.stderr()).toEqual({ health: 200, alive: true });
    },
  );
});
