import type { UserSummary } from '@bsm/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../packages/launcher/src/sign-in.js';
import { FIXTURE_PASSWORD, startCenterFixture, type CenterFixture } from '../support/center-fixture.js';

const BRANCH = 'b-gulou';

/** Separation of duties (S3) and address rules (S4, S5) on a real center. */
describe('user administration', () => {
  let fx: CenterFixture;
  let admin = '';
  /** Chen's authenticator, enrolled at the first sign-in. */
  let chenSecret = '';

  const api = async (cookie: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fx.center.httpUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code: string } },
    };
  };
  const auditRows = async (action: string, target: string) => {
    const client = new pg.Client({ connectionString: fx.databaseUrl });
    await client.connect();
    try {
      return (
        await client.query<{ actor: string; outcome: string; detail: Record<string, unknown> }>(
          'SELECT actor, outcome, detail FROM audit_events WHERE action = $1 AND target = $2 ORDER BY id',
          [action, target],
        )
      ).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    fx = await startCenterFixture({
      branches: [BRANCH],
      users: [
        { username: 'secadmin', role: 'security_admin' },
        { username: 'secadmin2', role: 'security_admin' },
        { username: 'branch-admin', role: 'security_admin', jurisdiction: BRANCH },
        { username: 'auditor', role: 'auditor' },
        { username: 'watcher', role: 'operator' },
      ],
    });
    admin = await fx.cookieOf('secadmin');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('creates an operator, who enrols an authenticator and watches; the creation is audited', async () => {
    const created = await api(admin, 'POST', '/api/users', {
      username: 'chen',
      displayName: '陈静',
      role: 'operator',
      jurisdiction: 'fz',
      password: 'Duty-Roster-7',
      allowedIps: ['127.0.0.1'],
    });
    expect(created.status).toBe(201);
    const summary = created.body as unknown as UserSummary;
    expect(summary).toMatchObject({
      username: 'chen',
      role: 'operator',
      totpEnrolled: false,
      allowedIps: ['127.0.0.1/32'],
    });
    const chen = await signIn(fx.center.httpUrl, 'chen', 'Duty-Roster-7');
    chenSecret = chen.totpSecret;
    expect(chen.recoveryCodes).toHaveLength(10);
    expect((await api(chen.cookie, 'GET', '/api/map')).status).toBe(200);
    expect(await auditRows('user.create', 'chen')).toEqual([
      expect.objectContaining({ actor: 'secadmin', outcome: 'success' }),
    ]);
  });

  it('refuses a weak password, saying which rule it breaks', async () => {
    const res = await api(admin, 'POST', '/api/users', {
      username: 'weak',
      displayName: 'x',
      role: 'operator',
      jurisdiction: 'fz',
      password: 'weakpass1',
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('weak_password');
  });

  it('lets nobody change their own account, grant users or audit without holding it, or exceed a role', async () => {
    expect((await api(admin, 'PATCH', '/api/users/secadmin', { displayName: 'me' })).body.error?.code).toBe(
      'self_change',
    );
    // An auditor holds audit, which a security administrator does not: neither made nor touched by one.
    const auditor = await api(admin, 'POST', '/api/users', {
      username: 'audit2',
      displayName: '审计',
      role: 'auditor',
      jurisdiction: 'fz',
      password: 'Duty-Roster-7',
    });
    expect(auditor.status).toBe(403);
    expect(auditor.body.error?.code).toBe('cannot_grant');
    expect((await api(admin, 'PATCH', '/api/users/auditor', { disabled: true })).body.error?.code).toBe('cannot_grant');
    // Officers' permissions never meet user management.
    const mixed = await api(admin, 'PATCH', '/api/users/chen', { permissions: ['login', 'live', 'users'] });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error?.code).toBe('beyond_role');
    const adminWithVideo = await api(admin, 'PATCH', '/api/users/secadmin2', {
      permissions: ['login', 'users', 'live'],
    });
    expect(adminWithVideo.body.error?.code).toBe('beyond_role');
    // Refused attempts are in the audit trail too.
    expect((await auditRows('user.update', 'auditor')).at(-1)).toMatchObject({ actor: 'secadmin', outcome: 'failure' });
  });

  it('keeps an administrator to their jurisdiction', async () => {
    const local = await fx.cookieOf('branch-admin');
    const listed = (await api(local, 'GET', '/api/users')).body.users as UserSummary[];
    expect(listed.map((u) => u.username)).toEqual(['branch-admin']);
    const outside = await api(local, 'POST', '/api/users', {
      username: 'far',
      displayName: 'far',
      role: 'operator',
      jurisdiction: 'fz',
      password: 'Duty-Roster-7',
    });
    expect(outside.body.error?.code).toBe('outside_jurisdiction');
    expect((await api(local, 'PATCH', '/api/users/chen', { disabled: true })).status).toBe(404);
    const staff = await api(local, 'POST', '/api/users', {
      username: 'teller1',
      displayName: '柜员',
      role: 'branch_staff',
      jurisdiction: BRANCH,
      password: 'Duty-Roster-7',
    });
    expect(staff.status).toBe(201);
  });

  it("ends a user's sessions when their rights change, so the change holds at once", async () => {
    const chen = await signIn(fx.center.httpUrl, 'chen', 'Duty-Roster-7', { totpSecret: chenSecret });
    expect((await api(chen.cookie, 'GET', '/api/alarms')).status).toBe(200);
    const demoted = await api(admin, 'PATCH', '/api/users/chen', { role: 'ordinary_user' });
    expect(demoted.status).toBe(200);
    expect((demoted.body as unknown as UserSummary).permissions).toEqual(['login', 'live', 'playback']);
    expect((await api(chen.cookie, 'GET', '/api/alarms')).status).toBe(401);
    const again = await signIn(fx.center.httpUrl, 'chen', 'Duty-Roster-7', { totpSecret: chenSecret });
    const act = await api(again.cookie, 'POST', '/api/alarms/01J00000000000000000000000/actions', {
      action: 'acknowledge',
    });
    expect(act.body.error?.code).toBe('forbidden');
    const [change] = (await auditRows('user.update', 'chen')).slice(-1);
    expect(change?.detail).toMatchObject({ changed: { role: 'ordinary_user' } });
  });

  it('resets an authenticator and unlocks an account', async () => {
    expect((await api(admin, 'POST', '/api/users/chen/reset-totp', {})).status).toBe(204);
    const first = await fetch(`${fx.center.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'chen', password: 'Duty-Roster-7' }),
    });
    expect(((await first.json()) as { step: string }).step).toBe('enroll');
    for (let i = 0; i < 5; i++) {
      await fetch(`${fx.center.httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'watcher', password: 'wrong-guess-1' }),
      });
    }
    const locked = (await api(admin, 'GET', '/api/users')).body.users as UserSummary[];
    expect(locked.find((u) => u.username === 'watcher')?.lockedUntil).not.toBeNull();
    expect((await api(admin, 'POST', '/api/users/watcher/unlock', {})).status).toBe(204);
    expect(
      (await signIn(fx.center.httpUrl, 'watcher', FIXTURE_PASSWORD, { totpSecret: fx.secrets.get('watcher') })).cookie,
    ).toMatch(/^bsm_session_fz=/);
  });

  it('keeps a user with address ranges of their own to them', async () => {
    await api(admin, 'PATCH', '/api/users/chen', { allowedIps: ['10.20.0.0/16'] });
    const res = await fetch(`${fx.center.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'chen', password: 'Duty-Roster-7' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('address_refused');
  });
});

describe('a center whose management network is elsewhere', () => {
  let fx: CenterFixture;

  beforeAll(async () => {
    fx = await startCenterFixture({
      branches: [],
      users: [
        { username: 'secadmin', role: 'security_admin' },
        { username: 'watcher', role: 'operator' },
      ],
      config: { security: { managementNetworks: ['10.99.0.0/16'] } },
    });
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses user management to a remote client even with the right password and code (S4), serving the rest', async () => {
    const admin = await fx.cookieOf('secadmin');
    const res = await fetch(`${fx.center.httpUrl}/api/users`, { headers: { cookie: admin } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('remote_refused');
    const officer = await fx.cookieOf('watcher');
    expect((await fetch(`${fx.center.httpUrl}/api/map`, { headers: { cookie: officer } })).status).toBe(200);
  });
});

describe('a center that serves only its allowed client networks', () => {
  let fx: CenterFixture;

  beforeAll(async () => {
    fx = await startCenterFixture({
      branches: [],
      users: [],
      config: { security: { allowedClients: ['10.0.0.0/8'] } },
    });
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses everything, the console included, to other addresses (S5)', async () => {
    for (const path of ['/', '/api/health', '/api/auth/login']) {
      const res = await fetch(`${fx.center.httpUrl}${path}`);
      expect(res.status, path).toBe(403);
    }
  });
});
