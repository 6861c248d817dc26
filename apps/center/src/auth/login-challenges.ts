import { randomBytes } from 'node:crypto';
import { hashToken } from './tokens.js';

/** A sign-in between its password and its second factor. */
export interface Challenge {
  userId: number;
  username: string;
  /** `totp`: enter the code of the enrolled authenticator; `enroll`: first set one up with this secret. */
  kind: 'totp' | 'enroll';
  /** The secret being enrolled (kind `enroll`). */
  secret?: string;
  expiresAt: number;
  /** Wrong codes entered against this challenge. */
  failures: number;
}

/** How long a password stays good for entering the second factor. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes before the challenge is dropped and the password must be entered again. */
export const CHALLENGE_MAX_FAILURES = 3;
/** Bounded, so a flood of correct-password sign-ins cannot grow memory without end. */
const MAX_PENDING = 10_000;

/**
 * Pending second factors, in memory: a center restart only means entering
 * the password again. The client holds an opaque random token; the map is
 * keyed by its hash, like sessions.
 */
export class LoginChallenges {
  private readonly pending = new Map<string, Challenge>();

  constructor(private readonly now: () => number = Date.now) {}

  create(challenge: Omit<Challenge, 'expiresAt' | 'failures'>): { token: string; expiresAt: Date } {
    this.sweep();
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) {
        this.pending.delete(oldest);
      }
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + CHALLENGE_TTL_MS;
    this.pending.set(hashToken(token), { ...challenge, expiresAt, failures: 0 });
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** The live challenge behind a token, or null (unknown, expired). */
  get(token: string): Challenge | null {
    const key = hashToken(token);
    const challenge = this.pending.get(key);
    if (!challenge) {
      return null;
    }
    if (challenge.expiresAt <= this.now()) {
      this.pending.delete(key);
      return null;
    }
    return challenge;
  }

  /** A wrong code: true when the challenge is now used up. */
  fail(token: string): boolean {
    const key = hashToken(token);
    const challenge = this.pending.get(key);
    if (!challenge) {
      return true;
    }
    challenge.failures += 1;
    if (challenge.failures >= CHALLENGE_MAX_FAILURES) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  delete(token: string): void {
    this.pending.delete(hashToken(token));
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, challenge] of this.pending) {
      if (challenge.expiresAt <= now) {
        this.pending.delete(key);
      }
    }
  }
}
