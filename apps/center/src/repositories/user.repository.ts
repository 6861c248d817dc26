import { effectivePermissions, Permission, Role } from '@bsm/protocol';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { RemoteUser, UsersTable } from '../db/schema.js';
import { SecretBox } from '../auth/secret-box.js';

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  jurisdiction: string;
  /** What the user holds: the chosen list or the role's defaults, within the role's ceiling. */
  permissions: Permission[];
  /** CIDR ranges the user may sign in from; empty: wherever the center allows. */
  allowedIps: string[];
  disabled: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  /** The authenticator's secret; null until enrolled. */
  totpSecret: string | null;
  /** The last TOTP time step accepted. */
  totpLastStep: number;
  /** Unused recovery codes left. */
  recoveryCodesLeft: number;
}

type UserRow = Selectable<UsersTable>;

/** A chosen permission the code no longer knows (renamed, removed) is dropped, never granted. */
const knownPermissions = (stored: string[] | null): Permission[] | null =>
  stored === null ? null : stored.filter((p): p is Permission => Permission.safeParse(p).success);

function toRecord(r: UserRow, box: SecretBox | null): UserRecord {
  const role = r.role as Role;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    role,
    jurisdiction: r.jurisdiction,
    permissions: effectivePermissions(role, knownPermissions(r.permissions)),
    allowedIps: r.allowed_ips,
    disabled: r.disabled,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    totpSecret: r.totp_secret === null ? null : box ? box.open(r.totp_secret) : r.totp_secret,
    totpLastStep: Number(r.totp_last_step),
    recoveryCodesLeft: r.recovery_codes.length,
  };
}

export interface SessionRecord {
  user: UserRecord;
  expiresAt: Date;
  /** For a single sign-on session: the center above that signed the user in. */
  issuer: string | null;
}

/** A user signed in above, as a record like a local one (no password, no authenticator: those live above). */
function remoteRecord(u: RemoteUser): UserRecord {
  const role = Role.safeParse(u.role).success ? (u.role as Role) : 'ordinary_user';
  return {
    id: 0,
    username: u.username,
    displayName: u.displayName,
    passwordHash: '',
    role,
    jurisdiction: u.jurisdiction,
    permissions: effectivePermissions(role, knownPermissions(u.permissions)),
    allowedIps: u.allowedIps,
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    totpSecret: null,
    totpLastStep: 0,
    recoveryCodesLeft: 0,
  };
}

export class UserRepository {
  /** With a box, authenticator secrets are sealed at rest (`auth.secretKeyFile`). */
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox | null = null,
  ) {}

  private record(r: UserRow): UserRecord {
    return toRecord(r, this.box);
  }

  private stored(secret: string): string {
    return this.box ? this.box.seal(secret) : secret;
  }

  /**
   * At start: seals the secrets stored before the key was configured, and
   * checks that the sealed ones open with this key (or, without a key, that
   * none is sealed), so a wrong or missing key stops the center with a
   * reason instead of failing every sign-in. Returns how many it sealed.
   */
  async sealSecrets(): Promise<number> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'totp_secret'])
      .where('totp_secret', 'is not', null)
      .execute();
    const sealed = rows.filter((r) => SecretBox.isSealed(r.totp_secret ?? ''));
    if (!this.box) {
      if (sealed.length > 0) {
        throw new Error(
          `${sealed.length} authenticator secrets are sealed, but auth.secretKeyFile is not configured: set it to the key they were sealed with`,
        );
      }
      return 0;
    }
    const box = this.box;
    for (const r of sealed) {
      try {
        box.open(r.totp_secret ?? '');
      } catch {
        throw new Error(
          'auth.secretKeyFile does not open the stored authenticator secrets: it is not the key they were sealed with',
        );
      }
    }
    const plain = rows.filter((r) => !SecretBox.isSealed(r.totp_secret ?? ''));
    for (const r of plain) {
      await this.db
        .updateTable('users')
        .set({ totp_secret: box.seal(r.totp_secret ?? '') })
        .where('id', '=', r.id)
        .where('totp_secret', '=', r.totp_secret)
        .execute();
    }
    return plain.length;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r ? this.record(r) : null;
  }

  async findById(id: number): Promise<UserRecord | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.record(r) : null;
  }

  /** Creates the user if the name is free; returns false when it already exists. */
  async createIfMissing(u: {
    username: string;
    displayName: string;
    passwordHash: string;
    role: Role;
    jurisdiction: string;
    /** An authenticator already enrolled (the demo's users); otherwise the user enrols at first sign-in. */
    totpSecret?: string;
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
        permissions: null,
        totp_secret: u.totpSecret ? this.stored(u.totpSecret) : null,
        totp_enrolled_at: u.totpSecret ? new Date() : null,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Every user with the times the administration shows; few enough per center to filter in memory. */
  async listAll(): Promise<
    (UserRecord & { chosenPermissions: Permission[] | null; createdAt: Date; updatedAt: Date })[]
  > {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map((r) => ({
      ...this.record(r),
      chosenPermissions: knownPermissions(r.permissions),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async create(u: {
    username: string;
    displayName: string;
    passwordHash: string;
    role: Role;
    jurisdiction: string;
    permissions: Permission[] | null;
    allowedIps: string[];
  }): Promise<boolean> {
    const res = await this.db
      .insertInto('users')
      .values({
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        role: u.role,
        jurisdiction: u.jurisdiction,
        permissions: u.permissions,
        allowed_ips: u.allowedIps,
        locked_until: null,
        totp_secret: null,
        totp_enrolled_at: null,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async update(
    id: number,
    fields: Partial<{
      displayName: string;
      role: Role;
      jurisdiction: string;
      permissions: Permission[] | null;
      allowedIps: string[];
      disabled: boolean;
    }>,
  ): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        ...(fields.displayName !== undefined ? { display_name: fields.displayName } : {}),
        ...(fields.role !== undefined ? { role: fields.role } : {}),
        ...(fields.jurisdiction !== undefined ? { jurisdiction: fields.jurisdiction } : {}),
        ...(fields.permissions !== undefined ? { permissions: fields.permissions } : {}),
        ...(fields.allowedIps !== undefined ? { allowed_ips: fields.allowedIps } : {}),
        ...(fields.disabled !== undefined ? { disabled: fields.disabled } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  async setPassword(id: number, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Drops the authenticator and recovery codes: the user enrols a new one at the next sign-in. */
  async resetTotp(id: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ totp_secret: null, totp_enrolled_at: null, recovery_codes: [], updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async unlock(id: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Revokes every live session of a user; answers their token hashes, to close their consoles. */
  async revokeSessionsOf(userId: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('token_hash')
      .execute();
    return rows.map((r) => r.token_hash);
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

  /**
   * Accepts a TOTP time step if it is later than the last one accepted, in
   * one statement, so the same code cannot sign in twice even at once.
   */
  async acceptTotpStep(userId: number, step: number): Promise<boolean> {
    const res = await this.db
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', userId)
      .where('totp_last_step', '<', step)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Uses up one recovery code (by its hash); false when it is not one of the user's unused codes. */
  async useRecoveryCode(userId: number, codeHash: string): Promise<boolean> {
    const res = await this.db
      .updateTable('users')
      .set({ recovery_codes: sql<string[]>`array_remove(recovery_codes, ${codeHash})` })
      .where('id', '=', userId)
      .where(sql<boolean>`${codeHash} = ANY(recovery_codes)`)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Stores a newly enrolled authenticator with its first accepted step and the recovery codes' hashes. */
  async enrollTotp(userId: number, secret: string, step: number, recoveryHashes: string[]): Promise<boolean> {
    const res = await this.db
      .updateTable('users')
      .set({
        totp_secret: this.stored(secret),
        totp_enrolled_at: new Date(),
        totp_last_step: step,
        recovery_codes: recoveryHashes,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .where('totp_secret', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
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

  /** A session for a user signed in at a center above, from its ticket. */
  async createRemoteSession(s: {
    tokenHash: string;
    user: RemoteUser;
    issuer: string;
    issuerSession: string;
    expiresAt: Date;
    ip: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: s.tokenHash,
        user_id: null,
        remote_user: JSON.stringify(s.user),
        issuer: s.issuer,
        issuer_session: s.issuerSession,
        last_seen_at: new Date(),
        expires_at: s.expiresAt,
        ip: s.ip,
        revoked_at: null,
      })
      .execute();
  }

  /** Ends the sessions opened with tickets of these sessions of centers above; answers their token hashes. */
  async revokeIssued(issued: readonly { issuer: string; session: string }[]): Promise<string[]> {
    if (issued.length === 0) {
      return [];
    }
    const rows = await this.db
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('revoked_at', 'is', null)
      .where((eb) =>
        eb.or(issued.map((i) => eb.and([eb('issuer', '=', i.issuer), eb('issuer_session', '=', i.session)]))),
      )
      .returning('token_hash')
      .execute();
    return rows.map((r) => r.token_hash);
  }

  /** Sessions revoked since a time: local ones by token hash, and what the tickets of remote ones named. */
  async revokedSince(
    since: Date,
  ): Promise<{ tokenHash: string; issuer: string | null; issuerSession: string | null }[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['token_hash', 'issuer', 'issuer_session'])
      .where('revoked_at', '>=', since)
      .execute();
    return rows.map((r) => ({ tokenHash: r.token_hash, issuer: r.issuer, issuerSession: r.issuer_session }));
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
      .returning(['user_id', 'expires_at', 'remote_user', 'issuer'])
      .executeTakeFirst();
    if (!row) {
      return null;
    }
    if (row.user_id === null) {
      return row.remote_user
        ? { expiresAt: row.expires_at, user: remoteRecord(row.remote_user), issuer: row.issuer }
        : null;
    }
    const u = await this.db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
    if (!u || u.disabled) {
      return null;
    }
    const user = this.record(u);
    if (!user.permissions.includes('login')) {
      return null;
    }
    return { expiresAt: row.expires_at, user, issuer: null };
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: new Date() }).where('token_hash', '=', tokenHash).execute();
  }
}
