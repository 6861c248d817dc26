import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api-request-error';
import { alarmListSearch, createCenterApi } from './center-api';
import type { FetchLike } from './http-client';

const user = {
  username: 'zhang',
  displayName: '张伟',
  role: 'operator',
  permissions: ['login', 'live', 'playback', 'ptz', 'alarms'],
  jurisdiction: 'fz',
  center: { id: 'fz', name: '福州市分行监控中心', tier: 2 },
} as const;

function respondWith(status: number, body: unknown, calls: { input: string; init?: RequestInit }[] = []): FetchLike {
  return (input, init) => {
    calls.push({ input, init });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return Promise.resolve(
      new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': 'application/json' } }),
    );
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiRequestError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('center API client', () => {
  it('posts the password as same-origin JSON and returns the next step, then the code and the session user', async () => {
    const calls: { input: string; init?: RequestInit }[] = [];
    const challenge = 'c'.repeat(43);
    const expiresAt = '2025-01-01T08:05:00.000Z';
    const first = await createCenterApi(respondWith(200, { step: 'totp', challenge, expiresAt }, calls)).login({
      username: 'zhang',
      password: 'secret',
    });
    expect(first).toEqual({ step: 'totp', challenge, expiresAt });
    const done = await createCenterApi(respondWith(200, { step: 'done', user }, calls)).loginTotp({
      challenge,
      code: '123456',
    });
    expect(done.step === 'done' ? done.user.displayName : null).toBe('张伟');
    expect(calls[1]?.input).toBe('/api/auth/login/totp');
    expect(JSON.parse(calls[1]?.init?.body as string)).toEqual({ challenge, code: '123456' });
    expect(calls[0]?.input).toBe('/api/auth/login');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(calls[0]?.init?.credentials).toBe('same-origin');
    expect(JSON.parse(calls[0]?.init?.body as string)).toEqual({ username: 'zhang', password: 'secret' });
  });

  it('turns a 401 error body into ApiRequestError with its code, so the login page can say 用户名或密码错误', async () => {
    const api = createCenterApi(
      respondWith(401, { error: { code: 'bad_credentials', message: 'wrong user name or password' } }),
    );
    const error = await rejectionOf(api.login({ username: 'zhang', password: 'nope' }));
    expect(error.status).toBe(401);
    expect(error.code).toBe('bad_credentials');
    expect(error.isUnauthorized).toBe(true);
  });

  it('keeps the field list of a 400', async () => {
    const api = createCenterApi(
      respondWith(400, {
        error: { code: 'invalid_request', message: 'bad body', fields: [{ path: 'username', message: 'required' }] },
      }),
    );
    const error = await rejectionOf(api.login({ username: 'x', password: 'y' }));
    expect(error.fields).toEqual([{ path: 'username', message: 'required' }]);
  });

  it('reports a body that breaks the contract instead of passing it on', async () => {
    const api = createCenterApi(respondWith(200, { user: { ...user, role: 'janitor' } }));
    const error = await rejectionOf(api.me());
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('role');
  });

  it('reports an unreachable center as a network error', async () => {
    const api = createCenterApi(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await rejectionOf(api.map());
    expect(error.isNetworkError).toBe(true);
  });

  it('reports a non-JSON error page (e.g. a proxy 502) by its status', async () => {
    const api = createCenterApi(respondWith(502, '<html>Bad Gateway</html>'));
    const error = await rejectionOf(api.map());
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
  });

  it('accepts the empty 204 of logout', async () => {
    const api = createCenterApi(respondWith(204, undefined));
    await expect(api.logout()).resolves.toBeUndefined();
  });
});

describe('camera endpoints', () => {
  it('posts a play request and checks the granted URL', async () => {
    const calls: { input: string; init?: RequestInit }[] = [];
    const granted = {
      cameraId: 'cam-1',
      profile: 'sub',
      url: '/live/x.flv?sig=1',
      expiresAt: '2030-01-01T00:00:00.000Z',
      kbps: 256,
    };
    const api = createCenterApi(respondWith(200, granted, calls));
    await expect(api.play('cam 1', { profile: 'main', purpose: 'live' })).resolves.toEqual(granted);
    expect(calls[0]?.input).toBe('/api/cameras/cam%201/play');
    expect(JSON.parse(calls[0]?.init?.body as string)).toEqual({ profile: 'main', purpose: 'live' });
  });

  it('keeps the link usage of a link_full refusal', async () => {
    const link = { link: 'fz-01 uplink', capacityKbps: 1000, usedKbps: 1000, streams: [] };
    const api = createCenterApi(respondWith(409, { error: { code: 'link_full', message: 'full', link } }));
    const error = await rejectionOf(api.play('cam-1', {}));
    expect(error.code).toBe('link_full');
    expect(error.link).toEqual(link);
  });

  it('accepts the empty 204 of a PTZ command and reports ptz_locked', async () => {
    const calls: { input: string; init?: RequestInit }[] = [];
    await expect(
      createCenterApi(respondWith(204, undefined, calls)).ptz('cam-1', { kind: 'move', action: 'left', speed: 0.5 }),
    ).resolves.toBeUndefined();
    expect(calls[0]?.input).toBe('/api/cameras/cam-1/ptz');
    const locked = createCenterApi(respondWith(409, { error: { code: 'ptz_locked', message: 'xm-op@fj' } }));
    const error = await rejectionOf(locked.ptz('cam-1', { kind: 'preset', op: 'goto', preset: 1 }));
    expect(error.code).toBe('ptz_locked');
    expect(error.message).toBe('xm-op@fj');
  });
});

describe('alarmListSearch', () => {
  it('sends only the filters that are set', () => {
    expect(alarmListSearch({ limit: 100 })).toBe('?limit=100');
    expect(alarmListSearch({ limit: 50, nodeId: 'fz-gl-01', type: undefined })).toBe('?limit=50&nodeId=fz-gl-01');
    expect(alarmListSearch({})).toBe('');
  });
});
