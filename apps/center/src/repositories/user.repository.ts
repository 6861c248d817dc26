import type { Role } from '@bsm/protocol';
import type { Db } from '../db/database.js';

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  jurisdiction: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
}

export interface SessionRecord {
  user: UserRecord;
  expiresAt: Date;
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  async findByUsername(username: string): Promise<UserRecord | null> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r
      ? {
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          passwordHash: r.password_hash,
          role: r.role as Role,
          jurisdiction: r.jurisdiction,
          disabled: r.disabled,
          failedLogins: r.failed_logins,
          lockedUntil: r.locked_until,
        }
      : null;
  }

  /** Creates the user if the name is free; returns false when it already exists. */
  async createIfMissing(u: {
    username: string;
    displayName: string;
    passwordHash: string;
    role: Role;
    jurisdiction: string;
  }): Promise<boolean> {
    const res = await this.db
      .insertInto('users')
      .values({
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        role: u.role,
        jurisdiction: u.jurisdiction,
        locked_until: null,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async recordFailedLogin(userId: number, maxFailures: number, lockMinutes: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set((eb) => ({
        failed_logins: eb('failed_logins', '+', 1),
        locked_until: eb
          .case()
          .when('failed_logins', '>=', maxFailures - 1)
          .then(new Date(Date.now() + lockMinutes * 60_000))
          .else(eb.ref('locked_until'))
          .end(),
      }))
      .where('id', '=', userId)
      .execute();
  }

  async recordSuccessfulLogin(userId: number): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
  }

  async createSession(s: { tokenHash: string; userId: number; expiresAt: Date; ip: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: s.tokenHash,
        user_id: s.userId,
        last_seen_at: new Date(),
        expires_at: s.expiresAt,
        ip: s.ip,
        revoked_at: null,
      })
      .execute();
  }

  /** A live session (not revoked, not expired) with its user, sliding its expiry forward. */
  async touchSession(tokenHash: string, idleMinutes: number): Promise<SessionRecord | null> {
    const now = new Date();
    const row = await this.db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: new Date(now.getTime() + idleMinutes * 60_000) })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['user_id', 'expires_at'])
      .executeTakeFirst();
    if (!row) {
      return null;
    }
    const u = await this.db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
    if (!u || u.disabled) {
      return null;
    }
    return {
      expiresAt: row.expires_at,
      user: {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        passwordHash: u.password_hash,
        role: u.role as Role,
        jurisdiction: u.jurisdiction,
        disabled: u.disabled,
        failedLogins: u.failed_logins,
        lockedUntil: u.locked_until,
      },
    };
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: new Date() }).where('token_hash', '=', tokenHash).execute();
  }
}
