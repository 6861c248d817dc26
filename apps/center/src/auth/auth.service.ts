import { randomBytes, randomInt } from 'node:crypto';
import type { CenterInfo, LoginResponse, Role, SessionUser, TotpEnrollment } from '@bsm/protocol';
import { hashSecret, newTotpSecret, totpUri, verifySecret, verifyTotp, type Logger } from '@bsm/runtime';
import QRCode from 'qrcode';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { UserRecord, UserRepository } from '../repositories/user.repository.js';
import { IpRules } from './ip-rules.js';
import { LoginChallenges } from './login-challenges.js';
import { hashToken } from './tokens.js';

export { hashToken } from './tokens.js';

export class AuthError extends Error {
  constructor(
    readonly code:
      'bad_credentials' | 'bad_code' | 'challenge_expired' | 'locked' | 'unauthenticated' | 'address_refused',
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  user: SessionUser;
  tokenHash: string;
  /** The user's own address ranges (empty: wherever the center allows), checked on every request. */
  allowedIps: string[];
}

/** The end of a sign-in: the session token (for the cookie) and who it is. */
export interface SignedIn {
  token: string;
  user: SessionUser;
  recoveryCodes?: string[];
}

/** Ten one-time codes of 8 base32 characters (40 bits each), shown as `XXXX-XXXX`. */
const RECOVERY_CODES = 10;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newRecoveryCode(): string {
  const chars = Array.from({ length: 8 }, () => BASE32[randomInt(BASE32.length)] ?? 'A');
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Recovery codes are kept as hashes of their normalized form (no dash, upper case). */
const recoveryHash = (code: string): string => hashToken(code.toUpperCase().replace(/[\s-]/g, ''));

/**
 * Sign-in with two factors (S6): the password (argon2id), then a code of the
 * user's authenticator (RFC 6238) or one of their recovery codes; a user
 * without an authenticator enrols one at the first sign-in. Failures of
 * either factor count towards the lock-out. Sessions are opaque tokens
 * stored only as hashes.
 */
export class AuthService {
  /** Verified against when the username is unknown, so timing does not tell which names exist. */
  private dummyHash: Promise<string> | null = null;
  private readonly challenges = new LoginChallenges();

  constructor(
    private readonly deps: {
      users: UserRepository;
      audit: AuditRepository;
      log: Logger;
      center: CenterInfo;
      idleMinutes: number;
      maxFailedLogins: number;
      lockMinutes: number;
    },
  ) {}

  private toSessionUser(u: UserRecord): SessionUser {
    return {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      permissions: u.permissions,
      jurisdiction: u.jurisdiction,
      center: this.deps.center,
    };
  }

  private async fail(username: string, ip: string | null, reason: string, userId?: number): Promise<void> {
    if (userId !== undefined) {
      await this.deps.users.recordFailedLogin(userId, this.deps.maxFailedLogins, this.deps.lockMinutes);
    }
    await this.deps.audit.append({ actor: username, action: 'auth.login', outcome: 'failure', ip, detail: { reason } });
  }

  private async refuseIfLocked(user: UserRecord, ip: string | null): Promise<void> {
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await this.fail(user.username, ip, 'locked');
      throw new AuthError('locked', `account locked until ${user.lockedUntil.toISOString()}`);
    }
  }

  /** First step: the password. Answers what the second step is; no session yet. */
  async login(username: string, password: string, ip: string | null): Promise<LoginResponse> {
    const { users } = this.deps;
    const user = await users.findByUsername(username);
    if (!user) {
      this.dummyHash ??= hashSecret(randomBytes(16).toString('hex'));
      await verifySecret(await this.dummyHash, password);
      await this.fail(username, ip, 'unknown user');
      throw new AuthError('bad_credentials', 'wrong username or password');
    }
    await this.refuseIfLocked(user, ip);
    const suspended = user.disabled || !user.permissions.includes('login');
    if (suspended || !(await verifySecret(user.passwordHash, password))) {
      const reason = user.disabled ? 'disabled' : suspended ? 'no login permission' : 'bad password';
      await this.fail(username, ip, reason, user.id);
      throw new AuthError('bad_credentials', 'wrong username or password');
    }
    if (!IpRules.userAllowed(ip, user.allowedIps)) {
      await this.fail(username, ip, 'address not allowed for this user', user.id);
      throw new AuthError('address_refused', 'this account may not sign in from your address');
    }
    if (user.totpSecret !== null) {
      const { token, expiresAt } = this.challenges.create({ userId: user.id, username, kind: 'totp' });
      return { step: 'totp', challenge: token, expiresAt: expiresAt.toISOString() };
    }
    const secret = newTotpSecret();
    const { token, expiresAt } = this.challenges.create({ userId: user.id, username, kind: 'enroll', secret });
    return {
      step: 'enroll',
      challenge: token,
      expiresAt: expiresAt.toISOString(),
      enrollment: await this.enrollmentOf(secret, username),
    };
  }

  private async enrollmentOf(secret: string, username: string): Promise<TotpEnrollment> {
    const uri = totpUri(secret, `${username}@${this.deps.center.id}`, this.deps.center.name);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, uri, qrSvg };
  }

  /** The live challenge of a token, and its user, still allowed to sign in. */
  private async challengeUser(token: string, kind: 'totp' | 'enroll', ip: string | null) {
    const challenge = this.challenges.get(token);
    if (!challenge || challenge.kind !== kind) {
      throw new AuthError('challenge_expired', 'the sign-in expired: enter your password again');
    }
    const user = await this.deps.users.findById(challenge.userId);
    if (!user || user.disabled || !user.permissions.includes('login')) {
      this.challenges.delete(token);
      throw new AuthError('bad_credentials', 'wrong username or password');
    }
    await this.refuseIfLocked(user, ip);
    return { challenge, user };
  }

  /** A wrong code: counted for the account, and the challenge is dropped after a few. */
  private async wrongCode(token: string, user: UserRecord, ip: string | null, reason: string): Promise<never> {
    await this.fail(user.username, ip, reason, user.id);
    const usedUp = this.challenges.fail(token);
    throw new AuthError(
      usedUp ? 'challenge_expired' : 'bad_code',
      usedUp ? 'too many wrong codes: enter your password again' : 'wrong code',
    );
  }

  /** Second step: a code of the enrolled authenticator, or a recovery code. */
  async completeTotp(
    token: string,
    factor: { code: string } | { recoveryCode: string },
    ip: string | null,
  ): Promise<SignedIn> {
    const { user } = await this.challengeUser(token, 'totp', ip);
    if ('code' in factor) {
      const step = user.totpSecret === null ? null : verifyTotp(user.totpSecret, factor.code);
      if (step === null) {
        return this.wrongCode(token, user, ip, 'bad code');
      }
      if (!(await this.deps.users.acceptTotpStep(user.id, step))) {
        return this.wrongCode(token, user, ip, 'code used before');
      }
    } else if (!(await this.deps.users.useRecoveryCode(user.id, recoveryHash(factor.recoveryCode)))) {
      return this.wrongCode(token, user, ip, 'bad recovery code');
    }
    this.challenges.delete(token);
    const factorName = 'code' in factor ? 'totp' : 'recovery code';
    return this.startSession(user, ip, { factor: factorName });
  }

  /** First sign-in: the first code of the authenticator just set up, which enrols it. */
  async completeEnrollment(token: string, code: string, ip: string | null): Promise<SignedIn> {
    const { challenge, user } = await this.challengeUser(token, 'enroll', ip);
    const step = challenge.secret === undefined ? null : verifyTotp(challenge.secret, code);
    if (step === null || challenge.secret === undefined) {
      return this.wrongCode(token, user, ip, 'bad enrolment code');
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    if (!(await this.deps.users.enrollTotp(user.id, challenge.secret, step, recoveryCodes.map(recoveryHash)))) {
      this.challenges.delete(token);
      throw new AuthError('challenge_expired', 'an authenticator was enrolled meanwhile: sign in again');
    }
    this.challenges.delete(token);
    await this.deps.audit.append({
      actor: user.username,
      action: 'auth.totp_enrolled',
      target: user.username,
      outcome: 'success',
      ip,
    });
    return { ...(await this.startSession(user, ip, { factor: 'totp', enrolled: true })), recoveryCodes };
  }

  /** A session opens only once its sign-in is in the audit trail (a trail that cannot be written refuses it: 503). */
  private async startSession(user: UserRecord, ip: string | null, detail: Record<string, unknown>): Promise<SignedIn> {
    await this.deps.audit.append({ actor: user.username, action: 'auth.login', outcome: 'success', ip, detail });
    await this.deps.users.recordSuccessfulLogin(user.id);
    const token = randomBytes(32).toString('base64url');
    await this.deps.users.createSession({
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + this.deps.idleMinutes * 60_000),
      ip,
    });
    return { token, user: this.toSessionUser(user) };
  }

  /** The session behind a token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) {
      return null;
    }
    const tokenHash = hashToken(token);
    const session = await this.deps.users.touchSession(tokenHash, this.deps.idleMinutes);
    return session ? { user: this.toSessionUser(session.user), tokenHash, allowedIps: session.user.allowedIps } : null;
  }

  async logout(session: Session, ip: string | null): Promise<void> {
    await this.deps.users.revokeSession(session.tokenHash);
    await this.deps.audit.append({ actor: session.user.username, action: 'auth.logout', outcome: 'success', ip });
  }

  async seedUser(u: {
    username: string;
    displayName: string;
    password: string;
    role: Role;
    jurisdiction: string;
    totpSecret?: string;
  }): Promise<boolean> {
    const created = await this.deps.users.createIfMissing({
      username: u.username,
      displayName: u.displayName,
      passwordHash: await hashSecret(u.password),
      role: u.role,
      jurisdiction: u.jurisdiction,
      ...(u.totpSecret ? { totpSecret: u.totpSecret } : {}),
    });
    if (created) {
      await this.deps.audit.append({
        actor: null,
        action: 'user.seed',
        target: u.username,
        outcome: 'success',
        detail: { role: u.role },
      });
    }
    return created;
  }
}
