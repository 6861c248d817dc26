import {
  effectivePermissions,
  passwordProblems,
  ROLE_CEILINGS,
  type CreateUserRequest,
  type Permission,
  type Role,
  type SessionUser,
  type UpdateUserRequest,
  type UserSummary,
} from '@bsm/protocol';
import { hashSecret, type Logger } from '@bsm/runtime';
import { HttpError } from '../api/http-errors.js';
import { parseRange } from '../auth/ip-rules.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import type { NodeIndex } from './node-index.js';

/**
 * Permissions only someone who holds them may grant, or touch a user who
 * holds them: managing users and reading the audit trail. Officers'
 * permissions a security administrator assigns without holding them — that
 * is their job, and the ceilings keep those apart from these.
 */
const GUARDED: readonly Permission[] = ['users', 'audit'];

export interface UserAdminDeps {
  users: UserRepository;
  audit: AuditRepository;
  index: NodeIndex;
  log: Logger;
  /** The sessions of a user were revoked: close their consoles. */
  sessionsRevoked: (tokenHashes: string[]) => void;
}

/** A valid CIDR range (or a single address, as /32 or /128), normalized; throws a 400 otherwise. */
export function normalizeRange(range: string): string {
  try {
    const [address, bits] = parseRange(range);
    return `${address.toString()}/${bits}`;
  } catch {
    throw new HttpError(400, 'invalid_request', `"${range}" is not an IP address or CIDR range`, [
      { path: 'allowedIps', message: `"${range}" is not an IP address or CIDR range` },
    ]);
  }
}

/**
 * User administration (S3): security administrators create users, assign
 * roles, permissions and jurisdictions, reset passwords and authenticators.
 * Mandatory rules, whoever asks: nobody changes their own account here;
 * nobody grants, or touches a holder of, `users` or `audit` without holding
 * it; nothing goes beyond a role's ceiling or outside the administrator's
 * jurisdiction. Every change is audited, and ends the user's sessions so it
 * takes effect at once.
 */
export class UserAdmin {
  constructor(private readonly deps: UserAdminDeps) {}

  async list(actor: SessionUser): Promise<UserSummary[]> {
    return (await this.deps.users.listAll())
      .filter((u) => this.deps.index.isWithin(u.jurisdiction, actor.jurisdiction))
      .map((u) => ({
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        permissions: u.permissions,
        chosenPermissions: u.chosenPermissions,
        jurisdiction: u.jurisdiction,
        allowedIps: u.allowedIps,
        disabled: u.disabled,
        lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
        totpEnrolled: u.totpSecret !== null,
        recoveryCodesLeft: u.recoveryCodesLeft,
        createdAt: u.createdAt.toISOString(),
        updatedAt: u.updatedAt.toISOString(),
      }));
  }

  async create(actor: SessionUser, req: CreateUserRequest, ip: string | null): Promise<UserSummary> {
    this.checkGrant(actor, req.role, req.permissions ?? null, req.jurisdiction);
    this.checkPassword(req.password, req.username);
    const allowedIps = (req.allowedIps ?? []).map(normalizeRange);
    const created = await this.deps.users.create({
      username: req.username,
      displayName: req.displayName,
      passwordHash: await hashSecret(req.password),
      role: req.role,
      jurisdiction: req.jurisdiction,
      permissions: req.permissions ?? null,
      allowedIps,
    });
    if (!created) {
      throw new HttpError(409, 'exists', `a user ${req.username} exists already`);
    }
    await this.audited(actor, 'user.create', req.username, ip, {
      role: req.role,
      jurisdiction: req.jurisdiction,
      permissions: req.permissions ?? null,
      allowedIps,
    });
    return this.summaryOf(actor, req.username);
  }

  async update(actor: SessionUser, username: string, req: UpdateUserRequest, ip: string | null): Promise<UserSummary> {
    const target = await this.target(actor, username);
    const role = req.role ?? target.role;
    // A new role starts from its defaults unless a list is given with it.
    const chosen =
      req.permissions !== undefined ? req.permissions : req.role !== undefined ? null : target.chosenPermissions;
    const jurisdiction = req.jurisdiction ?? target.jurisdiction;
    this.checkGrant(actor, role, chosen, jurisdiction);
    const allowedIps = req.allowedIps?.map(normalizeRange);
    const before = {
      displayName: target.displayName,
      role: target.role,
      permissions: target.chosenPermissions,
      jurisdiction: target.jurisdiction,
      allowedIps: target.allowedIps,
      disabled: target.disabled,
    };
    const after = {
      ...before,
      ...(req.displayName !== undefined ? { displayName: req.displayName } : {}),
      role,
      permissions: chosen,
      jurisdiction,
      ...(allowedIps !== undefined ? { allowedIps } : {}),
      ...(req.disabled !== undefined ? { disabled: req.disabled } : {}),
    };
    await this.deps.users.update(target.id, after);
    const changed = Object.fromEntries(
      Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before])),
    );
    await this.audited(actor, 'user.update', username, ip, { before, changed });
    await this.endSessions(target.id);
    return this.summaryOf(actor, username);
  }

  async setPassword(actor: SessionUser, username: string, password: string, ip: string | null): Promise<void> {
    const target = await this.target(actor, username);
    this.checkPassword(password, username);
    await this.deps.users.setPassword(target.id, await hashSecret(password));
    await this.audited(actor, 'user.password_set', username, ip, {});
    await this.endSessions(target.id);
  }

  async resetTotp(actor: SessionUser, username: string, ip: string | null): Promise<void> {
    const target = await this.target(actor, username);
    await this.deps.users.resetTotp(target.id);
    await this.audited(actor, 'user.totp_reset', username, ip, {});
    await this.endSessions(target.id);
  }

  async unlock(actor: SessionUser, username: string, ip: string | null): Promise<void> {
    const target = await this.target(actor, username);
    await this.deps.users.unlock(target.id);
    await this.audited(actor, 'user.unlock', username, ip, {});
  }

  /** A user the actor may manage: inside their jurisdiction (else unknown to them), not themselves, no guarded powers beyond theirs. */
  private async target(actor: SessionUser, username: string) {
    const all = await this.deps.users.listAll();
    const target = all.find((u) => u.username === username);
    if (!target || !this.deps.index.isWithin(target.jurisdiction, actor.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no user ${username}`);
    }
    if (target.username === actor.username) {
      throw new HttpError(403, 'self_change', 'nobody changes their own account: ask another security administrator');
    }
    const beyond = GUARDED.filter((p) => target.permissions.includes(p) && !actor.permissions.includes(p));
    if (beyond.length > 0) {
      throw new HttpError(403, 'cannot_grant', `${username} holds ${beyond.join(', ')}, which you do not`);
    }
    return target;
  }

  /** What a user would hold is within the role's ceiling, the actor's guarded powers and the actor's jurisdiction. */
  private checkGrant(actor: SessionUser, role: Role, chosen: Permission[] | null, jurisdiction: string): void {
    const ceiling = ROLE_CEILINGS[role];
    const outside = (chosen ?? []).filter((p) => !ceiling.includes(p));
    if (outside.length > 0) {
      throw new HttpError(400, 'beyond_role', `a ${role} cannot hold ${outside.join(', ')}`, [
        { path: 'permissions', message: `not for a ${role}: ${outside.join(', ')}` },
      ]);
    }
    const granted = effectivePermissions(role, chosen);
    const beyond = GUARDED.filter((p) => granted.includes(p) && !actor.permissions.includes(p));
    if (beyond.length > 0) {
      throw new HttpError(403, 'cannot_grant', `nobody grants what they do not hold: ${beyond.join(', ')}`);
    }
    const node = this.deps.index.get(jurisdiction);
    if (!node) {
      throw new HttpError(400, 'invalid_request', `no node ${jurisdiction}`, [
        { path: 'jurisdiction', message: `no node ${jurisdiction}` },
      ]);
    }
    if (!this.deps.index.isWithin(jurisdiction, actor.jurisdiction)) {
      throw new HttpError(403, 'outside_jurisdiction', `${jurisdiction} is outside your jurisdiction`);
    }
    if (role === 'branch_staff' && node.kind !== 'branch') {
      throw new HttpError(400, 'invalid_request', 'branch staff belong to a branch', [
        { path: 'jurisdiction', message: 'choose the branch' },
      ]);
    }
  }

  private checkPassword(password: string, username: string): void {
    const problems = passwordProblems(password, username);
    if (problems.length > 0) {
      throw new HttpError(
        400,
        'weak_password',
        `the password breaks the rules: ${problems.join(', ')}`,
        problems.map((p) => ({ path: 'password', message: p })),
      );
    }
  }

  private async endSessions(userId: number): Promise<void> {
    const revoked = await this.deps.users.revokeSessionsOf(userId);
    if (revoked.length > 0) {
      this.deps.sessionsRevoked(revoked);
    }
  }

  private async audited(
    actor: SessionUser,
    action: string,
    target: string,
    ip: string | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.append({ actor: actor.username, action, target, outcome: 'success', ip, detail });
    this.deps.log.info({ by: actor.username, action, target }, 'user administration');
  }

  private async summaryOf(actor: SessionUser, username: string): Promise<UserSummary> {
    const found = (await this.list(actor)).find((u) => u.username === username);
    if (!found) {
      throw new HttpError(404, 'not_found', `no user ${username}`);
    }
    return found;
  }
}
