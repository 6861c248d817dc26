import { createHmac } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app reads
 * them: SHA-1, six digits, 30-second steps. The center verifies codes; the
 * demo network, its tests and benchmarks compute them for the demo users.
 */
export const TOTP_PERIOD_SEC = 30;
const DIGITS = 6;

const totpOf = (secret: string, label = 'user', issuer = 'BSM'): TOTP =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: TOTP_PERIOD_SEC,
    secret: Secret.fromBase32(secret),
  });

/** A new random secret (160 bits, base32), as RFC 4226 recommends. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The code an authenticator shows at `atMs` for this secret. */
export const totpCode = (secret: string, atMs: number = Date.now()): string =>
  totpOf(secret).generate({ timestamp: atMs });

/**
 * The time step a code belongs to, if it is the code of the step at `atMs`
 * or of one step either side (a phone's clock a little off), else null. The
 * caller refuses a step it has accepted before: a code works once.
 */
export function verifyTotp(secret: string, code: string, atMs: number = Date.now()): number | null {
  let delta: number | null;
  try {
    delta = totpOf(secret).validate({ token: code, timestamp: atMs, window: 1 });
  } catch {
    return null; // a malformed stored secret refuses, never crashes the login
  }
  return delta === null ? null : Math.floor(atMs / 1000 / TOTP_PERIOD_SEC) + delta;
}

/** The `otpauth://` URI an authenticator app scans. */
export const totpUri = (secret: string, account: string, issuer: string): string =>
  totpOf(secret, account, issuer).toString();

/**
 * The authenticator secret of a demo user: derived from the demo network's
 * password and the user name, so the demo, its tests and `npm run totp` know
 * every demo user's codes without storing them. Demo users exist only in
 * development mode.
 */
export function demoTotpSecret(demoPassword: string, username: string): string {
  const bytes = createHmac('sha256', demoPassword).update(`totp:${username}`).digest().subarray(0, 20);
  return new Secret({ buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }).base32;
}
