import { LoginResponse, type SessionUser } from '@bsm/protocol';
import { demoTotpSecret, TOTP_PERIOD_SEC, totpCode } from '@bsm/runtime';

export interface SignedInClient {
  /** `name=value` of the session cookie, for a `cookie` header. */
  cookie: string;
  /** The whole Set-Cookie header the center answered with (its attributes: Secure, HttpOnly, SameSite). */
  setCookie: string;
  user: SessionUser;
  /** Given once, when this sign-in enrolled the authenticator. */
  recoveryCodes?: string[];
  /** The authenticator secret used (the one enrolled now, when this sign-in enrolled one). */
  totpSecret: string;
}

export class SignInError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`sign-in failed: HTTP ${status} ${body}`);
  }
}

const STEP_MS = TOTP_PERIOD_SEC * 1000;
/** The last time step used per user and center in this process: a code signs in once. */
const lastStep = new Map<string, number>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A code for a fresh time step. The center accepts the current step or the
 * next one, each once per user; a second sign-in of the same user within a
 * step takes the next, a third waits for the clock. `key` names the user at
 * a center (e.g. `<url> <username>`).
 */
export async function freshTotpCode(key: string, secret: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    const current = Math.floor(now / STEP_MS);
    const step = Math.max(current, (lastStep.get(key) ?? 0) + 1);
    if (step <= current + 1) {
      lastStep.set(key, step);
      return totpCode(secret, step * STEP_MS + 1);
    }
    await sleep((current + 1) * STEP_MS - now + 20);
  }
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function step(res: Response): Promise<LoginResponse> {
  const text = await res.text();
  if (!res.ok) {
    throw new SignInError(res.status, text);
  }
  return LoginResponse.parse(JSON.parse(text));
}

/**
 * Signs a user in over the REST API as the console does: password, then a
 * code of their authenticator (or, without one yet, enrolment with the
 * secret the center offers). The secret defaults to a demo user's
 * (`demoTotpSecret`). For tests, benchmarks and scripts.
 */
export async function signIn(
  baseUrl: string,
  username: string,
  password: string,
  opts: { totpSecret?: string } = {},
): Promise<SignedInClient> {
  const first = await step(await post(`${baseUrl}/api/auth/login`, { username, password }));
  const key = `${baseUrl} ${username}`;
  let done: Response;
  let totpSecret = opts.totpSecret ?? demoTotpSecret(password, username);
  if (first.step === 'totp') {
    const code = await freshTotpCode(key, totpSecret);
    done = await post(`${baseUrl}/api/auth/login/totp`, { challenge: first.challenge, code });
  } else if (first.step === 'enroll') {
    totpSecret = first.enrollment.secret;
    const code = await freshTotpCode(key, totpSecret);
    done = await post(`${baseUrl}/api/auth/login/enroll`, { challenge: first.challenge, code });
  } else {
    throw new SignInError(500, 'the center signed in without a second factor');
  }
  const setCookie = done.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const last = await step(done);
  if (last.step !== 'done') {
    throw new SignInError(500, `unexpected sign-in step ${last.step}`);
  }
  return {
    cookie,
    setCookie,
    user: last.user,
    totpSecret,
    ...(last.recoveryCodes ? { recoveryCodes: last.recoveryCodes } : {}),
  };
}
