import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  downFilter,
  encode,
  newAlarmId,
  upTopic,
  type Alarm,
  type AlarmAck,
  type ApiError,
  type AuditListResponse,
  type AuditSourcesResponse,
  type Catalog,
  type HealthResponse,
} from '@bsm/protocol';
import { createLogger, demoTotpSecret, hashSecret } from '@bsm/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { waitFor } from '../../../../test/support/wait.js';
import { startCenter, type CenterHandle } from '../app.js';
import { CenterConfig } from '../config.js';
import { readCsv, readNdjson } from './export-format.js';
import { verifyChain } from './verify.js';
import { signIn } from '../../../../packages/launcher/src/sign-in.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const BRANCH = 'b-gulou';
const SECRET = 'branch-secret-for-tests';
const PASSWORD = 'Correct-Horse-1';

const catalog: Catalog = {
  publisher: BRANCH,
  mode: 'full',
  revision: 1,
  at: new Date().toISOString(),
  nodes: [
    { id: BRANCH, parentId: null, kind: 'branch', name: '鼓楼支行营业部', lat: 26.08, lon: 119.29, importance: 1 },
  ],
  devices: [],
  cameras: [{ id: `${BRANCH}.cam1`, nodeId: BRANCH, name: '现金柜台', ptz: false, important: true, streams: [] }],
  alarmInputs: [],
  states: [],
};

/**
 * The auditors' API of one center, and what the center records: an
 * officer's alarm actions and play requests, refused ones included, show in
 * the trail; an auditor searches and exports it, and the export verifies
 * offline; nobody else may read it, and trying is recorded too. When the
 * trail cannot be written, reads are refused and alarm handling goes on.
 */
describe('the audit API', () => {
  let pgServer: TestPostgres;
  let center: CenterHandle;
  let dbUrl: string;
  let branch: MqttClient;
  let dir: string;
  const acks: AlarmAck[] = [];

  const login = async (username: string): Promise<string> => (await signIn(center.httpUrl, username, PASSWORD)).cookie;
  const api = (cookie: string, path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${center.httpUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
    });
  const superuser = async (text: string): Promise<void> => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };

  let officer = '';
  let auditor = '';

  beforeAll(async () => {
    pgServer = await startTestPostgres();
    dbUrl = await pgServer.freshDatabase('bsm_audit_api');
    dir = mkdtempSync(join(tmpdir(), 'bsm-audit-api-'));
    const credentialsFile = join(dir, 'credentials');
    writeFileSync(credentialsFile, `${BRANCH}:${await hashSecret(SECRET)}\n`);
    const config = CenterConfig.parse({
      mode: 'development',
      node: { id: 'fz', name: '福州分行安防监控中心', tier: 2, lat: 26.08, lon: 119.3 },
      http: { port: 0 },
      media: { rtmpPort: 0, httpPort: 0 },
      database: { url: dbUrl },
      broker: { embedded: { port: 0, credentialsFile } },
      seedUsers: [
        {
          username: 'officer',
          displayName: '值班员',
          password: PASSWORD,
          role: 'operator',
          totpSecret: demoTotpSecret(PASSWORD, 'officer'),
        },
        {
          username: 'auditor',
          displayName: '审计员',
          password: PASSWORD,
          role: 'auditor',
          totpSecret: demoTotpSecret(PASSWORD, 'auditor'),
        },
      ],
    });
    center = await startCenter(config, createLogger('audit-api-test').child({}, { level: 'fatal' }));
    branch = await mqtt.connectAsync(center.brokerUrl, { username: BRANCH, password: SECRET, clean: true });
    await branch.subscribeAsync(downFilter(BRANCH), { qos: 1 });
    branch.on('message', (topic, payload) => {
      if (topic.endsWith('/down/ack')) {
        acks.push(JSON.parse(payload.toString()) as AlarmAck);
      }
    });
    const status = { nodeId: BRANCH, kind: 'branch', state: 'online', since: new Date().toISOString() };
    branch.publish(
      upTopic(BRANCH, 'status'),
      Buffer.from(encode({ ...status, software: { name: 't', version: '1' } })),
      {
        qos: 1,
        retain: true,
      },
    );
    branch.publish(upTopic(BRANCH, 'catalog'), Buffer.from(encode(catalog)), { qos: 1 });
    officer = await login('officer');
    auditor = await login('auditor');
    await waitFor('branch catalog', async () => (await api(officer, `/api/nodes/${BRANCH}`)).ok);
  });

  afterAll(async () => {
    await branch?.endAsync();
    await center?.close();
    // pg's pool resolves end() before its sockets have closed; a server stopping under them makes an idle
    // client emit an unhandled 'terminating connection' error. Let them close first.
    await new Promise((r) => setTimeout(r, 300));
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let alarmSeq = 0;
  const raiseAlarm = async (): Promise<string> => {
    const alarm: Alarm = {
      id: newAlarmId(),
      origin: BRANCH,
      seq: ++alarmSeq,
      path: [BRANCH],
      type: 'intrusion',
      priority: 2,
      linkedCameras: [],
      occurredAt: new Date().toISOString(),
      source: 'panel',
    };
    branch.publish(upTopic(BRANCH, 'alarm'), Buffer.from(encode(alarm)), { qos: 1 });
    await waitFor('alarm stored', () => acks.some((a) => a.ids.includes(alarm.id)));
    return alarm.id;
  };

  const search = async (query: string): Promise<AuditListResponse> => {
    const res = await api(auditor, `/api/audit?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as AuditListResponse;
  };

  it("records an officer's alarm actions and play requests, done and refused", async () => {
    const alarmId = await raiseAlarm();
    const act = (body: object) =>
      api(officer, `/api/alarms/${alarmId}/actions`, { method: 'POST', body: JSON.stringify(body) });
    expect((await act({ action: 'acknowledge' })).status).toBe(200);
    expect((await act({ action: 'acknowledge' })).status).toBe(409);
    expect((await act({ action: 'note', note: '已电话联系网点' })).status).toBe(200);
    expect(
      (await api(officer, `/api/cameras/${BRANCH}.cam1/play`, { method: 'POST', body: '{"profile":"main"}' })).status,
    ).toBe(404);

    const actions = await search(`target=${alarmId}`);
    expect(actions.entries.map((e) => [e.actor, e.action, e.outcome]).reverse()).toEqual([
      ['officer', 'alarm.acknowledge', 'success'],
      ['officer', 'alarm.acknowledge', 'failure'],
      ['officer', 'alarm.note', 'success'],
    ]);
    expect(actions.entries[1]?.detail).toMatchObject({ error: 'not_allowed', status: 409 });
    expect(actions.entries[0]?.detail).toMatchObject({ note: '已电话联系网点' });
    expect(actions.entries.every((e) => e.ip !== null && e.source === 'fz')).toBe(true);

    const plays = await search('action=video.&outcome=failure');
    expect(plays.entries[0]).toMatchObject({
      actor: 'officer',
      action: 'video.play',
      target: `${BRANCH}.cam1`,
      detail: { profile: 'main', purpose: 'live', error: 'not_found' },
    });
  });

  it('pages backwards through the trail with filters, and records each search', async () => {
    await search('limit=1');
    const first = await search('limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]?.action).toBe('audit.search'); // the search before, recorded before it answered
    expect(first.nextCursor).toBe(first.entries[1]?.seq);
    const second = await search(`limit=2&cursor=${first.nextCursor ?? 0}`);
    expect(second.entries.every((e) => e.seq < (first.nextCursor ?? 0))).toBe(true);
    const logins = await search('action=auth.login&actor=auditor');
    expect(logins.entries.map((e) => e.outcome)).toEqual(['success']);
    const empty = await search(`from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(empty.entries).toEqual([]);
    expect(empty.nextCursor).toBeNull();

    const bad = await api(auditor, '/api/audit?limit=0&outcome=maybe&from=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError).error.fields?.map((f) => f.path).sort()).toEqual([
      'from',
      'limit',
      'outcome',
    ]);
    const reversed = await api(auditor, '/api/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(reversed.status).toBe(400);
  });

  it('refuses the trail to anyone without the audit permission, and records the attempt', async () => {
    for (const path of ['/api/audit', '/api/audit/export', '/api/audit/sources']) {
      const res = await api(officer, path);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as ApiError).error.code).toBe('forbidden');
    }
    const attempts = await search('actor=officer&action=access.refused&outcome=failure');
    expect(attempts.entries.map((e) => e.target).sort()).toEqual([
      'GET /api/audit',
      'GET /api/audit/export',
      'GET /api/audit/sources',
    ]);
    const sources = (await (await api(auditor, '/api/audit/sources')).json()) as AuditSourcesResponse;
    expect(sources).toMatchObject({ self: 'fz', breaks: [] });
    expect(sources.sources).toEqual([expect.objectContaining({ source: 'fz', own: true, breaks: 0 })]);
  });

  it('exports NDJSON and CSV that verify offline, and name a line edited afterwards', async () => {
    const ndjson = await api(auditor, '/api/audit/export');
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-disposition')).toMatch(/attachment; filename="audit-fz-.*\.ndjson"/);
    const ndText = await ndjson.text();
    const report = await verifyChain('fz', readNdjson(ndText));
    expect(report).toMatchObject({ ok: true, firstSeq: 1 });
    expect(report.entries).toBeGreaterThan(10);

    const csv = await api(auditor, '/api/audit/export?format=csv&action=alarm.');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvText = await csv.text();
    expect([...readCsv(csvText)].map((e) => ('action' in e ? e.action : null))).toEqual([
      'alarm.acknowledge',
      'alarm.acknowledge',
      'alarm.note',
    ]);

    const file = join(dir, 'export.ndjson');
    const cli = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((done) => {
        execFile('npm', ['run', '--silent', 'audit:verify', '--', ...args], { cwd: REPO_ROOT }, (error, stdout) =>
          done({ code: typeof error?.code === 'number' ? error.code : 0, out: stdout }),
        );
      });
    writeFileSync(file, ndText);
    expect((await cli('--file', file)).code).toBe(0);
    writeFileSync(join(dir, 'alarms.csv'), csvText);
    expect((await cli('--file', join(dir, 'alarms.csv'))).code).toBe(1); // a filtered export has gaps…
    expect((await cli('--file', join(dir, 'alarms.csv'), '--partial')).code).toBe(0); // …which --partial allows
    const lines = ndText.trimEnd().split('\n');
    lines[3] = (lines[3] ?? '').replace('"outcome":"success"', '"outcome":"failure"');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const edited = await cli('--file', file);
    expect(edited.code).toBe(1);
    expect(JSON.parse(edited.out)).toMatchObject({ ok: false, firstProblem: { kind: 'altered', seq: 4, line: 4 } });
  });

  it('refuses reads while the trail cannot be written, and alarm handling goes on', async () => {
    const alarmId = await raiseAlarm();
    // The trail's storage refuses every new row (a full disk, a broken replica, a revoked grant…).
    await superuser('ALTER TABLE audit_events ADD CONSTRAINT trail_down CHECK (seq < 0) NOT VALID');
    try {
      const read = await api(auditor, '/api/audit');
      expect(read.status).toBe(503);
      expect(((await read.json()) as ApiError).error.code).toBe('audit_unavailable');
      const handled = await api(officer, `/api/alarms/${alarmId}/actions`, {
        method: 'POST',
        body: JSON.stringify({ action: 'acknowledge' }),
      });
      expect(handled.status).toBe(200);
      // No sign-in without its record: the second factor is right, and still no session.
      await expect(signIn(center.httpUrl, 'officer', PASSWORD)).rejects.toMatchObject({ status: 503 });
    } finally {
      await superuser('ALTER TABLE audit_events DROP CONSTRAINT trail_down');
    }
    expect((await api(auditor, '/api/audit')).status).toBe(200);
    const health = (await (await fetch(`${center.httpUrl}/api/health`)).json()) as HealthResponse;
    expect(health.audit).toMatchObject({ pendingUp: null, breaks: 0 });
    expect(health.audit.lastSeq).toBeGreaterThan(20);
  });
});
