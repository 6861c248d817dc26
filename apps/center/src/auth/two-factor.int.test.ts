import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginResponse } from '@bsm/protocol';
import { createLogger, totpCode, TOTP_PERIOD_SEC } from '@bsm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { startCenter, type CenterHandle } from '../app.js';
import { CenterConfig } from '../config.js';

const PASSWORD = 'Correct-Horse-1';
const STEP_MS = TOTP_PERIOD_SEC * 1000;

/** Two factors against a real center and PostgreSQL: enrolment, codes that work once, recovery codes, lock-out. */
describe('two-factor sign-in', () => {
  let pg: TestPostgres;
  let center: CenterHandle;

  const post = (path: string, body: unknown, cookie = ''): Promise<Response> =>
    fetch(`${center.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  const password = async (username: string, pass = PASSWORD): Promise<LoginResponse> => {
    const res = await post('/api/auth/login', { username, password: pass });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    return LoginResponse.parse(await res.json());
  };
  const errorCode = async (res: Response): Promise<string> =>
    ((await res.json()) as { error: { code: string } }).error.code;
  const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const me = (cookie: string): Promise<Response> => fetch(`${center.httpUrl}/api/me`, { headers: { cookie } });

  beforeAll(async () => {
    pg = await startTestPostgres();
    const dir = mkdtempSync(join(tmpdir(), 'bsm-2fa-'));
    const credentialsFile = join(dir, 'credentials');
    writeFileSync(credentialsFile, '');
    const config = CenterConfig.parse({
      mode: 'development',
      node: { id: 'fz', name: '福州分行安防监控中心', tier: 2, lat: 26.08, lon: 119.3 },
      http: { port: 0 },
      media: { enabled: false },
      database: { url: await pg.freshDatabase() },
      broker: { embedded: { port: 0, credentialsFile } },
      auth: { maxFailedLogins: 5, lockMinutes: 15 },
      seedUsers: ['zhang', 'wang', 'li', 'zhao'].map((username) => ({
        username,
        displayName: username,
        password: PASSWORD,
        role: 'operator',
      })),
    });
    center = await startCenter(config, createLogger('2fa-test').child({}, { level: 'silent' }));
  });

  afterAll(async () => {
    await center?.close();
    await pg?.stop();
  });

  let secret = '';
  let enrolmentCode = '';
  let enrolledAt = 0;
  let recoveryCodes: string[] = [];

  it('enrols an authenticator at the first sign-in from a QR code, and opens no session before its code', async () => {
    const first = await password('zhang');
    expect(first.step).toBe('enroll');
    if (first.step !== 'enroll') {
      return;
    }
    secret = first.enrollment.secret;
    expect(first.enrollment.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(first.enrollment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const wrong = await post('/api/auth/login/enroll', { challenge: first.challenge, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('bad_code');
    enrolledAt = Date.now();
    enrolmentCode = totpCode(secret, enrolledAt);
    const ok = await post('/api/auth/login/enroll', { challenge: first.challenge, code: enrolmentCode });
    expect(ok.status).toBe(200);
    const done = LoginResponse.parse(await ok.json());
    recoveryCodes = done.step === 'done' ? (done.recoveryCodes ?? []) : [];
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await me(cookieOf(ok))).status).toBe(200);
    // The challenge is spent.
    expect(
      await errorCode(await post('/api/auth/login/enroll', { challenge: first.challenge, code: totpCode(secret) })),
    ).toBe('challenge_expired');
  });

  it('takes a code once: the same code again is refused, the next one works', async () => {
    const again = await password('zhang');
    expect(again.step).toBe('totp');
    if (again.step !== 'totp') {
      return;
    }
    const replay = await post('/api/auth/login/totp', { challenge: again.challenge, code: enrolmentCode });
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe('bad_code');
    const next = await post('/api/auth/login/totp', {
      challenge: again.challenge,
      code: totpCode(secret, enrolledAt + STEP_MS),
    });
    expect(next.status).toBe(200);
    expect((await me(cookieOf(next))).status).toBe(200);
  });

  it('lets a recovery code stand in for the phone once', async () => {
    const [code] = recoveryCodes;
    const first = await password('zhang');
    const use = await post('/api/auth/login/totp', {
      challenge: first.step === 'totp' ? first.challenge : '',
      recoveryCode: (code ?? '').toLowerCase(),
    });
    expect(use.status).toBe(200);
    const second = await password('zhang');
    const reuse = await post('/api/auth/login/totp', {
      challenge: second.step === 'totp' ? second.challenge : '',
      recoveryCode: code,
    });
    expect(reuse.status).toBe(401);
    expect(await errorCode(reuse)).toBe('bad_code');
  });

  it('drops a sign-in after three wrong codes and locks the account after five failures', async () => {
    const first = await password('wang');
    const challenge = first.step === 'enroll' ? first.challenge : '';
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push(await errorCode(await post('/api/auth/login/enroll', { challenge, code: '111111' })));
    }
    expect(codes).toEqual(['bad_code', 'bad_code', 'challenge_expired']);
    // Two wrong passwords more make five failures in a row: locked, even for the right password.
    for (let i = 0; i < 2; i++) {
      expect((await post('/api/auth/login', { username: 'wang', password: 'guess-123' })).status).toBe(401);
    }
    const locked = await post('/api/auth/login', { username: 'wang', password: PASSWORD });
    expect(locked.status).toBe(423);
    expect(await errorCode(locked)).toBe('locked');
  });

  it('refuses a session token after its logout (no replay)', async () => {
    const first = await password('li');
    const enrollment = first.step === 'enroll' ? first.enrollment.secret : '';
    const ok = await post('/api/auth/login/enroll', {
      challenge: first.step === 'enroll' ? first.challenge : '',
      code: totpCode(enrollment),
    });
    const cookie = cookieOf(ok);
    expect((await me(cookie)).status).toBe(200);
    expect((await post('/api/auth/logout', {}, cookie)).status).toBe(204);
    expect((await me(cookie)).status).toBe(401);
    const bearer = await fetch(`${center.httpUrl}/api/me`, {
      headers: { authorization: `Bearer ${cookie.slice(cookie.indexOf('=') + 1)}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('refuses malformed second factors with the field that is wrong', async () => {
    const first = await password('zhao');
    const challenge = first.step === 'enroll' ? first.challenge : '';
    const bad = await post('/api/auth/login/enroll', { challenge, code: '12ab56' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { fields: { path: string }[] } };
    expect(body.error.fields.map((f) => f.path)).toContain('code');
    expect((await post('/api/auth/login/totp', { challenge: 'x'.repeat(43), code: '123456' })).status).toBe(401);
  });
});
