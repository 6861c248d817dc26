import { createHash, randomBytes } from 'node:crypto';
import type { CenterInfo, Role, SessionUser } from '@bsm/protocol';
import { hashSecret, verifySecret, type Logger } from '@bsm/runtime';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { UserRecord, UserRepository } from '../repositories/user.repository.js';

export class AuthError extends Error {
  constructor(
    readonly code: 'bad_credentials' | 'locked' | 'unauthenticated',
    message: string,
  ) {
    super(message);
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface Session {
  user: SessionUser;
  tokenHash: string;
}

/** Passwords (argon2id), lock-out after repeated failures, and opaque session tokens stored only as hashes. */
export class AuthService {
  /** Verified against when the username is unknown, so timing does not tell which names exist. */
  private dummyHash: Promise<string> | null = null;

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

  async login(username: string, password: string, ip: string | null): Promise<{ token: string; user: SessionUser }> {
    const { users, audit } = this.deps;
    const user = await users.findByUsername(username);
    if (!user) {
      this.dummyHash ??= hashSecret(randomBytes(16).toString('hex'));
      await verifySecret(await this.dummyHash, password);
      await audit.append({
        actor: username,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        detail: { reason: 'unknown user' },
      });
      throw new AuthError('bad_credentials', 'wrong username or password');
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await audit.append({
        actor: username,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        detail: { reason: 'locked' },
      });
      throw new AuthError('locked', `account locked until ${user.lockedUntil.toISOString()}`);
    }
    const suspended = user.disabled || !user.permissions.includes('login');
    if (suspended || !(await verifySecret(user.passwordHash, password))) {
      await users.recordFailedLogin(user.id, this.deps.maxFailedLogins, this.deps.lockMinutes);
      await audit.append({
        actor: username,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        detail: { reason: user.disabled ? 'disabled' : suspended ? 'no login permission' : 'bad password' },
      });
      throw new AuthError('bad_credentials', 'wrong username or password');
    }
    await users.recordSuccessfulLogin(user.id);
    const token = randomBytes(32).toString('base64url');
    await users.createSession({
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + this.deps.idleMinutes * 60_000),
      ip,
    });
    await audit.append({ actor: username, action: 'auth.login', outcome: 'success', ip });
    return { token, user: this.toSessionUser(user) };
  }

  /** The session behind a token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) {
      return null;
    }
    const tokenHash = hashToken(token);
    const session = await this.deps.users.touchSession(tokenHash, this.deps.idleMinutes);
    return session ? { user: this.toSessionUser(session.user), tokenHash } : null;
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
  }): Promise<boolean> {
    const created = await this.deps.users.createIfMissing({
      username: u.username,
      displayName: u.displayName,
      passwordHash: await hashSecret(u.password),
      role: u.role,
      jurisdiction: u.jurisdiction,
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
